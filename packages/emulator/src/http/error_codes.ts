/**
 * The replica's error codes ("IC0xxx"), which it sends beside a reject code and message: in a
 * query's reject, in a call's non-replicated rejection, and at /request_status/<id>/error_code.
 * Numbers from dfinity/ic, rs/types/error_types/src/lib.rs (`ErrorCode`; the first digit is the
 * reject code). The emulator's rejects carry a code and a message; the error code is read back
 * from the message, whose wording follows the replica's.
 */
import { RejectCode } from '../errors.js';

export const ErrorCode = {
    StopCanisterRequestTimeout: 206,
    CanisterNotFound: 301,
    CanisterRejectedMessage: 406,
    CanisterTrapped: 502,
    CanisterCalledTrap: 503,
    CanisterDidNotReply: 506,
    CanisterStopped: 508,
    CanisterStopping: 509,
    CanisterStoppingCancelled: 511,
    CanisterInvalidController: 512,
    CanisterNonEmpty: 514,
    CanisterMethodNotFound: 536,
    CanisterWasmModuleNotFound: 537,
    DeadlineExpired: 601
} as const;

/** "IC0301" for 301 (ErrorCode's Display: `IC{:04}`). */
export const errorCodeText = (code: number) => `IC${code.toString().padStart(4, '0')}`;

const BY_MESSAGE: readonly [RegExp, number][] = [
    [/ not found$/, ErrorCode.CanisterNotFound],
    [/ has no (update|query) method '/, ErrorCode.CanisterMethodNotFound],
    [/ is stopped$/, ErrorCode.CanisterStopped],
    [/ is stopping$/, ErrorCode.CanisterStopping],
    [/no Wasm module/, ErrorCode.CanisterWasmModuleNotFound],
    [/ did not reply to the call$/, ErrorCode.CanisterDidNotReply],
    [/stop request timed out/, ErrorCode.StopCanisterRequestTimeout],
    [/stop request was cancelled/, ErrorCode.CanisterStoppingCancelled],
    [/^Only (the )?controllers of/, ErrorCode.CanisterInvalidController],
    [/cannot be installed because the canister is not empty/, ErrorCode.CanisterNonEmpty],
    [/Canister called `ic0\.trap`/, ErrorCode.CanisterCalledTrap]
];

/** The error code of a reject, by its code and message (the code's generic error where the message says no more). */
export function errorCodeOf(rejectCode: number, message: string): string {
    const known = BY_MESSAGE.find(([pattern, code]) => Math.floor(code / 100) === rejectCode && pattern.test(message));
    if (known !== undefined) return errorCodeText(known[1]);
    switch (rejectCode) {
        case RejectCode.CanisterReject:
            return errorCodeText(ErrorCode.CanisterRejectedMessage);
        case RejectCode.CanisterError:
            return errorCodeText(ErrorCode.CanisterTrapped);
        case RejectCode.DestinationInvalid:
            return errorCodeText(ErrorCode.CanisterNotFound);
        case RejectCode.SysUnknown:
            return errorCodeText(ErrorCode.DeadlineExpired);
        default:
            return errorCodeText(rejectCode * 100 + 1);
    }
}
