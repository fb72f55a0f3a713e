import { Harness } from './types';

/** Funds the caller on the ledger and points it at the ledger: what the transfer scenarios need. */
export async function prepare(h: Harness): Promise<void> {
    await h.ledgerActor.mint({ owner: h.caller, subaccount: [] }, 1_000_000_000_000n);
    await h.callerActor.set_transfer_settings({ ledger: [h.ledger], timeout_seconds: 10, max_attempts: 40 });
}

/** The harness IC_BACKEND names: the embedded emulator (default) or a dfx local replica. */
export async function harnessFor(backend: string): Promise<Harness> {
    if (backend === 'emulator') return (await import('./emulator_harness')).EmulatorHarness.deploy();
    if (backend === 'dfx' || backend === 'local') return (await import('./dfx_harness')).DfxHarness.connect();
    throw new Error(`unknown backend '${backend}': use emulator or dfx`);
}
