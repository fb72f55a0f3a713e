/**
 * The hazard this project teaches, from the attacker's side: a stranger deploys a canister of
 * their own that never answers and asks the caller, through every method that takes a callee,
 * to call it. The caller only makes bounded-wait calls for strangers (unbounded ones only when a
 * controller asks, to a callee the controllers trust), so it still reaches Stopped within its
 * longest timeout (300 s), even when its controllers trust the stranger's canister. Once a
 * controller does make an unbounded-wait call to it, the stranger holds the caller for as long
 * as they like.
 */
import type { ActorSubclass } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';

import { Emulator, PendingCall } from '@response-models/emulator';
import { idlFactory as callerIdl } from '../../src/declarations/caller/caller.did.js';
import { idlFactory as calleeIdl } from '../../src/declarations/untrusted_callee/untrusted_callee.did.js';
import { Callee, Caller, deployWorld, elapse, ok, SECOND, wasm, World } from './world';

const STRANGER = Emulator.identity('stranger');
const HANG = { Hang: { max_rounds: [] as [] } };
const NONE = new Uint8Array();
const MAX_TIMEOUT = 300;
const bounded = (s: number) => ({ Bounded: { timeout_seconds: BigInt(s) } });
const UNBOUNDED = { Unbounded: null };

interface Attack {
    w: World;
    theirs: Principal;
    asStranger: ActorSubclass<Caller>;
    /** Calls the stranger started on the caller, which may still be outstanding. */
    pending: PendingCall<unknown>[];
}

/** The stranger deploys the hanging canister (their own, they control it) and makes it hang on `work` too. */
async function strangerDeploys(options: { trusted: boolean }): Promise<Attack> {
    const w = await deployWorld({ trusted: false });
    const theirs = await w.em.setupCanister({ wasm: wasm.callee(), sender: STRANGER });
    await w.em.runUntilIdle();
    const theirActor = w.em.createActor<Callee>(calleeIdl, theirs, { sender: STRANGER });
    ok(await theirActor.configure({ behaviour: HANG, max_hang_rounds: 1_000_000, max_waiting: 100_000 }));
    if (options.trusted) ok(await w.callerActor.trust_callee(theirs, true));
    return { w, theirs, asStranger: w.em.createActor<Caller>(callerIdl, w.caller, { sender: STRANGER }), pending: [] };
}

/** Every way a stranger can ask the caller to call their canister, each submitted without waiting. */
function askEverything(a: Attack): void {
    const later = a.w.em.createDeferredActor<Caller>(callerIdl, a.w.caller, { sender: STRANGER });
    const hangArgs = new Uint8Array(IDL.encode([IDL.Variant({ Hang: IDL.Record({ max_rounds: IDL.Opt(IDL.Nat32) }) }), IDL.Vec(IDL.Nat8)], [HANG, NONE]));
    const calls: PendingCall<unknown>[] = [
        ...Array.from({ length: 20 }, () => later.call_callee(a.theirs, HANG, NONE, bounded(MAX_TIMEOUT), 0n)),
        later.call_callee(a.theirs, HANG, NONE, bounded(100_000), 0n), // capped at 300 s
        later.call_callee(a.theirs, HANG, NONE, UNBOUNDED, 0n),
        later.call_callee(a.theirs, { AcceptCyclesThenHang: { max_rounds: [] } }, NONE, UNBOUNDED, 1_000_000n),
        later.call_work(a.theirs, NONE, bounded(MAX_TIMEOUT)),
        later.call_work(a.theirs, NONE, UNBOUNDED),
        later.echo_bounded(a.theirs, 'x', MAX_TIMEOUT),
        later.echo_unbounded(a.theirs, 'x'),
        later.demonstrate_deadlines(a.theirs, true),
        later.demonstrate_deadlines(a.theirs, false),
        later.demonstrate_timeouts(a.theirs),
        later.call_raw(a.theirs, 'behave', hangArgs, { Unbounded: null }),
        later.transfer_unbounded({ to: { owner: STRANGER, subaccount: [] }, amount: 1n, client_key: [] }),
        later.trust_callee(a.theirs, true)
    ];
    a.pending.push(...calls);
}

