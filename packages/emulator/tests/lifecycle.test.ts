/**
 * Stopping (spec: stop_canister is answered once the canister has no open call contexts; a
 * stopping or stopped canister takes no new calls) and the cleanup callback (run when a reply
 * or reject callback traps).
 */
import { RejectCode } from '../src/index.js';
import { parseReport, readI64 } from './canisters.js';
import { EMPTY, installCaller, withCallee } from './setup.js';

async function outstandingCall(timeoutSeconds?: number) {
    const { em, callee } = await withCallee({ roundStepMs: 1_000 });
    const caller = await installCaller(em, { callee, method: 'echo', timeoutSeconds });
    em.makeUnresponsive(callee, 1_000);
    const go = em.submit(caller, 'go', EMPTY);
    await em.tick(1);
    return { em, caller, callee, go };
}

describe('stop_canister', () => {
    it('with a guaranteed call outstanding, the caller stays Stopping until the call closes', async () => {
        const { em, caller, callee, go } = await outstandingCall();
        const first = em.requestStop({ canisterId: caller });
        await em.tick(600);
        expect((await em.canisterStatus({ canisterId: caller })).status).toBe('stopping');
        expect(first.status).toBe('rejected'); // the request gave up after 5 minutes (see below)
        const second = em.requestStop({ canisterId: caller });
        em.makeUnresponsive(callee, 0); // the callee answers now
        await em.tick(3);
        expect(second.status).toBe('replied');
        expect((await em.canisterStatus({ canisterId: caller })).status).toBe('stopped');
        expect(parseReport(go.result()).code).toBe(0); // the response was still delivered while stopping
    });

    // The replica's STOP_CANISTER_TIMEOUT_DURATION: the request fails with SYS_TRANSIENT
    // (StopCanisterRequestTimeout); the canister itself stays Stopping.
    it('a stop request not answered within 5 minutes fails with SYS_TRANSIENT; the canister stays Stopping', async () => {
        const { em, caller } = await outstandingCall();
        const stop = em.requestStop({ canisterId: caller });
        await em.tick(1); // the request reaches the management canister
        await em.tick(300);
        expect(stop.status).toBe('pending'); // 300 s after it arrived it still waits
        await em.tick(1);
        expect(stop.status).toBe('rejected');
        expect(() => stop.result()).toThrow(expect.objectContaining({ rejectCode: RejectCode.SysTransient, message: expect.stringMatching(/stop request timed out/) }));
        expect((await em.canisterStatus({ canisterId: caller })).status).toBe('stopping');
    });

    it('with only best-effort calls outstanding, the caller reaches Stopped once the deadline passes', async () => {
        const { em, caller, go } = await outstandingCall(30);
        const deadline = em.trace().find((t) => t.method === 'echo')?.deadline ?? 0n;
        const stop = em.requestStop({ canisterId: caller });
        while (em.timeNs + 1_000_000_000n <= deadline) await em.tick(1);
        expect((await em.canisterStatus({ canisterId: caller })).status).toBe('stopping');
        await em.tick(1);
        expect((await em.canisterStatus({ canisterId: caller })).status).toBe('stopped');
        expect(stop.status).toBe('replied');
        expect(parseReport(go.result()).code).toBe(RejectCode.SysUnknown);
    });

    it('a stopping canister rejects new calls; a started one takes them again', async () => {
        const { em, caller } = await outstandingCall();
        const stop = em.requestStop({ canisterId: caller });
        await em.tick(1);
        await expect(em.updateCall(caller, 'go', EMPTY)).rejects.toThrow(/is stopping/);
        await em.startCanister({ canisterId: caller });
        expect(stop.status).toBe('rejected');
        expect(() => stop.result()).toThrow(expect.objectContaining({ rejectCode: RejectCode.CanisterError, message: expect.stringMatching(/stop request was cancelled/) }));
        expect((await em.canisterStatus({ canisterId: caller })).status).toBe('running');
    });

    it('an idle canister stops at once, and can be deleted only when stopped', async () => {
        const { em, callee } = await withCallee();
        await expect(em.deleteCanister({ canisterId: callee })).rejects.toThrow(/must be stopped/);
        await em.stopCanister({ canisterId: callee, maxRounds: 2 });
        await em.deleteCanister({ canisterId: callee });
        await expect(em.canisterStatus({ canisterId: callee })).rejects.toMatchObject({ rejectCode: RejectCode.DestinationInvalid });
    });

    it('only a controller may stop a canister', async () => {
        const { em, callee } = await withCallee();
        const stranger = (await import('../src/index.js')).Emulator.identity('stranger');
        await expect(em.stopCanister({ canisterId: callee, sender: stranger })).rejects.toThrow(/Only the controllers/);
        expect((await em.canisterStatus({ canisterId: callee })).status).toBe('running');
    });
});

describe('cleanup callback', () => {
    it('runs when the reply callback traps; its effects stay, the callback’s do not', async () => {
        const { em, callee } = await withCallee();
        const caller = await installCaller(em, { callee, method: 'echo', trapInReply: true });
        await expect(em.updateCall(caller, 'go', EMPTY)).rejects.toMatchObject({ rejectCode: RejectCode.CanisterError });
        expect(readI64(await em.queryCall(caller, 'cleanup_ran', EMPTY))).toBe(1n);
    });

    it('does not run when the callback succeeds', async () => {
        const { em, callee } = await withCallee();
        const caller = await installCaller(em, { callee, method: 'echo' });
        await em.updateCall(caller, 'go', EMPTY);
        expect(readI64(await em.queryCall(caller, 'cleanup_ran', EMPTY))).toBe(0n);
    });
});
