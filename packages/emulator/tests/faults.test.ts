/**
 * Fault injection and the trace: best-effort messages can be dropped (by predicate or seeded
 * probability, reproducibly); guaranteed-response messages never are; every message is traced.
 */
import { Emulator, RejectCode } from '../src/index.js';
import { calleeModule, parseReport } from './canisters.js';
import { EMPTY, installCaller, withCallee } from './setup.js';

async function dropPattern(seed: number): Promise<number[]> {
    const { em, callee } = await withCallee({ seed });
    const caller = await installCaller(em, { callee, method: 'echo', timeoutSeconds: 2 });
    em.faults.dropBestEffort('request', { probability: 0.5 });
    const codes: number[] = [];
    for (let i = 0; i < 24; i++) codes.push(parseReport(await em.updateCall(caller, 'go', EMPTY)).code);
    return codes;
}

describe('dropping best-effort messages', () => {
    it('with a seeded probability is reproducible, and drops some but not all', async () => {
        const a = await dropPattern(7);
        expect(await dropPattern(7)).toEqual(a);
        expect(a).toContain(RejectCode.SysUnknown);
        expect(a).toContain(0);
        expect(await dropPattern(8)).not.toEqual(a);
    });

    it('by predicate: a dropped request is never executed, the caller gets SYS_UNKNOWN at the deadline', async () => {
        const { em, callee } = await withCallee();
        const caller = await installCaller(em, { callee, method: 'echo', timeoutSeconds: 4 });
        em.faults.dropBestEffort('request', { match: (m) => m.method === 'echo', limit: 1 });
        expect(parseReport(await em.updateCall(caller, 'go', EMPTY)).code).toBe(RejectCode.SysUnknown);
        expect(parseReport(await em.updateCall(caller, 'go', EMPTY)).code).toBe(0); // limit reached
        expect(em.trace().filter((t) => t.method === 'echo').map((t) => t.outcome.kind)).toEqual(['request dropped', 'replied']);
    });

    it('the trace keeps the drop as the outcome and records when the caller got SYS_UNKNOWN', async () => {
        const { em, callee } = await withCallee();
        const caller = await installCaller(em, { callee, method: 'echo', timeoutSeconds: 4 });
        em.faults.dropBestEffort('response', { match: (m) => m.method === 'echo', limit: 1 });
        expect(parseReport(await em.updateCall(caller, 'go', EMPTY)).code).toBe(RejectCode.SysUnknown);
        const [echo] = em.trace().filter((t) => t.method === 'echo');
        expect(echo.outcome.kind).toBe('response dropped');
        expect(echo.sysUnknownAt).toBeGreaterThan(echo.deadline);
        expect(echo.sysUnknownAt).toBeGreaterThan(echo.completedAt ?? 0n);
    });

    it('never touches guaranteed-response calls', async () => {
        const { em, callee } = await withCallee();
        const caller = await installCaller(em, { callee, method: 'echo' });
        em.faults.dropBestEffort('request');
        em.faults.dropBestEffort('response');
        expect(parseReport(await em.updateCall(caller, 'go', EMPTY)).code).toBe(0);
    });
});

describe('the trace', () => {
    it('records from, to, method, model, deadline, cycles, outcome and virtual time for every message', async () => {
        const { em, callee } = await withCallee();
        const caller = await installCaller(em, { callee, method: 'reject', timeoutSeconds: 9, cycles: 5n });
        await em.updateCall(caller, 'go', EMPTY);
        const call = em.trace().find((t) => t.method === 'reject');
        expect(call).toMatchObject({
            model: 'best-effort',
            from: caller.toText(),
            to: callee.toText(),
            cycles: 5n,
            outcome: { kind: 'rejected', code: RejectCode.CanisterReject, message: 'no thanks' },
            refunded: 5n
        });
        expect(call?.deadline).toBe((call?.sentAt ?? 0n) + 9_000_000_000n);
        expect(call?.completedAt).toBeGreaterThanOrEqual(call?.sentAt ?? 0n); // inner rounds: often in the same round
        const ingress = em.trace().find((t) => t.method === 'go');
        expect(ingress).toMatchObject({ model: 'ingress', to: caller.toText(), deadline: 0n, outcome: { kind: 'replied' } });
    });
});

describe('an unresponsive canister', () => {
    it('executes nothing for N rounds, then catches up in order', async () => {
        const em = await Emulator.create();
        const callee = await em.setupCanister({ wasm: calleeModule() });
        em.makeUnresponsive(callee, 5);
        const first = em.submit(callee, 'echo', new Uint8Array([1]));
        const second = em.submit(callee, 'echo', new Uint8Array([2]));
        await em.tick(5);
        expect([first.status, second.status]).toEqual(['pending', 'pending']);
        await em.tick(1);
        expect([[...first.result()], [...second.result()]]).toEqual([[1], [2]]);
    });
});