async function statusOf(w: World): Promise<string> {
    return (await w.em.canisterStatus({ canisterId: w.caller })).status;
}

describe('a stranger with a hanging canister of their own', () => {
    it('cannot keep the caller from reaching Stopped within its longest bounded timeout, whatever they call', async () => {
        const a = await strangerDeploys({ trusted: false });
        askEverything(a);
        await a.w.em.tick(3); // every request is made; the bounded calls now wait on the stranger's canister
        expect((await a.asStranger.stats()).outstanding).toBeGreaterThanOrEqual(22);
        expect(await a.w.callerActor.trusted_callees()).toEqual([]); // the stranger could not trust it

        const askedAt = a.w.em.timeNs;
        const stop = a.w.em.requestStop({ canisterId: a.w.caller });
        while (stop.status === 'pending' && a.w.em.timeNs - askedAt < BigInt(MAX_TIMEOUT + 10) * SECOND) await a.w.em.tick(1);
        expect(stop.status).toBe('replied');
        expect(await statusOf(a.w)).toBe('stopped');
        // The deadline is whole seconds after the call (made a round before the stop request),
        // and SYS_UNKNOWN comes in the first round past it.
        expect(a.w.em.timeNs - askedAt).toBeLessThanOrEqual(BigInt(MAX_TIMEOUT + 1) * SECOND);
        // The stranger's canister is still hanging on every call it got: it simply did not matter.
        expect((await a.w.em.createActor<Callee>(calleeIdl, a.theirs).stats()).hanging).toBeGreaterThanOrEqual(22);

        const answers = a.pending.map((p) => (p.status === 'replied' ? p.result() : p.status));
        const refusals = answers.filter((r) => typeof r === 'object' && r !== null && 'Err' in r).map((r) => Object.keys((r as { Err: object }).Err)[0]);
        // Unbounded waits (call_callee, call_work, echo_unbounded, demonstrate_deadlines) are refused;
        // so are cycles, call_raw, transfers and trusting, which are not for strangers.
        expect(refusals.sort()).toEqual([...Array(4).fill('NotAuthorized'), ...Array(4).fill('UnboundedWaitNotAllowed')]);
        const outcomes = answers.filter((r) => typeof r === 'object' && r !== null && 'Ok' in r && typeof r.Ok === 'object' && r.Ok !== null && 'outcome' in r.Ok);
        expect(outcomes.map((r) => Object.keys((r as { Ok: { outcome: object } }).Ok.outcome)[0])).toEqual(Array(22).fill('Unknown'));
    });

    it('cannot ask for an unbounded wait even to a canister the controllers trust', async () => {
        const a = await strangerDeploys({ trusted: true });
        const r = await a.asStranger.call_callee(a.theirs, HANG, NONE, UNBOUNDED, 0n);
        expect(r).toEqual({ Err: { UnboundedWaitNotAllowed: { callee: a.theirs, rule: expect.stringMatching(/^only a controller may ask/) } } });
    });

    it('holds the caller for ever once a controller makes an unbounded-wait call to their trusted canister: the hazard', async () => {
        const a = await strangerDeploys({ trusted: true });
        const held = a.w.later.call_callee(a.theirs, HANG, NONE, UNBOUNDED, 0n); // the controller's own call
        await a.w.em.tick(3);
        const stop = a.w.em.requestStop({ canisterId: a.w.caller });
        await elapse(a.w.em, 3_600);
        expect(held.status).toBe('pending');
        // The system gives the stop request up after 5 minutes; an hour later the caller is still Stopping.
        expect(() => stop.result()).toThrow(/stop request timed out/);
        expect(await statusOf(a.w)).toBe('stopping');
    });
});
