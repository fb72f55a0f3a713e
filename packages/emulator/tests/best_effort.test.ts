/**
 * Best-effort (bounded-wait) semantics, from the interface spec's `ic0.call_with_best_effort_response`
 * and `ic0.msg_deadline`: the deadline is the call time plus the timeout (capped at
 * MAX_CALL_TIMEOUT = 300 s); once it has passed without a response the caller gets SYS_UNKNOWN
 * ("Call deadline has expired."), and a response that comes later is dropped. As in the replica,
 * a callback expires when its deadline is before the current time, not at it.
 */
import { RejectCode } from '../src/index.js';
import { parseReport, readI64, relayModule } from './canisters.js';
import { EMPTY, installCaller, SECOND, withCallee } from './setup.js';

const ROUND_MS = 1_000;

async function hangingCall(timeoutSeconds: number) {
    const { em, callee } = await withCallee({ roundStepMs: ROUND_MS });
    const caller = await installCaller(em, { callee, method: 'echo', timeoutSeconds });
    em.makeUnresponsive(callee, 1_000_000);
    const go = em.submit(caller, 'go', EMPTY);
    await em.tick(1); // the ingress message runs and makes the call
    const sent = em.trace().find((t) => t.method === 'echo');
    if (sent === undefined) throw new Error('the call was not made');
    return { em, go, callee, sentAt: sent.sentAt, deadline: sent.deadline };
}

describe('deadline expiry', () => {
    it.each([1, 5, 10, 120, 300])('a %i s call gets SYS_UNKNOWN in the first round after its deadline', async (timeout) => {
        const { em, go, sentAt, deadline } = await hangingCall(timeout);
        expect(deadline).toBe(sentAt + BigInt(timeout) * SECOND);
        // Not a round earlier: up to and at the deadline, the caller still waits.
        while (em.timeNs + BigInt(ROUND_MS) * 1_000_000n <= deadline) await em.tick(1);
        expect(go.status).toBe('pending');
        // The next round, the first past the deadline, delivers SYS_UNKNOWN.
        await em.tick(1);
        expect(go.status).toBe('replied');
        const r = parseReport(go.result());
        expect(r.code).toBe(RejectCode.SysUnknown);
        expect(r.time - deadline).toBeGreaterThan(0n);
        expect(r.time - deadline).toBeLessThanOrEqual(BigInt(ROUND_MS) * 1_000_000n);
    });

    it.each([301, 1_000, 4_294_967_295])('a timeout of %i s is clamped to 300 s', async (timeout) => {
        const { deadline, sentAt } = await hangingCall(timeout);
        expect(deadline - sentAt).toBe(300n * SECOND);
    });

    it('a timeout of 0 s expires in the next round (it "will almost always time out")', async () => {
        const { em, go } = await hangingCall(0);
        await em.tick(1);
        expect(parseReport(go.result()).code).toBe(RejectCode.SysUnknown);
    });

    it('the reject message says the deadline expired', async () => {
        const { em, go } = await hangingCall(2);
        await em.tick(3);
        expect(parseReport(go.result()).text).toMatch(/deadline/i);
    });

    it('advancing time past the deadline expires the call at the next round', async () => {
        const { em, go } = await hangingCall(60);
        await em.advanceTime(60_000);
        expect(go.status).toBe('pending'); // no round has run
        await em.tick(1);
        expect(parseReport(go.result()).code).toBe(RejectCode.SysUnknown);
    });
});

describe('a late response', () => {
    it('is dropped: the caller sees only SYS_UNKNOWN, once', async () => {
        const { em, callee } = await withCallee({ roundStepMs: ROUND_MS });
        // The relay receives the request at once but answers only when the slow callee does.
        const relay = await em.setupCanister({ wasm: relayModule(callee) });
        const caller = await installCaller(em, { callee: relay, method: 'relay', payload: new Uint8Array([1]), timeoutSeconds: 3 });
        em.makeUnresponsive(callee, 10);
        const go = em.submit(caller, 'go', EMPTY);
        await em.tick(20);
        expect(parseReport(go.result()).code).toBe(RejectCode.SysUnknown);
        const [entry] = em.trace().filter((t) => t.method === 'relay');
        expect(entry.outcome.kind).toBe('expired');
        expect(entry.lateResponseDropped).toBe(true); // the relay did reply, after the deadline
        expect(entry.sysUnknownAt).toBe(entry.completedAt);
        expect(entry.lateResponseAt).toBeGreaterThan(entry.sysUnknownAt ?? 0n);
        expect(em.trace().filter((t) => t.method === 'echo').map((t) => t.outcome.kind)).toEqual(['replied']);
    });

    it('a request still queued when its deadline passes is never executed', async () => {
        const { em, callee } = await withCallee({ roundStepMs: ROUND_MS });
        const caller = await installCaller(em, { callee, method: 'echo', timeoutSeconds: 3 });
        em.makeUnresponsive(callee, 10);
        const go = em.submit(caller, 'go', EMPTY);
        await em.tick(20);
        expect(parseReport(go.result()).code).toBe(RejectCode.SysUnknown);
        expect(em.trace().find((t) => t.method === 'echo')).toMatchObject({ lateResponseDropped: false, lateResponseAt: undefined });
    });

    it('is not dropped when it arrives before the deadline', async () => {
        const { em, callee } = await withCallee({ roundStepMs: ROUND_MS });
        const caller = await installCaller(em, { callee, method: 'echo', timeoutSeconds: 30 });
        em.makeUnresponsive(callee, 10);
        const go = em.submit(caller, 'go', EMPTY);
        await em.tick(20);
        expect(parseReport(go.result()).code).toBe(0);
    });
});

