/** A served emulator with the caller canister installed, for the client tests. */
import { readFileSync } from 'node:fs';

import { Principal } from '@dfinity/principal';

import { ServedNetwork } from '@response-models/emulator/http';
import { builtWasm } from '../../harness/built';

export interface ServedCaller {
    network: ServedNetwork;
    caller: Principal;
    /** The principal that created it and controls it. */
    controller: Principal;
}

/** Starts a network on a free port and installs the caller directly on its emulator. */
export async function servedCaller(seed = 0): Promise<ServedCaller> {
    const network = await ServedNetwork.start({ port: 0, seed });
    const caller = await network.emulator.setupCanister({ wasm: readFileSync(builtWasm('caller')) });
    return { network, caller, controller: network.emulator.defaultSender };
}

/** Records the path and status of every HTTP exchange an agent makes, and the body of refusals. */
export function recordingFetch(): { fetch: typeof fetch; seen: { path: string; status: number; text?: string }[] } {
    const seen: { path: string; status: number; text?: string }[] = [];
    const recording = async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
        const res = await fetch(input, init);
        const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
        const entry: { path: string; status: number; text?: string } = { path: new URL(url).pathname, status: res.status };
        if (res.status >= 400) entry.text = await res.clone().text();
        seen.push(entry);
        return res;
    };
    return { fetch: recording as typeof fetch, seen };
}
