import { Principal } from '@dfinity/principal';

/** A response as the spec models it: a reply with data, or a reject with code and message. */
export type Response = { reply: Uint8Array } | { reject: { code: number; message: string } };

/** `deadline` 0 means a guaranteed-response call; otherwise nanoseconds since the epoch. */
export type Deadline = bigint;

/** Who is waiting for a call context's response. */
export type CallOrigin =
    | { kind: 'ingress'; messageId: number; sender: Principal }
    | { kind: 'canister'; callbackId: number; caller: Principal; deadline: Deadline }
    /** Timers and other system tasks: nobody waits for a response. */
    | { kind: 'system' };

export interface CallContext {
    readonly id: number;
    readonly origin: CallOrigin;
    /** Cycles the caller attached that the callee has not accepted yet. */
    availableCycles: bigint;
    responded: boolean;
    /** Callbacks of this context still waiting for a response. */
    outstandingCallbacks: number;
    /** Instructions its executions used so far (ic0.performance_counter(1)). */
    instructions: bigint;
}

export interface Closure {
    readonly fun: number;
    readonly env: number;
}

export interface Callback {
    readonly id: number;
    /** The canister that made the call and will run the callback. */
    readonly owner: Principal;
    readonly callContextId: number;
    readonly callee: Principal;
    readonly method: string;
    readonly onReply: Closure;
    readonly onReject: Closure;
    readonly onCleanup: Closure | undefined;
    readonly deadline: Deadline;
    readonly attachedCycles: bigint;
    /**
     * The canister's code version when the call was made. Informational: as on the IC, a response
     * that arrives after an upgrade runs its callback on the new code (why one stops first).
     */
    readonly moduleVersion: number;
}

export interface RequestMessage {
    readonly kind: 'request';
    readonly callbackId: number;
    readonly from: Principal;
    readonly to: Principal;
    readonly method: string;
    readonly arg: Uint8Array;
    readonly cycles: bigint;
    readonly deadline: Deadline;
    /** When the request entered its sender's output queue (a guaranteed one times out there after REQUEST_LIFETIME). */
    readonly sentAt?: bigint;
}

export interface ResponseMessage {
    readonly kind: 'response';
    readonly callbackId: number;
    /** The caller, who receives this response. */
    readonly to: Principal;
    readonly from: Principal;
    readonly response: Response;
    readonly refund: bigint;
    readonly deadline: Deadline;
    /** The system's SYS_UNKNOWN reject for a best-effort call whose deadline passed. */
    readonly expired?: true;
    /** The system's SYS_TRANSIENT reject for a request that timed out in the caller's output queue. */
    readonly timedOutInQueue?: true;
}

export interface IngressMessage {
    readonly kind: 'ingress';
    readonly messageId: number;
    readonly sender: Principal;
    readonly to: Principal;
    readonly method: string;
    readonly arg: Uint8Array;
}

export type Message = RequestMessage | ResponseMessage | IngressMessage;

export type IngressStatus =
    | { state: 'queued' }
    | { state: 'processing' }
    | { state: 'done'; response: Response };

export function isBestEffort(deadline: Deadline): boolean {
    return deadline !== 0n;
}

const SECOND = 1_000_000_000n;

/**
 * The replica keeps deadlines in whole seconds (CoarseTime::floor): a call's deadline is
 * floor(time + timeout), and a message or callback expires once its deadline is before the
 * current time floored the same way.
 */
export function coarseDeadline(timeNs: bigint, timeoutSeconds: number): Deadline {
    const exact = timeNs + BigInt(timeoutSeconds) * SECOND;
    return exact - (exact % SECOND);
}

/** True once `deadline` is before the current coarse time (a best-effort deadline has passed). */
export function deadlinePassed(deadline: Deadline, timeNs: bigint): boolean {
    return isBestEffort(deadline) && deadline < timeNs - (timeNs % SECOND);
}
