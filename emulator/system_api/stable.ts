import { HostTrap } from '../errors';
import { ExecutionState } from '../execution/execution_state';
import { ApiEnv, Ic0Function, u32, u64 } from './env';

const PAGE = 65_536;
const MAX_32_BIT_PAGES = 65_536n; // the 32-bit API addresses at most 4 GiB

/** stable_* and stable64_*: stable memory, copied on the first write of a message so a trap can undo it. */
export function stableApi(env: ApiEnv): Record<string, Ic0Function> {
    const pages = (): bigint => BigInt(env.canister.stable.length / PAGE);
    /** Saves the original content of the pages [offset, offset+size) touches, once per execution. */
    const remember = (offset: number, size: number): void => {
        const s = tryState(env);
        if (s === undefined || size === 0) return;
        for (let page = Math.floor(offset / PAGE); page <= Math.floor((offset + size - 1) / PAGE); page++) {
            if (!s.stableUndo.has(page)) s.stableUndo.set(page, env.canister.stable.slice(page * PAGE, (page + 1) * PAGE));
        }
    };
    const grow = (delta: bigint, limit: bigint): bigint => {
        const old = pages();
        if (old + delta > limit || old + delta > env.subnet.maxStablePages) return -1n;
        const s = tryState(env);
        if (s !== undefined && s.stableSizeBefore === undefined) s.stableSizeBefore = env.canister.stable.length;
        const grown = new Uint8Array(Number(old + delta) * PAGE);
        grown.set(env.canister.stable);
        env.canister.stable = grown;
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
        remember(Number(offset), size);
        env.canister.stable.set(data, Number(offset));
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

/** Puts stable memory back as it was before `state`'s execution (after a trap, or a query). */
export function undoStableWrites(canister: { stable: Uint8Array }, state: ExecutionState): void {
    for (const [page, original] of state.stableUndo) {
        if (page * PAGE < canister.stable.length) canister.stable.set(original, page * PAGE);
    }
    if (state.stableSizeBefore !== undefined) canister.stable = canister.stable.slice(0, state.stableSizeBefore);
}
