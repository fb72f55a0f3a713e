export { Call, type CallResult } from './call';
export { candidType } from './candid';
export { unsafeCandid } from './candid_guard';
export { msgDeadline, isBoundedWaitCall } from './deadline';
export { MissingRewriteError } from './rewrite_check';
export {
    type CallError,
    type CallErrorClass,
    describeCallError,
    errorClass,
    isCleanReject,
    isImmediatelyRetryable,
    isOutcomeUnknown,
    leaveCleanup,
    RejectCode,
    rejectCodeName
} from './errors';
export { clampTimeout, DEFAULT_CALL_TIMEOUT_SECONDS, MAX_CALL_TIMEOUT_SECONDS } from './timeout';
