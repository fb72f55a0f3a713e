/**
 * What a hanging or misbehaving callee does to each response model. A best-effort call cannot
 * be held longer than its timeout; a guaranteed-response call can be held for ever, and with it
 * the caller's ability to stop and upgrade.
 */
import { CallRejectedError, Emulator } from '@response-models/emulator';
import { CALLER_CYCLES, deployWorld, elapse, ok, ROUND_MS, SECOND, wasm, World } from './world';

const HANG = { Hang: { max_rounds: [] as [] } };
const NO_PAYLOAD = new Uint8Array();
const bounded = (seconds: number) => ({ Bounded: { timeout_seconds: BigInt(seconds) } });
const UNBOUNDED = { Unbounded: null };

async function releaseAndSettle(w: World): Promise<void> {
    ok(await w.calleeActor.release());
    await w.em.tick(6);
}

describe('a bounded-wait call to a hanging callee', () => {
    let w: World;
    beforeAll(async () => {
        w = await deployWorld();
    });
    afterEach(() => releaseAndSettle(w));

    it.each([
        [1, 1],
        [10, 10],
        [60, 60],
        [300, 300],
        [1_000, 300] // clamped to the maximum
    ])('with a %i s timeout ends in SYS_UNKNOWN after %i s', async (timeout, applied) => {
        const pending = w.later.call_callee(w.callee, HANG, NO_PAYLOAD, bounded(timeout), 0n);
        await pending.wait(applied + 5);
        const report = ok(pending.result());
        expect(report.outcome).toHaveProperty('Unknown');
        expect(report.error_class).toEqual(['OutcomeUnknown']);
        expect(report.model).toEqual({ Bounded: { timeout_seconds: applied } });
        // In the first round after the deadline: within one round of the timeout.
        expect(report.elapsed_ns).toBeGreaterThan(BigInt(applied) * SECOND);
        expect(report.elapsed_ns).toBeLessThanOrEqual(BigInt(applied) * SECOND + BigInt(ROUND_MS) * 1_000_000n);
    });
});

describe('an unbounded-wait call to a hanging callee', () => {
    it('is still outstanding after 10x the maximum timeout, and ends only when the callee is released', async () => {
        const w = await deployWorld();
        const pending = w.later.call_callee(w.callee, HANG, NO_PAYLOAD, UNBOUNDED, 0n);
        await w.em.tick(2); // the call is made
        await elapse(w.em, 3_000);
        expect(pending.status).toBe('pending');
        expect((await w.callerActor.stats()).outstanding).toBe(1);
        expect((await w.calleeActor.stats()).hanging).toBe(1);
        ok(await w.calleeActor.release());
        const report = ok(await pending.wait(10));
        expect(report.outcome).toMatchObject({ Replied: { released: true } });
        expect(report.elapsed_ns).toBeGreaterThan(3_000n * SECOND);
    });
});

describe('stopping and upgrading the caller', () => {
    it('with an unbounded call outstanding, it stays Stopping and cannot be upgraded until the callee is released', async () => {
        const w = await deployWorld();
        const pending = w.later.call_callee(w.callee, HANG, NO_PAYLOAD, UNBOUNDED, 0n);
        await w.em.tick(2);
        const stop = w.em.requestStop({ canisterId: w.caller });
        await elapse(w.em, 3_000);
        // The system gives a stop request up after 5 minutes; the caller is still Stopping.
        expect(() => stop.result()).toThrow(/stop request timed out/);
        expect((await w.em.canisterStatus({ canisterId: w.caller })).status).toBe('stopping');
        // The safe upgrade (stop, then install) cannot proceed: stopping again fails the same way.
        await expect(w.em.stopCanister({ canisterId: w.caller, maxRounds: 400 })).rejects.toThrow(/stop request timed out/);
        const again = w.em.requestStop({ canisterId: w.caller });
        ok(await w.calleeActor.release());
        await again.wait(10);
        expect((await w.em.canisterStatus({ canisterId: w.caller })).status).toBe('stopped');
        expect(ok(pending.result()).outcome).toMatchObject({ Replied: { released: true } });
        await w.em.upgradeCanister({ canisterId: w.caller, wasm: wasm.caller() });
        await w.em.startCanister({ canisterId: w.caller });
        expect((await w.callerActor.stats()).completed).toBe(1n);
    });

    it('with only bounded calls outstanding, it reaches Stopped within the timeout plus one round, upgrades, restarts, and keeps its stable state', async () => {
        const w = await deployWorld();
        ok(await w.callerActor.call_callee(w.callee, { Echo: null }, NO_PAYLOAD, UNBOUNDED, 0n)); // history entry 0
        const first = await w.callerActor.history_page(0n, 10);
        const pending = w.later.call_callee(w.callee, HANG, NO_PAYLOAD, bounded(30), 0n);
        await w.em.tick(2);
        const stopRequestedAt = w.em.timeNs;
        const stop = w.em.requestStop({ canisterId: w.caller });
        await stop.wait(32);
        expect(w.em.timeNs - stopRequestedAt).toBeLessThanOrEqual(31n * SECOND);
        expect((await w.em.canisterStatus({ canisterId: w.caller })).status).toBe('stopped');
        expect(ok(pending.result()).outcome).toHaveProperty('Unknown');

        await w.em.upgradeCanister({ canisterId: w.caller, wasm: wasm.caller() });
        await w.em.startCanister({ canisterId: w.caller });
        await w.em.tick(5); // Azle's start-up timer after the upgrade
        const after = await w.callerActor.history_page(0n, 10);
        expect(after.slice(0, 1)).toEqual(first);
        expect(after.map((r) => Object.keys(r.outcome)[0])).toEqual(['Replied', 'Unknown']);
        expect(ok(await w.callerActor.call_callee(w.callee, { Echo: null }, NO_PAYLOAD, bounded(10), 0n)).id).toBe(2n);
        await releaseAndSettle(w);
    });
});

