import { IDL, Principal, update } from 'azle';

import { Call, CallError, CallResult, describeCallError, errorClass } from '../lib';

const CallFailure = IDL.Record({
    class: IDL.Text,
    reject_code: IDL.Opt(IDL.Nat32),
    message: IDL.Text
});
type CallFailure = { class: string; reject_code: [] | [number]; message: string };

const EchoResult = IDL.Variant({ Ok: IDL.Text, Err: CallFailure });
type EchoResult = { Ok: string } | { Err: CallFailure };

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
