/**
 * Spec rules on responses: every reject code reaches the caller's reject callback; a guaranteed
 * call always gets exactly one response; the system answers a call whose callee cannot reply.
 */
import { Principal } from '@dfinity/principal';

import { CallRejectedError, RejectCode } from '../src/index.js';
import { parseReport } from './canisters.js';
import { EMPTY, installCaller, withCallee } from './setup.js';

async function callVia(method: string, options: { timeoutSeconds?: number; callee?: Principal } = {}) {
    const { em, callee } = await withCallee();
    const caller = await installCaller(em, { callee: options.callee ?? callee, method, payload: new Uint8Array([7, 8]), timeoutSeconds: options.timeoutSeconds });
    return { em, caller, callee, report: async () => parseReport(await em.updateCall(caller, 'go', EMPTY)) };
}

describe.each([
    ['guaranteed', undefined],
    ['best-effort', 60]
])('%s call', (_model, timeoutSeconds) => {
    it('a reply reaches the reply callback with the data', async () => {
        const r = await (await callVia('echo', { timeoutSeconds })).report();
        expect(r.code).toBe(0);
        expect([...r.data]).toEqual([7, 8]);
    });

    it('msg_reject reaches the caller as CANISTER_REJECT (4) with the message', async () => {
        const r = await (await callVia('reject', { timeoutSeconds })).report();
        expect(r).toMatchObject({ code: RejectCode.CanisterReject, text: 'no thanks' });
    });

    it('a trap in the callee is CANISTER_ERROR (5)', async () => {
        const r = await (await callVia('trap', { timeoutSeconds })).report();
        expect(r.code).toBe(RejectCode.CanisterError);
        expect(r.text).toMatch(/trapped/);
    });

    // The replica's text for a canister caller (rs/execution_environment/src/execution/common.rs,
    // action_to_request_response); ingress gets "Canister X did not reply to the call".
    it('a callee that returns without replying is answered by the system: CANISTER_ERROR (5) "No response"', async () => {
        const r = await (await callVia('no_reply', { timeoutSeconds })).report();
        expect(r.code).toBe(RejectCode.CanisterError);
        expect(r.text).toBe('No response');
    });

    it('a method that does not exist is CANISTER_ERROR (5)', async () => {
        const r = await (await callVia('no_such_method', { timeoutSeconds })).report();
        expect(r.code).toBe(RejectCode.CanisterError);
        expect(r.text).toMatch(/has no update method 'no_such_method'/);
    });

    it('a canister that does not exist is DESTINATION_INVALID (3)', async () => {
        const missing = Principal.fromText('rrkah-fqaaa-aaaaa-aaaaq-cai');
        const r = await (await callVia('echo', { timeoutSeconds, callee: missing })).report();
        expect(r.code).toBe(RejectCode.DestinationInvalid);
    });

    it.each([
        [RejectCode.SysFatal as 1 | 2],
        [RejectCode.SysTransient as 1 | 2]
    ])('a system reject with code %i reaches the caller unchanged', async (code) => {
        const { em, report } = await callVia('echo', { timeoutSeconds });
        em.faults.rejectRequests({ code, match: (m) => m.method === 'echo' });
        expect((await report()).code).toBe(code);
    });

    it('a stopped callee is CANISTER_ERROR (5)', async () => {
        const { em, callee, report } = await callVia('echo', { timeoutSeconds });
        await em.stopCanister({ canisterId: callee });
        const r = await report();
        expect(r.code).toBe(RejectCode.CanisterError);
        expect(r.text).toMatch(/is stopped/);
    });
});

describe('SYS_UNKNOWN (6)', () => {
    it('reaches only a best-effort caller whose callee does not answer in time', async () => {
        const { em, callee, report } = await callVia('echo', { timeoutSeconds: 5 });
        em.makeUnresponsive(callee, 100);
        const r = await report();
        expect(r.code).toBe(RejectCode.SysUnknown);
    });

    it('a guaranteed caller keeps waiting instead, and gets the one response when it comes', async () => {
        const { em, caller, callee } = await callVia('echo');
        em.makeUnresponsive(callee, 400);
        const go = em.submit(caller, 'go', EMPTY);
        await em.tick(350);
        expect(go.status).toBe('pending');
        await em.tick(60);
        expect(go.status).toBe('replied');
        expect(parseReport(go.result()).code).toBe(0);
        expect(em.trace().filter((t) => t.method === 'echo').map((t) => t.outcome.kind)).toEqual(['replied']);
    });
});

describe('ingress', () => {
    it('an ingress call to a trapping method is rejected with CANISTER_ERROR', async () => {
        const { em, callee } = await withCallee();
        await expect(em.updateCall(callee, 'trap', EMPTY)).rejects.toMatchObject({ rejectCode: RejectCode.CanisterError });
        await expect(em.updateCall(callee, 'trap', EMPTY)).rejects.toBeInstanceOf(CallRejectedError);
    });
});
