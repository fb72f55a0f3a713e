import { Harness } from './types';

/** Unwraps a canister's `Ok`, or throws with its `Err` (a set-up step that cannot go on). */
export function ok<T>(result: { Ok: T } | { Err: unknown }, what: string): T {
    if ('Err' in result) throw new Error(`${what} failed: ${JSON.stringify(result.Err, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`);
    return result.Ok;
}

/**
 * What the scenarios need: the caller funded on the ledger and pointed at it, and the callee and
 * the ledger trusted for unbounded waits, so that the walkthrough (whose calls a controller
 * makes) can show what such a wait does; the `trust` scenario shows that a stranger still cannot.
 */
export async function prepare(h: Harness): Promise<void> {
    ok(await h.ledgerActor.mint({ owner: h.caller, subaccount: [] }, 1_000_000_000_000n), 'mint');
    ok(await h.callerActor.set_transfer_settings({ ledger: [h.ledger], timeout_seconds: 10, max_attempts: 40 }), 'set_transfer_settings');
    ok(await h.callerActor.trust_callee(h.callee, true), 'trust_callee');
    ok(await h.callerActor.trust_callee(h.ledger, true), 'trust_callee');
}

/** The harness IC_BACKEND names: the embedded emulator (default) or a dfx local replica. */
export async function harnessFor(backend: string): Promise<Harness> {
    if (backend === 'emulator') return (await import('./emulator_harness')).EmulatorHarness.deploy();
    if (backend === 'dfx' || backend === 'local') return (await import('./dfx_harness')).DfxHarness.connect();
    throw new Error(`unknown backend '${backend}': use emulator or dfx`);
}