describe('deadlines', () => {
    it('the callee sees 0 under unbounded wait and call time + timeout under bounded wait', async () => {
        const w = await deployWorld();
        const unbounded = ok(await w.callerActor.call_callee(w.callee, { Echo: null }, NO_PAYLOAD, UNBOUNDED, 0n));
        expect(unbounded.outcome).toMatchObject({ Replied: { deadline_seen: 0n } });
        for (const timeout of [5, 120, 300]) {
            const r = ok(await w.callerActor.call_callee(w.callee, { Echo: null }, NO_PAYLOAD, bounded(timeout), 0n));
            expect(r.outcome).toMatchObject({ Replied: { deadline_seen: r.started_at + BigInt(timeout) * SECOND } });
        }
    });

    it('demonstrate_deadlines, as in the Rust example', async () => {
        const w = await deployWorld();
        expect(ok(await w.callerActor.demonstrate_deadlines(w.callee, false))).toBe(0n);
        const before = w.em.timeNs;
        const deadline = ok(await w.callerActor.demonstrate_deadlines(w.callee, true));
        expect(deadline).toBeGreaterThan(before + 299n * SECOND);
        expect(deadline).toBeLessThanOrEqual(w.em.timeNs + 300n * SECOND);
    });

    it('demonstrate_timeouts: a 1 s bounded call to a busy callee ends in SYS_UNKNOWN', async () => {
        const w = await deployWorld();
        expect(ok(await w.callerActor.demonstrate_timeouts(w.callee))).toBe(true);
        await w.em.tick(30); // let the busy callee finish
    });

    it('a busy callee that answers in time is simply waited for', async () => {
        const w = await deployWorld();
        const r = ok(await w.callerActor.call_callee(w.callee, { ReplyAfter: 5 }, NO_PAYLOAD, bounded(60), 0n));
        expect(r.outcome).toMatchObject({ Replied: { waited_rounds: 5, released: false } });
    });
});

