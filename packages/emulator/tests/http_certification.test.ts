/**
 * The served network's hash trees, request ids and certificates, checked against the interface
 * spec's examples and against the verification code of the clients themselves (agent-js 3 and
 * @icp-sdk/core 6).
 */
import { Certificate as Certificate3, LookupPathStatus, lookup_path, reconstruct as reconstruct3 } from '@dfinity/agent';
import { lebEncode } from '@dfinity/candid';
import { decode } from '@dfinity/cbor';
import { Principal } from '@dfinity/principal';
import { Certificate as Certificate6 } from '@icp-sdk/core/agent';

import { encodeCbor } from '../src/http/cbor.js';
import { certify } from '../src/http/certification.js';
import { HashTree, leaf, reconstruct, subtree, witness } from '../src/http/hash_tree.js';
import { NetworkKeys } from '../src/http/keys.js';
import { parseRequest } from '../src/http/request.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (s: string) => new TextEncoder().encode(s);

describe('hash trees', () => {
    it('reconstructs the spec\'s example tree to its root hash ("Certification", "Example")', () => {
        const tree = decode(
            Buffer.from(
                '8301830183024161830183018302417882034568656c6c6f810083024179820345776f726c6483024162820344676f6f648301830241638100830241648203476d6f726e696e67',
                'hex'
            )
        ) as HashTree;
        expect(hex(reconstruct(tree))).toBe('eb5c5b2195e62d996b84c9bcc8259d19a83786a2f59e0878cec84c811f669aa0');
    });

    const tree = subtree([
        ['a', subtree([['x', leaf('hello')], ['y', leaf('world')]])],
        ['b', leaf('good')],
        ['c', subtree([])],
        ['d', leaf('morning')]
    ]);

    it('a witness has the root hash of the whole tree, as agent-js computes it', async () => {
        for (const paths of [[[bytes('b')]], [[bytes('a'), bytes('y')]], [[bytes('zz')]], [[bytes('a'), bytes('q')], [bytes('d')]]]) {
            expect(hex(await reconstruct3(witness(tree, paths) as never))).toBe(hex(tree.hash));
        }
    });

    it('keeps requested paths and proves the absence of missing labels (agent-js finds them Absent)', () => {
        const w = witness(tree, [[bytes('a'), bytes('y')], [bytes('a'), bytes('xa')], [bytes('e')], [bytes('0')]]) as never;
        expect(lookup_path(['a', 'y'], w)).toMatchObject({ status: LookupPathStatus.Found, value: bytes('world') });
        expect(lookup_path(['a', 'xa'], w).status).toBe(LookupPathStatus.Absent);
        expect(lookup_path(['e'], w).status).toBe(LookupPathStatus.Absent);
        expect(lookup_path(['0'], w).status).toBe(LookupPathStatus.Absent);
        // What was not asked for is pruned.
        expect(lookup_path(['b'], w).status).not.toBe(LookupPathStatus.Found);
    });
});

describe('request ids', () => {
    it('are the representation-independent hash of the content (the spec\'s example: 1d1091...)', () => {
        const content = {
            request_type: 'call',
            sender: new Uint8Array([0x04]),
            ingress_expiry: 1685570400000000000n,
            canister_id: Buffer.from('00000000000004D2', 'hex'),
            method_name: 'hello',
            arg: Buffer.from('4449444c00fd2a', 'hex')
        };
        expect(hex(parseRequest(encodeCbor({ content }), 'call').requestId)).toBe('1d1091364d6bb8a6c16b203ee75467d59ead468f523eb058880ae8ec80e2b101');
    });
});

describe('certificates', () => {
    const keys = NetworkKeys.fromSeed(7);
    const now = BigInt(Date.now()) * 1_000_000n;
    const state = subtree([
        ['subnet', subtree([[keys.subnetId.toUint8Array(), subtree([['public_key', leaf(keys.rootKeyDer)]])]])],
        ['time', leaf(lebEncode(now))]
    ]);
    const canisterId = Principal.fromText('bkyz2-fmaaa-aaaaa-qaaaq-cai');

    it('have a 133-byte root key whose self-authenticating principal is the subnet id', () => {
        expect(keys.rootKeyDer.length).toBe(133);
        expect(Principal.selfAuthenticating(keys.rootKeyDer).toText()).toBe(keys.subnetId.toText());
        expect(hex(NetworkKeys.fromSeed(7).rootKeyDer)).toBe(hex(keys.rootKeyDer));
        expect(hex(NetworkKeys.fromSeed(8).rootKeyDer)).not.toBe(hex(keys.rootKeyDer));
    });

    it('verify with agent-js 3 and @icp-sdk/core 6 (BLS min-sig over "\\x0Dic-state-root" ‖ root hash)', async () => {
        const certificate = certify(keys, state, now).certificate([[bytes('subnet')]]);
        const c3 = await Certificate3.create({ certificate, rootKey: keys.rootKeyDer, canisterId });
        expect(c3.lookup_path(['subnet', keys.subnetId.toUint8Array(), 'public_key'])).toMatchObject({ status: LookupPathStatus.Found, value: keys.rootKeyDer });
        const c6 = await Certificate6.create({ certificate, rootKey: keys.rootKeyDer, principal: { canisterId } } as never);
        expect(c6).toBeDefined();
    });

    it('are refused by agent-js when signed by another key', async () => {
        const certificate = certify(NetworkKeys.fromSeed(8), state, now).certificate([[bytes('time')]]);
        await expect(Certificate3.create({ certificate, rootKey: keys.rootKeyDer, canisterId })).rejects.toThrow();
    });
});
