/**
 * What the served emulator refuses, as the replica refuses it: the HTTP status and text of each
 * bad request, and that a refused request changes nothing (the caller's stable memory, its
 * module and controllers, its ping counter).
 */
import { Actor, ActorSubclass, HttpAgent, Signature } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { Principal } from '@dfinity/principal';
import { readFileSync } from 'node:fs';

import { builtWasm } from '../../harness/built';
import { idlFactory as callerIdl, type _SERVICE as Caller } from '../../src/declarations/caller/caller.did.js';
import { callContent, cbor, post, signed } from './raw';
import { recordingFetch, ServedCaller, servedCaller } from './served';

/** An identity that presents one key and signs with another: its signatures are forged. */
class ForgingIdentity extends Ed25519KeyIdentity {
    private readonly other = Ed25519KeyIdentity.generate();
    async sign(blob: Uint8Array): Promise<Signature> {
        return this.other.sign(blob);
    }
    static make(): ForgingIdentity {
        const real = Ed25519KeyIdentity.generate();
        const { secretKey, publicKey } = real.getKeyPair();
        return new ForgingIdentity(publicKey, secretKey);
    }
}

interface Snapshot {
    stable: string;
    moduleHash: string;
    controllers: string[];
    pings: bigint;
}

describe('the served emulator refuses bad requests and they change nothing', () => {
    let served: ServedCaller;
    let before: Snapshot;
    const snapshot = async (): Promise<Snapshot> => {
        const em = served.network.emulator;
        const status = await em.canisterStatus({ canisterId: served.caller });
        const stats = IDL.decode([IDL.Record({ pings: IDL.Nat64 })], await em.queryCall(served.caller, 'stats', new Uint8Array(IDL.encode([], []))))[0] as unknown as { pings: bigint };
        return {
            stable: em.stableMemoryDigest(served.caller),
            moduleHash: Buffer.from(status.moduleHash ?? []).toString('hex'),
            controllers: status.controllers.map((c) => c.toText()),
            pings: stats.pings
        };
    };
    const callPath = () => `/api/v3/canister/${served.caller.toText()}/call`;

    beforeAll(async () => {
        served = await servedCaller();
        before = await snapshot();
    });
    afterEach(async () => expect(await snapshot()).toEqual(before));
    afterAll(async () => served?.network.stop());

    it('a forged sender signature: 400 "Invalid signature: Invalid basic signature: ..."', async () => {
        const { fetch, seen } = recordingFetch();
        const agent = await HttpAgent.create({ host: served.network.url, identity: ForgingIdentity.make(), shouldFetchRootKey: true, retryTimes: 0, fetch });
        const caller: ActorSubclass<Caller> = Actor.createActor<Caller>(callerIdl, { agent, canisterId: served.caller });
        await expect(caller.ping()).rejects.toThrow(/Invalid signature: Invalid basic signature/);
        expect(seen.at(-1)).toMatchObject({ status: 400, text: expect.stringMatching(/^Invalid signature: Invalid basic signature: /) });
    });

    it('install_code from a principal that controls nothing: rejected before execution (IC0512, reject code 5)', async () => {
        const stranger = await HttpAgent.create({ host: served.network.url, identity: Ed25519KeyIdentity.generate(), shouldFetchRootKey: true, retryTimes: 0 });
        const ic00 = Actor.createActor<{ install_code: (a: unknown) => Promise<void> }>(
            ({ IDL: I }) =>
                I.Service({
                    install_code: I.Func([I.Record({ mode: I.Variant({ reinstall: I.Null }), canister_id: I.Principal, wasm_module: I.Vec(I.Nat8), arg: I.Vec(I.Nat8) })], [], [])
                }),
            { agent: stranger, canisterId: Principal.managementCanister(), effectiveCanisterId: served.caller }
        );
        const other = readFileSync(builtWasm('ledger_mock')).subarray(0, 1_000_000); // below the 2 MiB ingress limit
        await expect(ic00.install_code({ mode: { reinstall: null }, canister_id: served.caller, wasm_module: other, arg: new Uint8Array(IDL.encode([], [])) })).rejects.toThrow(
            new RegExp(`Only controllers of canister ${served.caller.toText()} can call ic00 method install_code`)
        );
    });

    it('a content changed after signing (its request id no longer matches the signature): 400 "Invalid signature: ..."', async () => {
        const identity = Ed25519KeyIdentity.generate();
        const envelope = await signed(identity, callContent(served.caller, 'ping', identity.getPrincipal(), served.network.timeNs));
        (envelope.content as Record<string, unknown>).method_name = 'set_transfer_settings';
        const r = await post(served.network.url, callPath(), cbor(envelope));
        expect([r.status, r.text]).toEqual([400, expect.stringMatching(/^Invalid signature: Invalid basic signature: /)]);
    });

    it('malformed CBOR: 400 "Failed to deserialize cbor request: ..."', async () => {
        const r = await post(served.network.url, callPath(), new Uint8Array([0xd9, 0xd9, 0xf7, 0xa1, 0x67]));
        expect([r.status, r.text]).toEqual([400, expect.stringMatching(/^Failed to deserialize cbor request: /)]);
    });

    it('a body that is not application/cbor: 400 "Unexpected content-type, expected application/cbor."', async () => {
        const r = await post(served.network.url, callPath(), new Uint8Array([1]), 'application/json');
        expect([r.status, r.text]).toEqual([400, 'Unexpected content-type, expected application/cbor.']);
    });

    it('a body above 5 MiB: 413 "length limit exceeded" (the replica\'s max_request_size_bytes)', async () => {
        const r = await post(served.network.url, callPath(), new Uint8Array(5 * 1024 * 1024 + 1));
        expect([r.status, r.text]).toEqual([413, 'length limit exceeded']);
    });

    it('a call above 2 MiB: 413 "Request <id> is too large. ..." (an application subnet\'s max_ingress_bytes_per_message)', async () => {
        const identity = Ed25519KeyIdentity.generate();
        const content = callContent(served.caller, 'ping', identity.getPrincipal(), served.network.timeNs, undefined, new Uint8Array(2 * 1024 * 1024));
        const r = await post(served.network.url, callPath(), cbor(await signed(identity, content)));
        expect([r.status, r.text]).toEqual([413, expect.stringMatching(/^Request [0-9a-f]{64} is too large\. Message byte size \d+ is larger than the max allowed 2097152\.$/)]);
    });

    it.each([
        ['already expired', -60_000_000_000n],
        ['more than 5 min 30 s ahead', 6n * 60_000_000_000n]
    ])('an ingress expiry %s: 400 "Invalid request expiry: ..." (the text agents re-sync their clock on)', async (_what, offset) => {
        const identity = Ed25519KeyIdentity.generate();
        const r = await post(served.network.url, callPath(), cbor(await signed(identity, callContent(served.caller, 'ping', identity.getPrincipal(), served.network.timeNs, offset))));
        expect([r.status, r.text]).toEqual([400, expect.stringMatching(/^Invalid request expiry: Specified ingress_expiry not within expected range: Minimum allowed expiry: /)]);
    });

    it('a sender that is not the principal of the signing key: 400 "The user id ... does not match the public key ..."', async () => {
        const identity = Ed25519KeyIdentity.generate();
        const someoneElse = Ed25519KeyIdentity.generate().getPrincipal();
        const r = await post(served.network.url, callPath(), cbor(await signed(identity, callContent(served.caller, 'ping', someoneElse, served.network.timeNs))));
        expect([r.status, r.text]).toEqual([400, expect.stringMatching(new RegExp(`^The user id '${someoneElse.toText()}' does not match the public key '[0-9a-f]+'$`))]);
    });

    it('the anonymous principal with a signature: 400 "Signature is not allowed for the anonymous user."', async () => {
        const identity = Ed25519KeyIdentity.generate();
        const r = await post(served.network.url, callPath(), cbor(await signed(identity, callContent(served.caller, 'ping', Principal.anonymous(), served.network.timeNs))));
        expect([r.status, r.text]).toEqual([400, 'Signature is not allowed for the anonymous user.']);
    });

    it('a signed sender without a signature: 400 "Missing signature from user: ..."', async () => {
        const sender = Ed25519KeyIdentity.generate().getPrincipal();
        const r = await post(served.network.url, callPath(), cbor({ content: callContent(served.caller, 'ping', sender, served.network.timeNs) }));
        expect([r.status, r.text]).toEqual([400, `Missing signature from user: ${sender.toText()}`]);
    });

    it('a call whose canister_id is not the effective canister id of its URL: 400', async () => {
        const identity = Ed25519KeyIdentity.generate();
        const elsewhere = Principal.fromText('ryjl3-tyaaa-aaaaa-aaaba-cai');
        const r = await post(served.network.url, `/api/v3/canister/${elsewhere.toText()}/call`, cbor(await signed(identity, callContent(served.caller, 'ping', identity.getPrincipal(), served.network.timeNs))));
        expect([r.status, r.text]).toEqual([400, `Specified CanisterId ${served.caller.toText()} does not match effective canister id in URL ${elsewhere.toText()}`]);
    });
});
