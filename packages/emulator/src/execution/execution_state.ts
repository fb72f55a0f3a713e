import { Principal } from '@dfinity/principal';

import { Closure, Deadline, Response } from '../subnet/messages.js';
import { StableMemory } from '../subnet/stable_memory.js';
import { Context } from './contexts.js';

/** A call being assembled between `ic0.call_new` and `ic0.call_perform`. */
export interface CallUnderConstruction {
    readonly callee: Principal;
    readonly method: string;
    readonly onReply: Closure;
    readonly onReject: Closure;
    onCleanup: Closure | undefined;
    /** Argument chunks appended so far (joined at call_perform). */
    arg: Uint8Array[];
    cycles: bigint;
    /** Seconds as given to call_with_best_effort_response, before clamping. */
    timeoutSeconds: number | undefined;
}

/** A call that `ic0.call_perform` accepted; it is sent only if the execution commits. */
export interface PerformedCall {
    readonly callee: Principal;
    readonly method: string;
    readonly arg: Uint8Array;
    readonly cycles: bigint;
    readonly onReply: Closure;
    readonly onReject: Closure;
    readonly onCleanup: Closure | undefined;
    readonly deadline: Deadline;
}

/**
 * Everything one message execution reads and writes through the System API. The executor
 * applies it to the canister only if the execution does not trap.
 */
export class ExecutionState {
    /** Reply data chunks appended so far. */
    readonly replyData: Uint8Array[] = [];
    response: Response | undefined;
    /** The call context had responded before this execution started. */
    readonly alreadyResponded: boolean;
    call: CallUnderConstruction | undefined;
    readonly performed: PerformedCall[] = [];
    accepted = 0n;
    /** Cycles spent from the balance by this execution (attached to calls, burnt). */
    spent = 0n;
    globalTimer: bigint | undefined;
    certifiedData: Uint8Array | undefined;
    messageAccepted = false;
    readonly debugLog: string[] = [];
    /**
     * Stable memory as it was before this execution first changed it, to put back on a trap.
     * A copy-on-write snapshot: it costs the pages this message writes, not the memory's size.
     */
    stableBefore: StableMemory | undefined;

    constructor(
        readonly context: Context,
        readonly init: {
            readonly time: bigint;
            readonly caller: Principal;
            readonly arg?: Uint8Array;
            readonly methodName?: string;
            readonly deadline?: Deadline;
            /** For callbacks: 0 for a reply, the code for a reject. */
            readonly rejectCode?: number;
            readonly rejectMessage?: string;
            /** Cycles the caller attached that are still available to accept. */
            readonly availableCycles?: bigint;
            /** For callbacks: cycles refunded by the callee. */
            readonly refunded?: bigint;
            readonly responded?: boolean;
            readonly balance: bigint;
            /** Instructions the call context's earlier executions used (ic0.performance_counter(1)). */
            readonly contextInstructions?: bigint;
        }
    ) {
        this.alreadyResponded = init.responded ?? false;
    }

    get responded(): boolean {
        return this.alreadyResponded || this.response !== undefined;
    }

    get available(): bigint {
        return (this.init.availableCycles ?? 0n) - this.accepted;
    }

    /** The balance as this execution sees it (a callback's refund is already in init.balance). */
    get balance(): bigint {
        return this.init.balance + this.accepted - this.spent;
    }
}

/** Joins appended chunks (msg_reply_data_append, call_data_append) into one byte array. */
export function concatChunks(chunks: readonly Uint8Array[]): Uint8Array {
    const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let offset = 0;
    for (const c of chunks) {
        out.set(c, offset);
        offset += c.length;
    }
    return out;
}
