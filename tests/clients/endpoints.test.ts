/**
 * The served emulator's endpoints one by one, with requests built by hand: asynchronous calls and
 * polling, the synchronous call's fall-back to 202, read_state's rules on paths, and the answers
 * that tools read error codes from.
 */
import { Certificate, LookupPathStatus, requestIdOf } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { decode } from '@dfinity/cbor';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { Principal } from '@dfinity/principal';
import { readFileSync } from 'node:fs';

import { ServedNetwork } from '@response-models/emulator/http';
import { builtWasm } from '../../harness/built';
import { withCustomSection } from '@response-models/bounded-wait/build';
import { callContent, cbor, post, queryContent, readStateContent, signed } from './raw';

const text = (s: string) => new TextEncoder().encode(s);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const HANG = IDL.encode([IDL.Variant({ Hang: IDL.Record({ max_rounds: IDL.Opt(IDL.Nat32) }) }), IDL.Vec(IDL.Nat8)], [{ Hang: { max_rounds: [] } }, new Uint8Array()]);

describe('the served emulator\'s endpoints', () => {
    let network: ServedNetwork;
    let caller: Principal;
    let callee: Principal;
    const me = Ed25519KeyIdentity.generate();

    beforeAll(async () => {
        network = await ServedNetwork.start({ port: 0, syncCallTimeoutMs: 500 });
        const em = network.emulator;
        const wasm = withCustomSection(readFileSync(builtWasm('caller')), 'icp:private secret', text('for controllers'));
        caller = await em.setupCanister({ wasm, controllers: [em.defaultSender, me.getPrincipal()] });
        callee = await em.setupCanister({ wasm: readFileSync(builtWasm('untrusted_callee')) });
    });
    afterAll(async () => network?.stop());

    const readState = async (paths: Uint8Array[][], identity = me, target = `canister/${caller.toText()}`) =>
        post(network.url, `/api/v3/${target}/read_state`, cbor(await signed(identity, readStateContent(paths, identity.getPrincipal(), network.timeNs))));
    const certificateOf = async (bytes: Uint8Array, canisterId = caller) =>
        Certificate.create({ certificate: (decode(bytes) as { certificate: Uint8Array }).certificate, rootKey: network.rootKey, canisterId });

    it('v2 accepts a call with 202 and no body; read_state then reports it replied', async () => {
        const envelope = await signed(me, callContent(caller, 'ping', me.getPrincipal(), network.timeNs));
        const rid = requestIdOf(envelope.content as Record<string, unknown>);
        const accepted = await post(network.url, `/api/v2/canister/${caller.toText()}/call`, cbor(envelope));
        expect([accepted.status, accepted.bytes.length]).toEqual([202, 0]);
        let status = '';
        for (let i = 0; i < 100 && status !== 'replied'; i++) {
            const r = await readState([[text('request_status'), rid]]);
            const found = (await certificateOf(r.bytes)).lookup_path(['request_status', rid, 'status']);
            status = found.status === LookupPathStatus.Found ? new TextDecoder().decode(found.value as Uint8Array) : 'absent';
            if (status !== 'replied') await sleep(20);
        }
        expect(status).toBe('replied');
    });

    it('v3 answers 202 with the replica\'s text when the call does not finish in time; it goes on running', async () => {
        const envelope = await signed(me, callContent(callee, 'behave', me.getPrincipal(), network.timeNs, undefined, new Uint8Array(HANG)));
        const r = await post(network.url, `/api/v3/canister/${callee.toText()}/call`, cbor(envelope));
        expect([r.status, r.text]).toEqual([202, 'Message did not complete execution and certification within the replica defined timeout.']);
        const rid = requestIdOf(envelope.content as Record<string, unknown>);
        const state = await readState([[text('request_status'), rid]], me, `canister/${callee.toText()}`);
        const found = (await certificateOf(state.bytes, callee)).lookup_path(['request_status', rid, 'status']);
        expect(new TextDecoder().decode(found.status === LookupPathStatus.Found ? (found.value as Uint8Array) : new Uint8Array())).toBe('processing');
    });

    it('read_state refuses another sender\'s request id (403)', async () => {
        const envelope = await signed(me, callContent(caller, 'ping', me.getPrincipal(), network.timeNs));
        await post(network.url, `/api/v2/canister/${caller.toText()}/call`, cbor(envelope));
        const rid = requestIdOf(envelope.content as Record<string, unknown>);
        const r = await readState([[text('request_status'), rid]], Ed25519KeyIdentity.generate());
        expect([r.status, r.text]).toEqual([403, 'The user tries to access Request ID not signed by the caller.']);
    });

    it.each([
        ['/request_status/<31 bytes>', [['request_status', new Uint8Array(31)]], 400, 'Invalid request id in paths. Maybe the request ID is not of 32 bytes in length?!'],
        ['/canister/<another canister>/module_hash', [['canister', 'ryjl3-tyaaa-aaaaa-aaaba-cai', 'module_hash']], 400, 'Effective principal id in URL {caller} does not match requested principal id: ryjl3-tyaaa-aaaaa-aaaba-cai.'],
        ['/canister/<id>/certified_data', [['canister', '{caller}', 'certified_data']], 404, 'Invalid path requested.'],
        ['/anything', [['anything']], 404, 'Invalid path requested.']
    ])('read_state of %s is refused with the replica\'s status and text', async (_name, paths, status, message) => {
        const labels = paths.map((p) =>
            p.map((l) => (l instanceof Uint8Array ? l : l === '{caller}' ? caller.toUint8Array() : /-cai$/.test(l) ? Principal.fromText(l).toUint8Array() : text(l)))
        );
        const r = await readState(labels);
        expect([r.status, r.text]).toEqual([status, message.replace('{caller}', caller.toText())]);
    });

    it('serves public metadata to anyone and private metadata to controllers only (403 otherwise)', async () => {
        const stranger = Ed25519KeyIdentity.generate();
        const service = await readState([[text('canister'), caller.toUint8Array(), text('metadata'), text('candid:service')]], stranger);
        const found = (await certificateOf(service.bytes)).lookup_path(['canister', caller.toUint8Array(), 'metadata', 'candid:service']) as { value?: Uint8Array };
        expect(new TextDecoder().decode(found.value)).toMatch(/^\/\/ Calls an untrusted callee/);
        const refused = await readState([[text('canister'), caller.toUint8Array(), text('metadata'), text('secret')]], stranger);
        expect([refused.status, refused.text]).toEqual([403, 'Custom section secret can only be requested by the controllers of the canister.']);
        const allowed = await readState([[text('canister'), caller.toUint8Array(), text('metadata'), text('secret')]]);
        expect(allowed.status).toBe(200);
    });

    it('answers a query of a missing method with a signed reject carrying IC0536 (how icp-cli tells a method is absent)', async () => {
        const r = await post(network.url, `/api/v3/canister/${caller.toText()}/query`, cbor(await signed(me, queryContent(caller, 'http_request', me.getPrincipal(), network.timeNs))));
        expect(decode(r.bytes)).toMatchObject({ status: 'rejected', reject_code: 5, error_code: 'IC0536', reject_message: `Canister ${caller.toText()} has no query method 'http_request'` });
    });

    it('refuses a call to a canister that does not exist before running anything (non_replicated_rejection, IC0301)', async () => {
        const nobody = Principal.fromText('ryjl3-tyaaa-aaaaa-aaaba-cai');
        const r = await post(network.url, `/api/v4/canister/${nobody.toText()}/call`, cbor(await signed(me, callContent(nobody, 'ping', me.getPrincipal(), network.timeNs))));
        expect(decode(r.bytes)).toEqual({ status: 'non_replicated_rejection', reject_code: 3, error_code: 'IC0301', reject_message: `Canister ${nobody.toText()} not found` });
    });

    it('stands in for the cycles-minting canister and the cycles ledger that icp-cli asks', async () => {
        const cmc = Principal.fromText('rkp4c-7iaaa-aaaaa-aaaca-cai');
        const subnets = decode((await post(network.url, `/api/v3/canister/${cmc.toText()}/query`, cbor(await signed(me, queryContent(cmc, 'get_default_subnets', me.getPrincipal(), network.timeNs))))).bytes) as { reply: { arg: Uint8Array } };
        expect(IDL.decode([IDL.Vec(IDL.Principal)], subnets.reply.arg)[0]).toEqual([network.subnetId]);
        const ledger = Principal.fromText('um5iw-rqaaa-aaaaq-qaaba-cai');
        const arg = new Uint8Array(IDL.encode([IDL.Record({ owner: IDL.Principal, subaccount: IDL.Opt(IDL.Vec(IDL.Nat8)) })], [{ owner: me.getPrincipal(), subaccount: [] }]));
        const balance = decode((await post(network.url, `/api/v3/canister/${ledger.toText()}/query`, cbor(await signed(me, queryContent(ledger, 'icrc1_balance_of', me.getPrincipal(), network.timeNs, arg))))).bytes) as { reply: { arg: Uint8Array } };
        expect(IDL.decode([IDL.Nat], balance.reply.arg)[0]).toBe(1_000_000_000_000_000n);
    });
});