describe('cycles', () => {
    const ATTACHED = 1_000_000_000n;

    it('attached to an unbounded call that is rejected: refunded in full', async () => {
        const w = await deployWorld();
        const calleeBefore = w.em.getCycleBalance(w.callee);
        const r = ok(await w.callerActor.call_callee(w.callee, { Reject: 'no' }, NO_PAYLOAD, UNBOUNDED, ATTACHED));
        expect(r.cycles_refunded).toBe(ATTACHED);
        expect(w.em.getCycleBalance(w.caller)).toBe(CALLER_CYCLES);
        expect(w.em.getCycleBalance(w.callee)).toBe(calleeBefore);
    });

    it('attached to a bounded call that times out: lost', async () => {
        const w = await deployWorld();
        const calleeBefore = w.em.getCycleBalance(w.callee);
        const pending = w.later.call_callee(w.callee, HANG, NO_PAYLOAD, bounded(5), ATTACHED);
        const r = ok(await pending.wait(10));
        expect(r.outcome).toHaveProperty('Unknown');
        expect(r.cycles_refunded).toBe(0n);
        expect(w.em.getCycleBalance(w.caller)).toBe(CALLER_CYCLES - ATTACHED);
        await releaseAndSettle(w);
        expect(w.em.getCycleBalance(w.callee)).toBe(calleeBefore); // the callee never accepted them
    });

    it('accepted by a callee that then hangs past a bounded call: the callee keeps them, the caller loses them', async () => {
        const w = await deployWorld();
        const calleeBefore = w.em.getCycleBalance(w.callee);
        const pending = w.later.call_callee(w.callee, { AcceptCyclesThenHang: { max_rounds: [] } }, NO_PAYLOAD, bounded(5), ATTACHED);
        expect(ok(await pending.wait(10)).cycles_refunded).toBe(0n);
        expect(w.em.getCycleBalance(w.caller)).toBe(CALLER_CYCLES - ATTACHED);
        expect(w.em.getCycleBalance(w.callee)).toBe(calleeBefore + ATTACHED);
        await releaseAndSettle(w);
    });

    it.each([
        ['unbounded', UNBOUNDED],
        ['bounded', bounded(60)]
    ])('accepted under %s wait: moved to the callee, nothing refunded', async (_label, wait) => {
        const w = await deployWorld();
        const calleeBefore = w.em.getCycleBalance(w.callee);
        const r = ok(await w.callerActor.call_callee(w.callee, { AcceptCycles: null }, NO_PAYLOAD, wait, ATTACHED));
        expect(r.outcome).toMatchObject({ Replied: { cycles_accepted: ATTACHED } });
        expect(w.em.getCycleBalance(w.caller)).toBe(CALLER_CYCLES - ATTACHED);
        expect(w.em.getCycleBalance(w.callee)).toBe(calleeBefore + ATTACHED);
    });

    it('only the caller’s controllers may attach cycles', async () => {
        const w = await deployWorld();
        const stranger = w.em.createActor<import('./world').Caller>(
            (await import('../../src/declarations/caller/caller.did.js')).idlFactory,
            w.caller,
            { sender: Emulator.identity('stranger') }
        );
        expect(await stranger.call_callee(w.callee, { Echo: null }, NO_PAYLOAD, UNBOUNDED, ATTACHED)).toHaveProperty('Err.NotAuthorized');
        // Authorisation comes first: a stranger learns nothing of the balance by asking for too much.
        expect(await stranger.call_callee(w.callee, { Echo: null }, NO_PAYLOAD, UNBOUNDED, CALLER_CYCLES * 10n)).toHaveProperty('Err.NotAuthorized');
        expect(w.em.getCycleBalance(w.caller)).toBe(CALLER_CYCLES);
        expect(ok(await stranger.call_callee(w.callee, { Echo: null }, NO_PAYLOAD, bounded(10), 0n)).outcome).toHaveProperty('Replied');
    });
});

describe('rejects and traps', () => {
    let w: World;
    beforeAll(async () => {
        w = await deployWorld();
    });

    it.each([
        ['unbounded', UNBOUNDED],
        ['bounded', bounded(60)]
    ])('under %s wait arrive with their codes and classes', async (_label, wait) => {
        const rejected = ok(await w.callerActor.call_callee(w.callee, { Reject: 'not today' }, NO_PAYLOAD, wait, 0n));
        expect(rejected.outcome).toEqual({ Rejected: { code: 4, message: 'not today' } });
        expect(rejected.error_class).toEqual(['Failed']);
        const trapped = ok(await w.callerActor.call_callee(w.callee, { Trap: 'boom' }, NO_PAYLOAD, wait, 0n));
        expect(trapped.outcome).toMatchObject({ Rejected: { code: 5 } });
        expect(JSON.stringify(trapped.outcome)).toMatch(/boom/);
        expect(trapped.error_class).toEqual(['Failed']);
    });

    it('a large reply arrives whole', async () => {
        const r = ok(await w.callerActor.call_callee(w.callee, { LargeReply: 1_500_000 }, NO_PAYLOAD, bounded(60), 0n));
        expect(r.outcome).toMatchObject({ Replied: { payload_size: 1_500_000 } });
    });
});

