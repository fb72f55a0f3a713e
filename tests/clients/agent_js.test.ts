/**
 * @dfinity/agent 3.4.3 against the served emulator with each kind of key the IC accepts, with
 * delegation chains, as the anonymous principal, and across a jump of the network's clock.
 */
import { Actor, AnonymousIdentity, HttpAgent, Identity } from '@dfinity/agent';
import { DelegationChain, DelegationIdentity, ECDSAKeyIdentity, Ed25519KeyIdentity } from '@dfinity/identity';
import { readFileSync } from 'node:fs';

import { builtWasm } from '../../harness/built';
import { Secp256k1Identity } from '../../harness/identity';
import { idlFactory as callerIdl, type _SERVICE as Caller } from '../../src/declarations/caller/caller.did.js';
import { recordingFetch, ServedCaller, servedCaller } from './served';

describe('@dfinity/agent 3.4.3 on the served emulator', () => {
    let served: ServedCaller;
    beforeAll(async () => {
        served = await servedCaller();
    });
    afterAll(async () => served?.network.stop());

    const callerFor = async (identity: Identity, fetch?: typeof globalThis.fetch) => {
        const agent = await HttpAgent.create({ host: served.network.url, identity, shouldFetchRootKey: true, retryTimes: 0, ...(fetch === undefined ? {} : { fetch }) });
        return Actor.createActor<Caller>(callerIdl, { agent, canisterId: served.caller });
    };

    it.each([
        ['Ed25519', async () => Ed25519KeyIdentity.generate()],
        ['ECDSA secp256k1', async () => new Secp256k1Identity(crypto.getRandomValues(new Uint8Array(32)))],
        ['ECDSA P-256 (WebCrypto)', async () => ECDSAKeyIdentity.generate()]
    ])('accepts calls signed with %s keys, and the agent accepts the certificate and the query signature', async (_name, make) => {
        const { fetch, seen } = recordingFetch();
        const caller = await callerFor(await make(), fetch);
        const before = (await caller.stats()).pings;
        expect(await caller.ping()).toBe(before + 1n);
        expect(seen.filter((s) => s.path.endsWith('/call')).map((s) => [s.path.split('/')[2], s.status])).toEqual([['v3', 200]]);
    });

    it('accepts the anonymous principal without a signature (2vxsx-fae)', async () => {
        const caller = await callerFor(new AnonymousIdentity());
        const before = (await caller.stats()).pings;
        expect(await caller.ping()).toBe(before + 1n);
    });

    it('accepts a chain of delegations for its targets, and refuses it elsewhere ("is not one of the delegation targets")', async () => {
        const other = await served.network.emulator.setupCanister({ wasm: readFileSync(builtWasm('caller')) });
        const root = Ed25519KeyIdentity.generate();
        const middle = Ed25519KeyIdentity.generate();
        const session = Ed25519KeyIdentity.generate();
        const first = await DelegationChain.create(root, middle.getPublicKey(), new Date(Date.now() + 3_600_000), { targets: [served.caller, other] });
        const chain = await DelegationChain.create(middle, session.getPublicKey(), new Date(Date.now() + 3_600_000), { previous: first, targets: [served.caller] });
        const identity = DelegationIdentity.fromDelegation(session, chain);
        expect(identity.getPrincipal().toText()).toBe(root.getPrincipal().toText());
        const caller = await callerFor(identity);
        await expect(caller.ping()).resolves.toBeGreaterThan(0n);
        const agent = await HttpAgent.create({ host: served.network.url, identity, shouldFetchRootKey: true, retryTimes: 0 });
        const elsewhere = Actor.createActor<Caller>(callerIdl, { agent, canisterId: other });
        await expect(elsewhere.ping()).rejects.toThrow(`Canister '${other.toText()}' is not one of the delegation targets.`);
    });

    it('refuses an expired delegation ("Invalid delegation expiry: Specified sender delegation has expired")', async () => {
        const root = Ed25519KeyIdentity.generate();
        const session = Ed25519KeyIdentity.generate();
        const chain = await DelegationChain.create(root, session.getPublicKey(), new Date(Date.now() - 60_000));
        const caller = await callerFor(DelegationIdentity.fromDelegation(session, chain));
        await expect(caller.ping()).rejects.toThrow('Invalid delegation expiry: Specified sender delegation has expired');
    });

    it('keeps working after the network\'s clock jumps ahead: the agent re-synchronises on "Invalid request expiry"', async () => {
        const caller = await callerFor(Ed25519KeyIdentity.generate());
        const before = await caller.ping();
        await served.network.advanceTime(30 * 60_000);
        expect(await caller.ping()).toBe(before + 1n);
    });
});
