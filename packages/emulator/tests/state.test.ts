/**
 * Canister state rules: a trap rolls back everything the message did (heap, stable memory,
 * globals); a query's changes are discarded; an upgrade keeps stable memory and starts a fresh
 * heap; the global timer fires once when due.
 */
import { CallRejectedError, Emulator, RejectCode } from '../src/index.js';
import { readI64, statefulModule, timerModule } from './canisters.js';
import { EMPTY, SECOND } from './setup.js';

function state(bytes: Uint8Array): { global: bigint; heap: bigint; stable: bigint } {
    return { global: readI64(bytes.slice(0, 8)), heap: readI64(bytes.slice(8, 16)), stable: readI64(bytes.slice(16, 24)) };
}

async function stateful() {
    const em = await Emulator.create();
    const id = await em.setupCanister({ wasm: statefulModule() });
    const read = async () => state(await em.queryCall(id, 'read', EMPTY));
    return { em, id, read };
}

describe('a trap rolls back the message', () => {
    it.each(['bump_then_trap', 'bump_then_ic0_trap'])('%s: global, heap and stable memory are unchanged', async (method) => {
        const { em, id, read } = await stateful();
        await em.updateCall(id, 'bump', EMPTY);
        await expect(em.updateCall(id, method, EMPTY)).rejects.toMatchObject({ rejectCode: RejectCode.CanisterError });
        expect(await read()).toEqual({ global: 1n, heap: 1n, stable: 1n });
    });

    it('reports an explicit trap with its message', async () => {
        const { em, id } = await stateful();
        await expect(em.updateCall(id, 'bump_then_ic0_trap', EMPTY)).rejects.toThrow(/ic0.trap.*explicit/);
    });

    it('memory grown by the trapped message is given back', async () => {
        const { em, id, read } = await stateful();
        const pages = readI64(await em.updateCall(id, 'pages', EMPTY));
        await expect(em.updateCall(id, 'grow_then_trap', EMPTY)).rejects.toBeInstanceOf(CallRejectedError);
        expect(readI64(await em.updateCall(id, 'pages', EMPTY))).toBe(pages);
        expect(await read()).toEqual({ global: 0n, heap: 0n, stable: 0n });
        const { memory_metrics } = (await em.canisterStatus({ canisterId: id })).record;
        expect(memory_metrics).toMatchObject({ wasm_memory_size: pages * 65_536n, stable_memory_size: 65_536n });
    });
});

describe('queries', () => {
    it('see the state but their changes are discarded, in both query modes', async () => {
        const { em, id, read } = await stateful();
        await em.updateCall(id, 'bump', EMPTY);
        expect(state(await em.queryCall(id, 'bump_query', EMPTY))).toEqual({ global: 2n, heap: 2n, stable: 2n });
        expect(state(await em.updateCall(id, 'bump_query', EMPTY))).toEqual({ global: 2n, heap: 2n, stable: 2n }); // replicated
        expect(await read()).toEqual({ global: 1n, heap: 1n, stable: 1n });
    });

    it('an update method cannot be called as a query', async () => {
        const { em, id } = await stateful();
        await expect(em.queryCall(id, 'bump', EMPTY)).rejects.toThrow(/no query method 'bump'/);
    });
});

describe('install modes', () => {
    it('upgrade keeps stable memory and resets the heap and globals', async () => {
        const { em, id, read } = await stateful();
        for (let i = 0; i < 3; i++) await em.updateCall(id, 'bump', EMPTY);
        await em.upgradeCanister({ canisterId: id, wasm: statefulModule() });
        expect(await read()).toEqual({ global: 0n, heap: 0n, stable: 3n });
    });

    it('reinstall clears stable memory too', async () => {
        const { em, id, read } = await stateful();
        await em.updateCall(id, 'bump', EMPTY);
        await em.reinstallCode({ canisterId: id, wasm: statefulModule() });
        expect(await read()).toEqual({ global: 0n, heap: 0n, stable: 0n });
    });

    it('install on a canister that has code is refused and changes nothing', async () => {
        const { em, id, read } = await stateful();
        await em.updateCall(id, 'bump', EMPTY);
        await expect(em.installCode({ canisterId: id, wasm: statefulModule() })).rejects.toThrow(/not empty/);
        expect(await read()).toEqual({ global: 1n, heap: 1n, stable: 1n });
    });
});

describe('the global timer', () => {
    it('fires once, in the first round at or after its time', async () => {
        const em = await Emulator.create({ roundStepMs: 1_000 });
        const id = await em.setupCanister({ wasm: timerModule() });
        const installedAt = em.timeNs;
        const fired = async () => readI64(await em.queryCall(id, 'fired', EMPTY));
        while (em.timeNs + SECOND < installedAt + 5n * SECOND) await em.tick(1);
        expect(await fired()).toBe(0n);
        await em.tick(1);
        expect(await fired()).toBe(1n);
        const at = readI64(await em.queryCall(id, 'fired_at', EMPTY));
        expect(at - installedAt).toBeGreaterThanOrEqual(5n * SECOND);
        expect(at - installedAt).toBeLessThan(6n * SECOND);
        await em.tick(20);
        expect(await fired()).toBe(1n);
    });

    it('global_timer_set returns the previous value and 0 deactivates it', async () => {
        const em = await Emulator.create();
        const id = await em.setupCanister({ wasm: timerModule() });
        const armedAt = em.timeNs + 5n * SECOND;
        await em.tick(1);
        expect(readI64(await em.updateCall(id, 'cancel', EMPTY))).toBe(armedAt - 0n);
        await em.tick(30);
        expect(readI64(await em.queryCall(id, 'fired', EMPTY))).toBe(0n);
    });
});
