/**
 * Rounds: messages between canisters of the subnet run within the round that produced them (the
 * replica's inner rounds, rs/execution_environment/src/scheduler.rs, inner_round) until the
 * round's instruction budget is spent, so a same-subnet call chain completes in one round while
 * a canister that calls itself for ever still cannot hang the host.
 */
import { Emulator, EmulatorError } from '../src/index.js';
import { calleeModule, callerModule, parseReport, selfCallModule } from './canisters.js';
import { EMPTY } from './setup.js';

const OVERHEAD = 2_000_000n; // INSTRUCTION_OVERHEAD_PER_EXECUTION, charged to the round for every execution

describe('inner rounds', () => {
    it('a call to a canister of the subnet and its response complete within the round that made them', async () => {
        const em = await Emulator.create();
        const callee = await em.setupCanister({ wasm: calleeModule() });
        const caller = await em.setupCanister({ wasm: callerModule({ callee, method: 'echo', payload: new Uint8Array([7]) }) });
        const go = em.submit(caller, 'go', EMPTY);
        const round = em.round;
        await em.tick(1);
        expect(em.round).toBe(round + 1);
        expect(parseReport(go.result()).data).toEqual(new Uint8Array([7]));
    });

    it('with inner rounds off, each hop waits for the next round', async () => {
        const em = await Emulator.create({ innerRounds: false });
        const callee = await em.setupCanister({ wasm: calleeModule() });
        const caller = await em.setupCanister({ wasm: callerModule({ callee, method: 'echo' }) });
        const go = em.submit(caller, 'go', EMPTY);
        await em.tick(2);
        expect(go.status).toBe('pending'); // ingress, request, response: three rounds
        await em.tick(1);
        expect(go.status).toBe('replied');
    });
});

describe('a self-calling canister', () => {
    it('runs many hops a round but no more than the budget allows; the host stays in control and others are served', async () => {
        const em = await Emulator.create();
        const looper = await em.setupCanister({ wasm: selfCallModule(1) });
        const other = await em.setupCanister({ wasm: selfCallModule(1) });
        em.submit(looper, 'loop', EMPTY);
        await expect(em.runUntilIdle(3)).rejects.toBeInstanceOf(EmulatorError);
        await expect(em.updateCall(other, 'ok', EMPTY, { maxRounds: 5 })).resolves.toEqual(new Uint8Array());
        const hops = em.trace().filter((t) => t.method === 'loop' && t.model === 'guaranteed').length;
        expect(hops).toBeGreaterThan(em.round); // more than one hop per round
        // 4 B instructions a round, 2 M of overhead per execution (a request and its response each count).
        expect(hops).toBeLessThanOrEqual(em.round * Number(4_000_000_000n / OVERHEAD));
    });

    it('a fan-out loop executes no more messages per round than the instruction budget pays for', async () => {
        const em = await Emulator.create({ instructionsPerRound: 64n * OVERHEAD });
        const bomb = await em.setupCanister({ wasm: selfCallModule(2) });
        em.submit(bomb, 'loop', EMPTY);
        const start = em.round;
        await em.tick(30);
        const perRound = new Map<number, number>();
        for (const t of em.trace()) if (t.sentRound > start) perRound.set(t.sentRound, (perRound.get(t.sentRound) ?? 0) + 1);
        // each executed message makes at most two calls; 64 executions a round
        expect(Math.max(...perRound.values())).toBeLessThanOrEqual(2 * 64);
        expect(em.subnet.queue.length + em.subnet.outbox.length).toBeGreaterThan(64); // work is left for later
    });
});
