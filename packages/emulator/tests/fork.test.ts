/**
 * Forking: deploy once, then give each test its own copy of the subnet. A fork starts exactly
 * where the original stands and from then on neither sees the other.
 */
import { createHash } from 'node:crypto';

import { Principal } from '@dfinity/principal';

import { Emulator, EmulatorError } from '../src/index.js';
import { calleeModule, callerModule, parseReport, readI64, statefulModule } from './canisters.js';
import { EMPTY } from './setup.js';

function digest(em: Emulator, id: Principal): string {
    const canister = em.subnet.canister(id);
    if (canister === undefined) throw new Error('no canister');
    return createHash('sha256').update(canister.heap()).digest('hex') + em.stableMemoryDigest(id);
}

const state = async (em: Emulator, id: Principal) => {
    const r = await em.queryCall(id, 'read', EMPTY);
    const view = new DataView(r.buffer, r.byteOffset);
    return [view.getBigInt64(0, true), view.getBigInt64(8, true), view.getBigInt64(16, true)];
};

describe('em.fork()', () => {
    it('copies heap, globals and stable memory; a fork’s changes stay in the fork', async () => {
        const em = await Emulator.create();
        const id = await em.setupCanister({ wasm: statefulModule() });
        await em.updateCall(id, 'bump', EMPTY);
        const before = digest(em, id);
        const fork = em.fork();
        expect(digest(fork, id)).toBe(before);
        await fork.updateCall(id, 'bump', EMPTY);
        await fork.updateCall(id, 'bump', EMPTY);
        expect(await state(fork, id)).toEqual([3n, 3n, 3n]);
        expect(await state(em, id)).toEqual([1n, 1n, 1n]);
        expect(digest(em, id)).toBe(before);
        // and the other way round
        await em.updateCall(id, 'bump', EMPTY);
        expect(await state(fork, id)).toEqual([3n, 3n, 3n]);
    });

    it('carries time, round, ids and the trace on from where the original stood', async () => {
        const em = await Emulator.create();
        await em.setupCanister({ wasm: statefulModule() });
        await em.tick(5);
        const fork = em.fork();
        expect([fork.timeNs, fork.round, fork.trace().length]).toEqual([em.timeNs, em.round, em.trace().length]);
        const next = await fork.createCanister();
        expect((await em.createCanister()).toText()).toBe(next.toText());
    });

    it('copies calls in flight: a response that arrives in the fork runs the fork’s callback', async () => {
        const em = await Emulator.create();
        const callee = await em.setupCanister({ wasm: calleeModule() });
        const caller = await em.setupCanister({ wasm: callerModule({ callee, method: 'echo', payload: new Uint8Array([9]) }) });
        em.makeUnresponsive(callee, 3);
        const original = em.submit(caller, 'go', EMPTY);
        await em.tick(1);
        const fork = em.fork();
        const ingressId = [...fork.subnet.ingress.keys()].at(-1) as number;
        await fork.tick(5);
        await em.tick(5);
        expect(parseReport(original.result()).data).toEqual(new Uint8Array([9]));
        expect(fork.subnet.ingress.get(ingressId)?.state).toBe('done');
        expect(fork.trace().map((t) => t.outcome.kind)).toEqual(em.trace().map((t) => t.outcome.kind));
    });

    it('forks run the same calls to the same bytes (determinism), and a fork can be forked', async () => {
        const em = await Emulator.create({ seed: 3 });
        const id = await em.setupCanister({ wasm: statefulModule() });
        const a = em.fork();
        const b = em.fork().fork();
        for (const f of [a, b]) for (let i = 0; i < 3; i++) await f.updateCall(id, 'bump', EMPTY);
        expect(digest(a, id)).toBe(digest(b, id));
        expect(readI64(await a.queryCall(id, 'read', EMPTY))).toBe(3n);
    });

    it('refuses while a raw_rand answer waits for the next round', async () => {
        const em = await Emulator.create();
        const caller = await em.setupCanister({ wasm: callerModule({ callee: Principal.fromText('aaaaa-aa'), method: 'raw_rand', payload: new Uint8Array([0x44, 0x49, 0x44, 0x4c, 0, 0]) }) });
        em.submit(caller, 'go', EMPTY);
        await em.tick(1);
        expect(() => em.fork()).toThrow(EmulatorError);
        await em.tick(1);
        expect(() => em.fork()).not.toThrow();
    });
    it('keeps the principals in settings: a viewer the original allowed may read the fork’s status', async () => {
        const em = await Emulator.create();
        const id = await em.setupCanister({ wasm: statefulModule() });
        const viewer = Emulator.identity('viewer');
        await em.updateSettings({ canisterId: id, settings: { status_visibility: [{ allowed_viewers: [viewer] }] } });
        const fork = em.fork();
        expect((await fork.canisterStatus({ canisterId: id, sender: viewer })).status).toBe('running');
        expect((await fork.canisterStatus({ canisterId: id })).status).toBe('running');
    });
});

describe('em.restore(saved)', () => {
    it('puts the state back, keeping the instance and copying only the pages written since', async () => {
        const em = await Emulator.create({ pageRollback: true }); // what pages were written needs the barrier
        const id = await em.setupCanister({ wasm: statefulModule() });
        await em.updateCall(id, 'bump', EMPTY);
        const saved = em.fork();
        const work = saved.fork();
        const savedState = digest(saved, id);
        let memory: ArrayBufferLike | undefined;
        for (let round = 0; round < 3; round++) {
            await work.updateCall(id, 'bump', EMPTY);
            await work.updateCall(id, 'bump', EMPTY);
            expect(await state(work, id)).toEqual([3n, 3n, 3n]);
            const created = await work.createCanister();
            work.restore(saved);
            expect(digest(work, id)).toBe(savedState);
            expect(await state(work, id)).toEqual([1n, 1n, 1n]);
            expect(work.subnet.canister(created)).toBeUndefined();
            expect([work.timeNs, work.trace().length]).toEqual([saved.timeNs, saved.trace().length]);
            // The same instance, its memory kept (after the first round, which made it).
            const buffer = work.subnet.canister(id)?.heap().buffer;
            if (memory !== undefined) expect(buffer).toBe(memory);
            memory = buffer;
        }
    });

    it('refuses a saved emulator created with other options', async () => {
        const a = await Emulator.create({ seed: 1 });
        const b = await Emulator.create({ seed: 2 });
        expect(() => a.restore(b)).toThrow('restore: the saved emulator was created with other options');
    });

    it('back to a fork taken before install: forks that shared the installed heap keep it', async () => {
        const em = await Emulator.create();
        const id = await em.createCanister();
        const blank = em.fork();
        await em.installCode({ canisterId: id, wasm: statefulModule() });
        await em.updateCall(id, 'bump', EMPTY);
        const saved = em.fork();
        em.restore(blank);
        expect((await em.canisterStatus({ canisterId: id })).moduleHash).toBeUndefined();
        expect(await state(saved, id)).toEqual([1n, 1n, 1n]);
    });
});
