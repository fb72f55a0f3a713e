import { HostTrap } from '../errors';
import { ApiEnv, Ic0Function, u32, u64 } from './env';

const PAGE = 65_536;
const MAX_32_BIT_PAGES = 65_536n; // the 32-bit API addresses at most 4 GiB

/** stable_* and stable64_*: stable memory, copied on the first write of a message so a trap can undo it. */
export function stableApi(env: ApiEnv): Record<string, Ic0Function> {
    const pages = (): bigint => BigInt(env.canister.stable.length / PAGE);
    const writable = (): Uint8Array => {
        const s = tryState(env);
        if (s !== undefined && !s.stableCopied) {
            env.canister.stable = env.canister.stable.slice();
            s.stableCopied = true;
        }
        return env.canister.stable;
    };
    const grow = (delta: bigint, limit: bigint): bigint => {
        const old = pages();
        if (old + delta > limit || old + delta > env.subnet.maxStablePages) return -1n;
        const grown = new Uint8Array(Number(old + delta) * PAGE);
        grown.set(env.canister.stable);
        env.canister.stable = grown;
        const s = tryState(env);
        if (s !== undefined) s.stableCopied = true;
        return old;
    };
    const check = (name: string, offset: bigint, size: bigint) => {
        if (offset + size > BigInt(env.canister.stable.length)) {
            throw new HostTrap(`ic0.${name}: out of bounds: [${offset}, ${offset + size}) in ${env.canister.stable.length} bytes of stable memory`);
        }
    };
    const write = (name: string, offset: bigint, src: number, size: number) => {
        check(name, offset, BigInt(size));
        const data = env.read(src, size);
        writable().set(data, Number(offset));
    };
    const read = (name: string, dst: number, offset: bigint, size: number) => {
        check(name, offset, BigInt(size));
        env.write(dst, env.canister.stable.subarray(Number(offset), Number(offset) + size));
    };

    return {
        stable_size: () => {
            if (pages() > MAX_32_BIT_PAGES) throw new HostTrap('ic0.stable_size: stable memory exceeds 4 GiB; use stable64_size');
            return Number(pages());
        },
        stable_grow: (delta: number) => Number(grow(BigInt(u32(delta)), MAX_32_BIT_PAGES)),
        stable_write: (offset: number, src: number, size: number) => write('stable_write', BigInt(u32(offset)), u32(src), u32(size)),
        stable_read: (dst: number, offset: number, size: number) => read('stable_read', u32(dst), BigInt(u32(offset)), u32(size)),
        stable64_size: () => pages(),
        stable64_grow: (delta: bigint) => BigInt.asIntN(64, grow(u64(delta), 2n ** 48n)),
        stable64_write: (offset: bigint, src: bigint, size: bigint) =>
            write('stable64_write', u64(offset), Number(u64(src)), Number(u64(size))),
        stable64_read: (dst: bigint, offset: bigint, size: bigint) =>
            read('stable64_read', Number(u64(dst)), u64(offset), Number(u64(size)))
    };
}

function tryState(env: ApiEnv) {
    try {
        return env.state();
    } catch {
        return undefined; // the start function: nothing to roll back
    }
}
