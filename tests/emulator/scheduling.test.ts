/**
 * Rounds: a canister that calls itself forever cannot hang the host, and a fan-out of calls is
 * bounded per round; other canisters keep being served.
 */
import { Emulator, EmulatorError } from '../../emulator';
import { selfCallModule } from './canisters';
import { EMPTY } from './setup';

describe('a self-calling canister', () => {
    it('loops one hop per round; the host stays in control and others are served', async () => {
        const em = await Emulator.create();
        const looper = await em.setupCanister({ wasm: selfCallModule(1) });
        const other = await em.setupCanister({ wasm: selfCallModule(1) });
        em.submit(looper, 'loop', EMPTY);
        await expect(em.runUntilIdle(50)).rejects.toBeInstanceOf(EmulatorError);
        await expect(em.updateCall(other, 'ok', EMPTY, { maxRounds: 5 })).resolves.toEqual(new Uint8Array());
        const hops = em.trace().filter((t) => t.method === 'loop' && t.model === 'guaranteed').length;
        expect(hops).toBeGreaterThan(20);
        expect(hops).toBeLessThanOrEqual(em.round);
    });

    it('a fan-out loop executes at most maxMessagesPerRound messages per round', async () => {
        const em = await Emulator.create({ maxMessagesPerRound: 64 });
        const bomb = await em.setupCanister({ wasm: selfCallModule(2) });
        em.submit(bomb, 'loop', EMPTY);
        const start = em.round;
        await em.tick(30);
        const perRound = new Map<number, number>();
        for (const t of em.trace()) if (t.sentRound > start) perRound.set(t.sentRound, (perRound.get(t.sentRound) ?? 0) + 1);
        // each executed message makes at most two calls
        expect(Math.max(...perRound.values())).toBeLessThanOrEqual(2 * 64);
        expect(em.subnet.queue.length).toBeGreaterThan(64); // work is left for later, not done at once
    });
});
