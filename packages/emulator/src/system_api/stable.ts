import { HostTrap } from '../errors.js';
import { ExecutionState } from '../execution/execution_state.js';
import { StableMemory } from '../subnet/stable_memory.js';
import { ApiEnv, Ic0Function, u32, u64 } from './env.js';

const MAX_32_BIT_PAGES = 65_536n; // the 32-bit API addresses at most 4 GiB
const MAX_64_BIT_PAGES = 2n ** 48n; // 2^64 bytes

/** stable_* and stable64_*: stable memory, saved on the first change of a message so a trap can undo it. */
export function stableApi(env: ApiEnv): Record<string, Ic0Function> {
    const pages = (): bigint => BigInt(env.canister.stable.pageCount);
    /** Keeps the memory as it was before this execution's first change (copy-on-write, so cheap). */
    const beforeChange = (): void => {
        const s = env.current(); // undefined in the start function: nothing to roll back
        if (s !== undefined && s.stableBefore === undefined) s.stableBefore = env.canister.stable.snapshot();
    };
    const grow = (delta: bigint, limit: bigint): bigint => {
        const old = pages();
        if (old + delta > limit || old + delta > env.subnet.maxStablePages) return -1n;
        if (delta > 0n) {
            beforeChange();
            env.canister.stable.grow(Number(delta));
        }
        return old;
    };
    const check = (name: string, offset: bigint, size: bigint) => {
        if (offset + size > BigInt(env.canister.stable.byteLength)) {
            throw new HostTrap(`ic0.${name}: out of bounds: [${offset}, ${offset + size}) in ${env.canister.stable.byteLength} bytes of stable memory`);
        }
    };
    const write = (name: string, offset: bigint, src: number, size: number) => {
        check(name, offset, BigInt(size));
        const data = env.read(src, size);
        if (size === 0) return;
        beforeChange();
        env.canister.stable.write(Number(offset), data);
    };
    const read = (name: string, dst: number, offset: bigint, size: number) => {
        check(name, offset, BigInt(size));
        env.write(dst, env.canister.stable.read(Number(offset), size));
    };

    /** The spec: every 32-bit call traps once stable memory is larger than 4 GiB. */
    const within32 = (name: string) => {
        if (pages() > MAX_32_BIT_PAGES) throw new HostTrap(`ic0.${name}: stable memory exceeds 4 GiB; use the stable64 API`);
    };

    return {
        stable_size: () => {
            within32('stable_size');
            return Number(pages());
        },
        stable_grow: (delta: number) => {
            within32('stable_grow');
            return Number(BigInt.asIntN(32, grow(BigInt(u32(delta)), MAX_32_BIT_PAGES)));
        },
        stable_write: (offset: number, src: number, size: number) => {
            within32('stable_write');
            write('stable_write', BigInt(u32(offset)), u32(src), u32(size));
        },
        stable_read: (dst: number, offset: number, size: number) => {
            within32('stable_read');
            read('stable_read', u32(dst), BigInt(u32(offset)), u32(size));
        },
        stable64_size: () => pages(),
        stable64_grow: (delta: bigint) => BigInt.asIntN(64, grow(u64(delta), MAX_64_BIT_PAGES)),
        stable64_write: (offset: bigint, src: bigint, size: bigint) =>
            write('stable64_write', u64(offset), Number(u64(src)), Number(u64(size))),
        stable64_read: (dst: bigint, offset: bigint, size: bigint) =>
            read('stable64_read', Number(u64(dst)), u64(offset), Number(u64(size)))
    };
}

/** Puts stable memory back as it was before `state`'s execution (after a trap, or a query). */
export function undoStableWrites(canister: { stable: StableMemory }, state: ExecutionState): void {
    if (state.stableBefore !== undefined) canister.stable = state.stableBefore;
}
