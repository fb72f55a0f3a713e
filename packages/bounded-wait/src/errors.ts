/**
 * What can go wrong with an inter-canister call, shaped after ic-cdk 0.18's `CallFailed` /
 * `CallRejected` / `CandidDecodeFailed` so that IC developers recognise it. Every variant says
 * what the caller may safely do next; use `errorClass` or the predicates rather than raw codes.
 */

import { RejectCode } from '@response-models/system-api';

export { RejectCode };

export type CallError =
    /** Not enough liquid cycles to pay for the call and the attached cycles; nothing was sent. */
    | {
          kind: 'InsufficientLiquidCycleBalance';
          available: bigint;
          required: bigint;
      }
    /** `ic0.call_perform` refused to enqueue the call; nothing was sent. */
    | { kind: 'CallPerformFailed'; message: string }
    /** The call was sent and came back rejected. `rejectCode` is any code the system reports. */
    | { kind: 'CallRejected'; rejectCode: number; rejectMessage: string }
    /** The callee replied, but not with the expected Candid type. It ran. */
    | { kind: 'CandidDecodeFailed'; message: string }
    /**
     * The code handling this call's response trapped; the system then ran the cleanup callback,
     * in which this error is delivered. The response is lost: resolve the outcome by lookup.
     * The code that sees it runs in the cleanup callback, where it may record what happened
     * (stable memory, timers) but may not reply or call: end with `leaveCleanup()`.
     */
    | { kind: 'CleanupCallback'; message: string };

/**
 * What the caller may do next:
 * - `CleanReject`: the callee certainly did not execute the call. Safe to retry (maybe later).
 * - `OutcomeUnknown`: `SYS_UNKNOWN`; the callee may or may not have executed it. Look the result up,
 *   or retry with the same idempotency key; never retry a non-idempotent call blindly.
 * - `Failed`: the callee executed at least part of the call and then failed (reject, trap, bad
 *   reply), or the caller lost the response. State may have changed; retry only idempotent calls.
 */
export type CallErrorClass = 'CleanReject' | 'OutcomeUnknown' | 'Failed';

export function errorClass(error: CallError): CallErrorClass {
    if (isCleanReject(error)) return 'CleanReject';
    if (isOutcomeUnknown(error)) return 'OutcomeUnknown';
    return 'Failed';
}

/** The callee certainly did not execute the call (ic-cdk's `is_clean_reject`). */
export function isCleanReject(error: CallError): boolean {
    switch (error.kind) {
        case 'InsufficientLiquidCycleBalance':
        case 'CallPerformFailed':
            return true;
        case 'CallRejected':
            return (
                error.rejectCode === RejectCode.SysFatal ||
                error.rejectCode === RejectCode.SysTransient ||
                error.rejectCode === RejectCode.DestinationInvalid
            );
        default:
            return false;
    }
}

/** `SYS_UNKNOWN`: only a bounded-wait call can end like this. */
export function isOutcomeUnknown(error: CallError): boolean {
    return error.kind === 'CallRejected' && error.rejectCode === RejectCode.SysUnknown;
}

/**
 * Retrying at once may succeed (ic-cdk's `is_immediately_retryable`): `SYS_TRANSIENT` or
 * `SYS_UNKNOWN`. After `SYS_UNKNOWN`, retry only if the endpoint is idempotent.
 */
export function isImmediatelyRetryable(error: CallError): boolean {
    return (
        error.kind === 'CallRejected' &&
        (error.rejectCode === RejectCode.SysTransient ||
            error.rejectCode === RejectCode.SysUnknown)
    );
}

/** A one-line description for logs and reject messages. */
export function describeCallError(error: CallError): string {
    switch (error.kind) {
        case 'InsufficientLiquidCycleBalance':
            return `insufficient liquid cycle balance: available ${error.available}, required ${error.required}`;
        case 'CallPerformFailed':
            return `call_perform failed: ${error.message}`;
        case 'CallRejected':
            return `rejected with code ${error.rejectCode} (${rejectCodeName(error.rejectCode)}): ${error.rejectMessage}`;
        case 'CandidDecodeFailed':
            return `reply did not decode: ${error.message}`;
        case 'CleanupCallback':
            return `response lost in cleanup callback: ${error.message}`;
    }
}

/**
 * Ends a message that runs in a cleanup callback (after a CleanupCallback error) without
 * replying: a method that returned normally would reply, which traps in cleanup and undoes
 * whatever it recorded. Azle's runtime ends the message quietly when this value reaches it.
 */
export function leaveCleanup(): never {
    throw { type: 'CleanupCallback', rejectCode: 10_001, rejectMessage: 'executing within cleanup callback' };
}

export function rejectCodeName(code: number): string {
    const entry = Object.entries(RejectCode).find(([, value]) => value === code);
    return entry === undefined ? 'Unrecognized' : entry[0];
}

/**
 * Converts what Azle's `call()` throws into a CallError. Anything else (a programming error
 * in the caller) is rethrown unchanged.
 */
export function fromAzleCallError(thrown: unknown): CallError {
    if (typeof thrown !== 'object' || thrown === null || !('type' in thrown)) {
        throw thrown;
    }
    const fields = thrown as {
        type: unknown;
        message?: unknown;
        rejectCode?: unknown;
        rejectMessage?: unknown;
        available?: unknown;
        required?: unknown;
    };
    const message = typeof fields.message === 'string' ? fields.message : '';
    switch (fields.type) {
        case 'CallRejected':
            return {
                kind: 'CallRejected',
                rejectCode: Number(fields.rejectCode),
                rejectMessage: String(fields.rejectMessage ?? '')
            };
        case 'CallPerformFailed':
            return { kind: 'CallPerformFailed', message };
        case 'InsufficientLiquidCycleBalance':
            return {
                kind: 'InsufficientLiquidCycleBalance',
                available: BigInt(fields.available as bigint),
                required: BigInt(fields.required as bigint)
            };
        case 'CleanupCallback':
            return { kind: 'CleanupCallback', message };
        default:
            throw thrown;
    }
}
