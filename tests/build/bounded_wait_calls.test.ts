/**
 * The exact System API sequence the built caller canister produces for each response model.
 * Spec: `ic0.call_with_best_effort_response` may be called once between `ic0.call_new` and
 * `ic0.call_perform`; the replica caps the timeout at MAX_CALL_TIMEOUT (300 s).
 */
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';

import { builtWasm } from '../support/built';
import { RecordingHost } from '../support/recording_host';

const callee = Principal.fromText('ryjl3-tyaaa-aaaaa-aaaba-cai');
const Wait = IDL.Variant({
    Bounded: IDL.Record({ timeout_seconds: IDL.Nat32 }),
    Unbounded: IDL.Null
});
const CALL_RAW_ARGS = [IDL.Principal, IDL.Text, IDL.Vec(IDL.Nat8), Wait];
const CallRawResult = IDL.Variant({
    Ok: IDL.Vec(IDL.Nat8),
    Err: IDL.Variant({ InvalidArgument: IDL.Record({ field: IDL.Text, reason: IDL.Text }), NotAuthorized: IDL.Record({ method: IDL.Text, rule: IDL.Text }) })
});
const emptyArgs = new Uint8Array(IDL.encode([], []));

let host: RecordingHost;
beforeAll(() => {
    host = RecordingHost.load(builtWasm('caller'));
    host.init();
    // Unbounded waits go only to callees a controller trusts.
    const trusted = host.update('trust_callee', new Uint8Array(IDL.encode([IDL.Principal, IDL.Bool], [callee, true])));
    expect(trusted).toHaveProperty('reply');
});

function echoBounded(timeoutSeconds: number): void {
    const arg = IDL.encode([IDL.Principal, IDL.Text, IDL.Nat32], [callee, 'hello', timeoutSeconds]);
    expect(host.update('echo_bounded', new Uint8Array(arg))).toBeUndefined(); // awaiting the callee
}

function names(): string[] {
    return host.callSequence().map((c) => c.name);
}

describe('bounded-wait call', () => {
    it.each([
        [1, 1],
        [5, 5],
        [300, 300],
        [0, 0]
    ])('timeout %i s: call_new with the clean name, then call_with_best_effort_response(%i)', (timeout, expected) => {
        echoBounded(timeout);
        const calls = host.callSequence();
        expect(calls[0]).toMatchObject({ name: 'call_new', detail: `${callee.toText()} echo` });
        expect(calls[1]).toEqual({ name: 'call_with_best_effort_response', args: [expected], detail: undefined });
        expect(names().filter((n) => n === 'call_with_best_effort_response')).toHaveLength(1);
        expect(names().at(-1)).toBe('call_perform');
    });

    it.each([301, 1_000, 4_294_967_295])('timeout %i s is clamped to 300', (timeout) => {
        echoBounded(timeout);
        expect(host.callSequence()[1]).toMatchObject({ name: 'call_with_best_effort_response', args: [300] });
    });

    it('carries the Candid arguments unchanged', () => {
        echoBounded(10);
        const append = host.callSequence().find((c) => c.name === 'call_data_append');
        expect(append?.args[1]).toBe(IDL.encode([IDL.Text], ['hello']).byteLength);
    });
});

describe('unbounded-wait call', () => {
    it('makes no best-effort call at all', () => {
        const arg = IDL.encode([IDL.Principal, IDL.Text], [callee, 'hello']);
        expect(host.update('echo_unbounded', new Uint8Array(arg))).toBeUndefined();
        expect(host.callSequence()[0]).toMatchObject({ name: 'call_new', detail: `${callee.toText()} echo` });
        expect(names()).not.toContain('call_with_best_effort_response');
        expect(names().at(-1)).toBe('call_perform');
    });
});

describe('a method name that looks like a timeout marker', () => {
    it.each([
        ['unbounded', { Unbounded: null }],
        ['bounded', { Bounded: { timeout_seconds: 60 } }]
    ])('is refused with InvalidArgument before any call is made (%s)', (_label, wait) => {
        const arg = IDL.encode(CALL_RAW_ARGS, [callee, 'echo\u00005', emptyArgs, wait]);
        const outcome = host.update('call_raw', new Uint8Array(arg));
        if (outcome === undefined || !('reply' in outcome)) throw new Error(`expected a reply, got ${JSON.stringify(outcome)}`);
        const [result] = IDL.decode([CallRawResult], outcome.reply);
        expect(result).toEqual({ Err: { InvalidArgument: { field: 'method', reason: 'must not contain a NUL character' } } });
        expect(names()).toEqual([]);
    });

    it('a NUL in the argument bytes is only payload', () => {
        const payload = new Uint8Array(IDL.encode([IDL.Text], ['echo\u00005']));
        const arg = IDL.encode(CALL_RAW_ARGS, [callee, 'echo', payload, { Unbounded: null }]);
        expect(host.update('call_raw', new Uint8Array(arg))).toBeUndefined();
        expect(names()).not.toContain('call_with_best_effort_response');
        expect(host.callSequence()[0].detail).toBe(`${callee.toText()} echo`);
    });
});
