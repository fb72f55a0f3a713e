/**
 * @icp-sdk/core 6 (the successor of @dfinity/agent) against the served emulator: it calls through
 * /api/v4 and verifies the certificate in the reply, and checks the node's signature on queries
 * with the subnet's keys it reads through /api/v3 read_state.
 */
import { Actor, HttpAgent } from '@icp-sdk/core/agent';
import type { IDL } from '@icp-sdk/core/candid';
import { Ed25519KeyIdentity } from '@icp-sdk/core/identity';
import { Secp256k1KeyIdentity } from '@icp-sdk/core/identity/secp256k1';

import { idlFactory, type _SERVICE as Caller } from '../../src/declarations/caller/caller.did.js';
import { recordingFetch, ServedCaller, servedCaller } from './served';

/** The generated factory builds the interface with whatever IDL it is handed: here, @icp-sdk/core's. */
const callerIdl = idlFactory as unknown as IDL.InterfaceFactory;

describe('@icp-sdk/core 6 on the served emulator', () => {
    let served: ServedCaller;
    beforeAll(async () => {
        served = await servedCaller();
    });
    afterAll(async () => served?.network.stop());

    it('makes a certified update call through /api/v4 and a signed query through /api/v3', async () => {
        const { fetch, seen } = recordingFetch();
        const agent = await HttpAgent.create({ host: served.network.url, identity: Ed25519KeyIdentity.generate(), shouldFetchRootKey: true, fetch });
        const caller = Actor.createActor<Caller>(callerIdl, { agent, canisterId: served.caller.toText() });
        expect(await caller.ping()).toBe(1n);
        expect((await caller.stats()).pings).toBe(1n);
        const id = served.caller.toText();
        expect(seen.filter((s) => s.path === `/api/v4/canister/${id}/call`).map((s) => s.status)).toEqual([200]);
        expect(seen.filter((s) => s.path === `/api/v3/canister/${id}/query`).map((s) => s.status)).toEqual([200]);
        // The node keys behind the query's signature come from a certified read_state of the subnet.
        expect(seen.some((s) => s.path === `/api/v3/canister/${id}/read_state` && s.status === 200)).toBe(true);
    });

    it('signs with a secp256k1 key as well', async () => {
        const agent = await HttpAgent.create({ host: served.network.url, identity: Secp256k1KeyIdentity.generate(), shouldFetchRootKey: true });
        const caller = Actor.createActor<Caller>(callerIdl, { agent, canisterId: served.caller.toText() });
        expect(await caller.ping()).toBe(2n);
    });
});
