import { IDL, isController, msgCaller, Principal, update } from 'azle';

import { Call, CallError, CallResult, describeCallError, errorClass } from '../lib';

const CallFailure = IDL.Record({
    class: IDL.Text,
    reject_code: IDL.Opt(IDL.Nat32),
    message: IDL.Text
});
type CallFailure = { class: string; reject_code: [] | [number]; message: string };

const Wait = IDL.Variant({
    Bounded: IDL.Record({ timeout_seconds: IDL.Nat32 }),
    Unbounded: IDL.Null
});
type Wait = { Bounded: { timeout_seconds: number } } | { Unbounded: null };

const EchoResult = IDL.Variant({ Ok: IDL.Text, Err: CallFailure });
type EchoResult = { Ok: string } | { Err: CallFailure };

const RawResult = IDL.Variant({ Ok: IDL.Vec(IDL.Nat8), Err: CallFailure });
type RawResult = { Ok: Uint8Array } | { Err: CallFailure };

/** Calls the untrusted callee with either response model. */
export default class {
    @update([IDL.Principal, IDL.Text, IDL.Nat32], EchoResult)
    async echo_bounded(callee: Principal, text: string, timeoutSeconds: number): Promise<EchoResult> {
        const call = Call.boundedWait(callee, 'echo')
            .changeTimeout(timeoutSeconds)
            .withArgs([IDL.Text], [text]);
        return toCandid(await call.call(IDL.Text));
    }

    @update([IDL.Principal, IDL.Text], EchoResult)
    async echo_unbounded(callee: Principal, text: string): Promise<EchoResult> {
        const call = Call.unboundedWait(callee, 'echo').withArgs([IDL.Text], [text]);
        return toCandid(await call.call(IDL.Text));
    }

    /** Any method of any canister, with raw Candid arguments: for the caller's controllers only. */
    @update([IDL.Principal, IDL.Text, IDL.Vec(IDL.Nat8), Wait], RawResult)
    async call_raw(callee: Principal, method: string, arg: Uint8Array, wait: Wait): Promise<RawResult> {
        if (!isController(msgCaller())) {
            throw new Error('call_raw: only a controller of this canister may call it');
        }
        const call =
            'Bounded' in wait
                ? Call.boundedWait(callee, method).changeTimeout(wait.Bounded.timeout_seconds)
                : Call.unboundedWait(callee, method);
        const result = await call.withRawArgs(arg).callRaw();
        return 'Ok' in result ? result : { Err: failure(result.Err) };
    }
}

function toCandid(result: CallResult<string>): EchoResult {
    return 'Ok' in result ? result : { Err: failure(result.Err) };
}

function failure(error: CallError): CallFailure {
    return {
        class: errorClass(error),
        reject_code: error.kind === 'CallRejected' ? [error.rejectCode] : [],
        message: describeCallError(error)
    };
}
