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

/**
 * The harness a backend name gives:
 * - `emulator`: the embedded emulator, in process (the default);
 * - `served`: the embedded emulator served over HTTP in this process, on a free port; the
 *   canisters are deployed and called over HTTP with @dfinity/agent;
 * - `dfx` or `local`: the canisters `dfx deploy` put on its local network (the identity in the
 *   PEM file IC_IDENTITY_PEM names, or dfx's current identity);
 * - `icp:<environment>`: the canisters `icp deploy -e <environment>` put on that environment's
 *   network, with icp's current identity (icp-cli's local network: `icp:local`);
 * - a URL: any network; the canisters are deployed over HTTP first (where provisional creation is
 *   allowed: the served emulator, icp-cli and dfx local networks).
 */
export async function harnessFor(backend: string, options: { seed?: number } = {}): Promise<Harness> {
    if (backend === 'emulator') return (await import('./emulator_harness')).EmulatorHarness.deploy(options);
    const { HttpHarness } = await import('./http_harness');
    if (backend === 'served') {
        const { ServedNetwork } = await import('@response-models/emulator/http');
        const network = await ServedNetwork.start({ port: 0, seed: options.seed ?? 0 });
        try {
            return await HttpHarness.deploy({ url: network.url, seed: options.seed ?? 0, generation: 'current', onClose: () => network.stop() });
        } catch (e) {
            await network.stop();
            throw e;
        }
    }
    if (backend === 'dfx' || backend === 'local') {
        const dfx = await import('./dfx');
        dfx.requireDfx();
        return HttpHarness.connect({ url: dfx.localReplicaUrl(), deployer: dfx.deployerIdentity(), canisters: dfx.localCanisterIds(), network: 'local' });
    }
    if (backend.startsWith('icp:')) {
        const { icpDeployment } = await import('./icp');
        return HttpHarness.connect({ ...icpDeployment(backend.slice(4)), network: 'http' });
    }
    if (/^https?:\/\//.test(backend)) return HttpHarness.deploy({ url: backend });
    throw new Error(`unknown backend '${backend}': use emulator, served, dfx, icp:<environment> or a URL`);
}
