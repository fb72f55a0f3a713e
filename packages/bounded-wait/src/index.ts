export { Call, type CallResult } from './call.js';
export { candidType } from './candid.js';
export { unsafeCandid } from './candid_guard.js';
export { msgDeadline, isBoundedWaitCall } from './deadline.js';
export { MissingRewriteError } from './rewrite_check.js';
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
} from './errors.js';
export { clampTimeout, DEFAULT_CALL_TIMEOUT_SECONDS, MAX_CALL_TIMEOUT_SECONDS } from './timeout.js';