describe('msg_deadline', () => {
    it('is the deadline in the callee of a best-effort call', async () => {
        const { em, callee } = await withCallee();
        const caller = await installCaller(em, { callee, method: 'deadline', timeoutSeconds: 42 });
        const r = parseReport(await em.updateCall(caller, 'go', EMPTY));
        const [entry] = em.trace().filter((t) => t.method === 'deadline');
        expect(readI64(r.data)).toBe(entry.deadline);
        expect(entry.deadline).toBe(entry.sentAt + 42n * SECOND);
    });

    // Spec: "for update methods and their callbacks, if the method was called via a bounded-wait
    // call"; the replica returns the deadline of the callback's call context.
    it('in callbacks is that of the call context, not of the call being answered: 0 under ingress', async () => {
        const { em, callee } = await withCallee();
        const replied = parseReport(await em.updateCall(await installCaller(em, { callee, method: 'echo', timeoutSeconds: 7 }), 'go', EMPTY));
        const rejected = parseReport(await em.updateCall(await installCaller(em, { callee, method: 'reject', timeoutSeconds: 7 }), 'go', EMPTY));
        const expiring = await installCaller(em, { callee, method: 'echo', timeoutSeconds: 7 });
        em.makeUnresponsive(callee, 100);
        const expired = parseReport(await em.updateCall(expiring, 'go', EMPTY));
        expect([replied.code, rejected.code, expired.code]).toEqual([0, RejectCode.CanisterReject, RejectCode.SysUnknown]);
        expect([replied.deadline, rejected.deadline, expired.deadline]).toEqual([0n, 0n, 0n]);
    });

    it.each([
        ['a guaranteed call', undefined],
        ['a best-effort call of its own', 7]
    ])('in the callbacks of a method called with a bounded wait, after %s: the incoming deadline', async (_label, inner) => {
        const { em, callee } = await withCallee();
        const middle = await installCaller(em, { callee, method: 'echo', timeoutSeconds: inner });
        const outer = await installCaller(em, { callee: middle, method: 'go', timeoutSeconds: 42 });
        const report = parseReport(await em.updateCall(outer, 'go', EMPTY));
        expect(report.code).toBe(0);
        const [incoming] = em.trace().filter((t) => t.to === middle.toText() && t.method === 'go' && t.model === 'best-effort');
        expect(incoming.deadline).toBe(incoming.sentAt + 42n * SECOND);
        expect(parseReport(report.data).deadline).toBe(incoming.deadline); // what middle's callback saw
    });

    it('is 0 for a guaranteed-response call, in the callee and in the callbacks', async () => {
        const { em, callee } = await withCallee();
        const r = parseReport(await em.updateCall(await installCaller(em, { callee, method: 'deadline' }), 'go', EMPTY));
        expect(readI64(r.data)).toBe(0n);
        expect(r.deadline).toBe(0n);
    });

    it('is 0 in a query method, even when a best-effort call runs it in replicated mode', async () => {
        const { em, callee } = await withCallee();
        const r = parseReport(await em.updateCall(await installCaller(em, { callee, method: 'deadline_query', timeoutSeconds: 30 }), 'go', EMPTY));
        expect(r.code).toBe(0);
        expect(readI64(r.data)).toBe(0n);
        expect(r.deadline).toBe(0n); // the caller's callback: its own context came from ingress
    });

    it('is 0 for ingress messages and queries', async () => {
        const { em, callee } = await withCallee();
        expect(readI64(await em.updateCall(callee, 'deadline', EMPTY))).toBe(0n);
        expect(readI64(await em.queryCall(callee, 'deadline_query', EMPTY))).toBe(0n);
    });
});

// The replica keeps deadlines in whole seconds: CoarseTime::floor(time + timeout), and a callback
// expires once its deadline is before the current time floored to the second.
describe('deadlines in whole seconds', () => {
    const ROUND = 300_000_000n; // 0.3 s rounds from a start time between seconds
    const options = { roundStepMs: 300, startTime: new Date('2025-01-01T00:00:00.250Z') };

    it('the deadline is the call time plus the timeout, rounded down to the second', async () => {
        const { em, callee } = await withCallee(options);
        const caller = await installCaller(em, { callee, method: 'deadline', timeoutSeconds: 7 });
        const seen = readI64(parseReport(await em.updateCall(caller, 'go', EMPTY)).data);
        const [entry] = em.trace().filter((t) => t.method === 'deadline');
        const exact = entry.sentAt + 7n * SECOND;
        expect(exact % SECOND).not.toBe(0n); // the rounding matters here
        expect(seen).toBe(exact - (exact % SECOND));
        expect(entry.deadline).toBe(seen);
    });

    it('SYS_UNKNOWN comes in the first round whose time, rounded down, is past the deadline', async () => {
        const { em, callee } = await withCallee(options);
        const caller = await installCaller(em, { callee, method: 'echo', timeoutSeconds: 7 });
        em.makeUnresponsive(callee, 1_000);
        const go = em.submit(caller, 'go', EMPTY);
        while (go.status === 'pending') await em.tick(1);
        const r = parseReport(go.result());
        const [call] = em.trace().filter((t) => t.method === 'echo');
        const floor = (t: bigint) => t - (t % SECOND);
        expect(r.code).toBe(RejectCode.SysUnknown);
        expect(floor(r.time)).toBeGreaterThan(call.deadline);
        expect(floor(r.time - ROUND)).toBeLessThanOrEqual(call.deadline);
    });
});