describe('the caller keeps serving while a call is outstanding', () => {
    it('answers queries and updates', async () => {
        const w = await deployWorld();
        const pending = w.later.call_callee(w.callee, HANG, NO_PAYLOAD, UNBOUNDED, 0n);
        await w.em.tick(3);
        expect(await w.callerActor.ping()).toBe(1n);
        expect(await w.callerActor.ping()).toBe(2n);
        expect(await w.callerActor.stats()).toMatchObject({ outstanding: 1, pings: 2n });
        expect(ok(await w.callerActor.call_callee(w.callee, { Echo: null }, new Uint8Array([1, 2]), bounded(10), 0n)).outcome).toMatchObject({
            Replied: { payload_size: 2 }
        });
        await releaseAndSettle(w);
        expect(pending.status).toBe('replied');
    });
});

describe('bad input to the caller', () => {
    let w: World;
    beforeAll(async () => {
        w = await deployWorld();
    });
    afterEach(async () => {
        expect((await w.callerActor.stats()).completed).toBe(0n); // nothing was recorded
        expect(w.em.getCycleBalance(w.caller)).toBe(CALLER_CYCLES);
    });

    it('a principal that is not a canister', async () => {
        const r = await w.callerActor.call_callee(Emulator.identity('alice'), { Echo: null }, NO_PAYLOAD, UNBOUNDED, 0n);
        expect(r).toEqual({ Err: { InvalidArgument: { field: 'callee', reason: expect.stringMatching(/is not a canister id/) } } });
    });

    it.each([-1n, 2n ** 32n, 10n ** 30n])('a timeout of %s', async (timeout) => {
        const r = await w.callerActor.call_callee(w.callee, { Echo: null }, NO_PAYLOAD, { Bounded: { timeout_seconds: timeout } }, 0n);
        expect(r).toEqual({ Err: { InvalidArgument: { field: 'timeout_seconds', reason: expect.stringMatching(/^between 0 and 4294967295 /) } } });
    });

    it('more cycles than the caller has', async () => {
        const r = await w.callerActor.call_callee(w.callee, { Echo: null }, NO_PAYLOAD, UNBOUNDED, CALLER_CYCLES + 1n);
        expect(r).toEqual({ Err: { InvalidArgument: { field: 'cycles', reason: expect.stringMatching(/cannot attach/) } } });
    });

    it('arguments that are not the expected Candid', async () => {
        await expect(w.em.updateCall(w.caller, 'call_callee', new Uint8Array([0x44, 0x49, 0x44, 0x4c, 0, 1, 0x71, 1, 0x41]))).rejects.toBeInstanceOf(
            CallRejectedError
        );
    });
});

describe('a canister id with no canister behind it', () => {
    it('is a clean reject from the system: DESTINATION_INVALID', async () => {
        const w = await deployWorld();
        const ghost = await w.em.createCanister();
        await w.em.stopCanister({ canisterId: ghost });
        await w.em.deleteCanister({ canisterId: ghost });
        const r = ok(await w.callerActor.call_callee(ghost, { Echo: null }, NO_PAYLOAD, bounded(10), 0n));
        expect(r.outcome).toMatchObject({ Rejected: { code: 3 } });
        expect(r.error_class).toEqual(['CleanReject']);
    });
});

describe('the callee’s own configuration', () => {
    it('decides what `work` does, and bounds every hang by itself', async () => {
        const w = await deployWorld();
        ok(await w.calleeActor.configure({ behaviour: HANG, max_hang_rounds: 3, max_waiting: 10 }));
        const r = ok(await w.callerActor.call_work(w.callee, NO_PAYLOAD, UNBOUNDED));
        expect(r.outcome).toMatchObject({ Replied: { waited_rounds: 3, released: false } });
        expect(r.method).toBe('work');
    });

    it('can be changed only by the callee’s controllers', async () => {
        const w = await deployWorld();
        const { idlFactory } = await import('../../src/declarations/untrusted_callee/untrusted_callee.did.js');
        const stranger = w.em.createActor<import('./world').Callee>(idlFactory, w.callee, { sender: Emulator.identity('mallory') });
        expect(await stranger.configure({ behaviour: HANG, max_hang_rounds: 3, max_waiting: 10 })).toEqual({
            Err: { NotAuthorized: { method: 'configure', rule: 'only a controller of this canister may call it' } }
        });
        expect(ok(await w.callerActor.call_work(w.callee, NO_PAYLOAD, UNBOUNDED)).outcome).toMatchObject({ Replied: { waited_rounds: 0 } });
    });
});
