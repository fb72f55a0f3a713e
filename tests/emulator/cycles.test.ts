/**
 * Cycles attached to calls (spec: ic0.call_cycles_add128, msg_cycles_accept128,
 * msg_cycles_refunded128): what the callee does not accept comes back with the response; under
 * best-effort responses, cycles attached to a call that expires (or whose response is dropped) are lost.
 */
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';

import { Emulator, RejectCode } from '../../emulator';
import { parseReport, readI64 } from './canisters';
import { EMPTY, installCaller, withCallee } from './setup';

const START = 1_000_000_000_000n;
const ATTACHED = 250_000_000n;

async function setup(method: string, timeoutSeconds?: number) {
    const { em, callee } = await withCallee();
    const caller = await installCaller(em, { callee, method, cycles: ATTACHED, timeoutSeconds }, START);
    const calleeStart = em.getCycleBalance(callee);
    return { em, callee, caller, calleeStart };
}

describe.each([
    ['guaranteed', undefined],
    ['best-effort', 60]
])('%s call with %s', (_model, timeoutSeconds) => {
    it('a reject refunds every attached cycle', async () => {
        const { em, caller, callee, calleeStart } = await setup('reject', timeoutSeconds);
        const r = parseReport(await em.updateCall(caller, 'go', EMPTY));
        expect(r.code).toBe(RejectCode.CanisterReject);
        expect(r.refunded).toBe(ATTACHED);
        expect(em.getCycleBalance(caller)).toBe(START);
        expect(em.getCycleBalance(callee)).toBe(calleeStart);
    });

    it('accepted cycles move to the callee; none come back', async () => {
        const { em, caller, callee, calleeStart } = await setup('accept_all', timeoutSeconds);
        const r = parseReport(await em.updateCall(caller, 'go', EMPTY));
        expect(r.code).toBe(0);
        expect(r.refunded).toBe(0n);
        expect(em.getCycleBalance(caller)).toBe(START - ATTACHED);
        expect(em.getCycleBalance(callee)).toBe(calleeStart + ATTACHED);
    });

    it('a reply without accepting refunds everything', async () => {
        const { em, caller } = await setup('accept_none', timeoutSeconds);
        expect(parseReport(await em.updateCall(caller, 'go', EMPTY)).refunded).toBe(ATTACHED);
        expect(em.getCycleBalance(caller)).toBe(START);
    });

    // Spec, msg_cycles_available: "When the call is responded to (reply or reject), all available
    // cycles are refunded to the caller, and this will return 0."
    it('after replying, none are available and none can be accepted', async () => {
        const { em, caller, callee, calleeStart } = await setup('reply_then_accept', timeoutSeconds);
        expect(parseReport(await em.updateCall(caller, 'go', EMPTY)).refunded).toBe(ATTACHED);
        expect(em.getCycleBalance(caller)).toBe(START);
        expect(em.getCycleBalance(callee)).toBe(calleeStart);
        const late = await em.queryCall(callee, 'late_cycles', EMPTY);
        expect([readI64(late.slice(0, 8)), readI64(late.slice(8, 16))]).toEqual([0n, 0n]);
    });

    it('a trap in the callee refunds everything, including what it had accepted', async () => {
        const { em, caller, callee, calleeStart } = await setup('trap', timeoutSeconds);
        expect(parseReport(await em.updateCall(caller, 'go', EMPTY)).refunded).toBe(ATTACHED);
        expect(em.getCycleBalance(caller)).toBe(START);
        expect(em.getCycleBalance(callee)).toBe(calleeStart);
    });
});

describe('best-effort call that expires', () => {
    it('loses the attached cycles: not refunded, not received', async () => {
        const { em, caller, callee, calleeStart } = await setup('accept_all', 5);
        em.makeUnresponsive(callee, 100);
        const r = parseReport(await em.updateCall(caller, 'go', EMPTY));
        expect(r.code).toBe(RejectCode.SysUnknown);
        expect(r.refunded).toBe(0n);
        expect(em.getCycleBalance(caller)).toBe(START - ATTACHED);
        expect(em.getCycleBalance(callee)).toBe(calleeStart);
    });

    it('whose response is dropped loses the refund too', async () => {
        const { em, caller } = await setup('accept_none', 5);
        em.faults.dropBestEffort('response');
        const r = parseReport(await em.updateCall(caller, 'go', EMPTY));
        expect(r.code).toBe(RejectCode.SysUnknown);
        expect(em.getCycleBalance(caller)).toBe(START - ATTACHED);
    });
});

describe('guaranteed call to a canister that does not exist', () => {
    it('refunds in full', async () => {
        const { em } = await withCallee();
        const ghost = (await em.createCanister());
        await em.stopCanister({ canisterId: ghost });
        await em.deleteCanister({ canisterId: ghost });
        const caller = await installCaller(em, { callee: ghost, method: 'echo', cycles: ATTACHED }, START);
        const r = parseReport(await em.updateCall(caller, 'go', EMPTY));
        expect(r.code).toBe(RejectCode.DestinationInvalid);
        expect(r.refunded).toBe(ATTACHED);
        expect(em.getCycleBalance(caller)).toBe(START);
    });
});

describe('the management canister', () => {
    it('deposit_cycles moves the attached cycles to the target canister', async () => {
        const { em, callee } = await withCallee();
        const payload = new Uint8Array(IDL.encode([IDL.Record({ canister_id: IDL.Principal })], [{ canister_id: callee }]));
        const caller = await installCaller(em, { callee: Principal.fromText('aaaaa-aa'), method: 'deposit_cycles', payload, cycles: ATTACHED }, START);
        const calleeBefore = em.getCycleBalance(callee);
        const r = parseReport(await em.updateCall(caller, 'go', EMPTY));
        expect(r.code).toBe(0);
        expect(r.refunded).toBe(0n);
        expect(em.getCycleBalance(caller)).toBe(START - ATTACHED);
        expect(em.getCycleBalance(callee)).toBe(calleeBefore + ATTACHED);
    });

    it('raw_rand is seeded: the same seed gives the same bytes, another seed others', async () => {
        const randomBytes = async (seed: number) => {
            const em = await Emulator.create({ seed });
            const caller = await installCaller(em, { callee: Principal.fromText('aaaaa-aa'), method: 'raw_rand' });
            const r = parseReport(await em.updateCall(caller, 'go', EMPTY));
            expect(r.code).toBe(0);
            return Buffer.from(IDL.decode([IDL.Vec(IDL.Nat8)], r.data)[0] as unknown as Uint8Array).toString('hex');
        };
        const a = await randomBytes(1);
        expect(a).toHaveLength(64);
        expect(await randomBytes(1)).toBe(a);
        expect(await randomBytes(2)).not.toBe(a);
    });
});
