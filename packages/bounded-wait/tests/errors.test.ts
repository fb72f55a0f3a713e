/** The error taxonomy: what each failure lets the caller do next (ic-cdk 0.18's predicates). */
import {
    CallError,
    describeCallError,
    errorClass,
    fromAzleCallError,
    isCleanReject,
    isImmediatelyRetryable,
    isOutcomeUnknown,
    RejectCode
} from '../src/errors.js';
import { clampTimeout, MAX_CALL_TIMEOUT_SECONDS } from '../src/timeout.js';

const rejected = (rejectCode: number): CallError => ({ kind: 'CallRejected', rejectCode, rejectMessage: 'm' });

describe('reject codes', () => {
    it.each([
        [RejectCode.SysFatal, 'CleanReject', true, false, false],
        [RejectCode.SysTransient, 'CleanReject', true, false, true],
        [RejectCode.DestinationInvalid, 'CleanReject', true, false, false],
        [RejectCode.CanisterReject, 'Failed', false, false, false],
        [RejectCode.CanisterError, 'Failed', false, false, false],
        [RejectCode.SysUnknown, 'OutcomeUnknown', false, true, true],
        [7, 'Failed', false, false, false] // a code this library does not know: assume the worst
    ])('code %i: class %s, clean %s, unknown %s, retryable %s', (code, cls, clean, unknown, retryable) => {
        const e = rejected(code);
        expect(errorClass(e)).toBe(cls);
        expect(isCleanReject(e)).toBe(clean);
        expect(isOutcomeUnknown(e)).toBe(unknown);
        expect(isImmediatelyRetryable(e)).toBe(retryable);
    });
});

describe('other failures', () => {
    it.each<[CallError, string]>([
        [{ kind: 'InsufficientLiquidCycleBalance', available: 1n, required: 2n }, 'CleanReject'],
        [{ kind: 'CallPerformFailed', message: 'queue full' }, 'CleanReject'],
        [{ kind: 'CandidDecodeFailed', message: 'wrong type' }, 'Failed'],
        [{ kind: 'CleanupCallback', message: 'trap' }, 'Failed']
    ])('%j is %s and not immediately retryable', (e, cls) => {
        expect(errorClass(e)).toBe(cls);
        expect(isImmediatelyRetryable(e)).toBe(false);
        expect(describeCallError(e)).not.toBe('');
    });

    it('describes a reject with its code name', () => {
        expect(describeCallError(rejected(6))).toBe('rejected with code 6 (SysUnknown): m');
    });
});

describe('clampTimeout', () => {
    it.each([
        [0, 0],
        [1, 1],
        [300, 300],
        [301, MAX_CALL_TIMEOUT_SECONDS],
        [Number.MAX_SAFE_INTEGER, MAX_CALL_TIMEOUT_SECONDS]
    ])('%i s -> %i s', (input, expected) => expect(clampTimeout(input)).toBe(expected));

    it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses %d', (input) => {
        expect(() => clampTimeout(input)).toThrow(RangeError);
    });
});

describe('fromAzleCallError', () => {
    it('reads the error objects Azle 0.33 rejects with', () => {
        const azle = (fields: object) => Object.assign(new Error('x'), fields);
        expect(fromAzleCallError(azle({ type: 'CallRejected', rejectCode: 6, rejectMessage: 'timeout' }))).toEqual(
            { kind: 'CallRejected', rejectCode: 6, rejectMessage: 'timeout' }
        );
        expect(fromAzleCallError(azle({ type: 'CallPerformFailed' }))).toEqual({ kind: 'CallPerformFailed', message: 'x' });
        expect(fromAzleCallError(azle({ type: 'InsufficientLiquidCycleBalance', available: 1n, required: 5n }))).toEqual(
            { kind: 'InsufficientLiquidCycleBalance', available: 1n, required: 5n }
        );
        expect(fromAzleCallError(azle({ type: 'CleanupCallback', rejectCode: 10_001 }))).toMatchObject({
            kind: 'CleanupCallback'
        });
    });

    it('rethrows anything else: a programming error is not a call failure', () => {
        const bug = new TypeError('bug');
        expect(() => fromAzleCallError(bug)).toThrow(bug);
        expect(() => fromAzleCallError({ type: 'Other' })).toThrow();
    });
});
