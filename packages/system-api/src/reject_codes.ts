/** Reject codes of the IC interface spec ("Reject codes"), with what each tells a caller. */
export const RejectCode = {
    /** Fatal system error; retrying is unlikely to help. The call did not run. */
    SysFatal: 1,
    /** Transient system error (e.g. a full queue). The call did not run; retry later. */
    SysTransient: 2,
    /** The destination canister does not exist. The call did not run. */
    DestinationInvalid: 3,
    /** The callee rejected explicitly (`ic0.msg_reject`). It ran; earlier awaits may have committed. */
    CanisterReject: 4,
    /** The callee trapped, has no such method, is stopped, or finished without replying. */
    CanisterError: 5,
    /** Best-effort only: the system stopped waiting (timeout or load). The call may or may not have run. */
    SysUnknown: 6
} as const;

export type RejectCode = (typeof RejectCode)[keyof typeof RejectCode];
