import { Principal } from '@dfinity/principal';

import { textOf } from './ids.js';

export type Model = 'ingress' | 'guaranteed' | 'best-effort' | 'timer';

export type TraceOutcome =
    | { kind: 'pending' }
    | { kind: 'replied' }
    | { kind: 'rejected'; code: number; message: string }
    /** Best-effort: the deadline passed without a response; the caller got SYS_UNKNOWN. */
    | { kind: 'expired' }
    /** Fault injection dropped the request (never delivered) or the response (never seen). */
    | { kind: 'request dropped' }
    | { kind: 'response dropped' }
    /**
     * Best-effort: the request was still in the caller's output queue at its deadline; the system
     * answered SYS_TRANSIENT "Request timed out." and refunded every attached cycle.
     */
    | { kind: 'timed out in queue' };

/** One message and what became of it, in virtual time. */
export interface TraceEntry {
    readonly id: number;
    readonly model: Model;
    readonly from: string;
    readonly to: string;
    readonly method: string;
    /** ns since the epoch; 0 for guaranteed calls and ingress. */
    readonly deadline: bigint;
    readonly cycles: bigint;
    readonly sentAt: bigint;
    readonly sentRound: number;
    outcome: TraceOutcome;
    completedAt: bigint | undefined;
    /** A response that arrived after the caller stopped waiting (best-effort), dropped. */
    lateResponseDropped: boolean;
    /** When that late response arrived; undefined if none did. */
    lateResponseAt: bigint | undefined;
    /**
     * Best-effort: when the caller got SYS_UNKNOWN. Equals `completedAt` for an `expired` outcome;
     * after a dropped request or response the outcome names the drop and this says when the caller learnt.
     */
    sysUnknownAt: bigint | undefined;
    /** Cycles the callback saw refunded (msg_cycles_refunded). */
    refunded: bigint;
    /**
     * Cycles credited to the caller later, with no callback: the refund of a late response or of
     * a dropped or expired message (the current replica; the older one lost them).
     */
    creditedLater: bigint;
    creditedAt: bigint | undefined;
}

export class Trace {
    private readonly entries: TraceEntry[] = [];

    /** A copy for a forked subnet, and how its entries map to the originals (entries are mutable). */
    copy(): { trace: Trace; entry: (original: TraceEntry) => TraceEntry } {
        const trace = new Trace();
        for (const e of this.entries) trace.entries.push({ ...e });
        return { trace, entry: (original) => trace.entries[original.id] };
    }

    start(e: {
        model: Model;
        from: Principal | string;
        to: Principal;
        method: string;
        deadline: bigint;
        cycles: bigint;
        time: bigint;
        round: number;
    }): TraceEntry {
        const entry: TraceEntry = {
            id: this.entries.length,
            model: e.model,
            from: typeof e.from === 'string' ? e.from : textOf(e.from),
            to: textOf(e.to),
            method: e.method,
            deadline: e.deadline,
            cycles: e.cycles,
            sentAt: e.time,
            sentRound: e.round,
            outcome: { kind: 'pending' },
            completedAt: undefined,
            lateResponseDropped: false,
            lateResponseAt: undefined,
            sysUnknownAt: undefined,
            refunded: 0n,
            creditedLater: 0n,
            creditedAt: undefined
        };
        this.entries.push(entry);
        return entry;
    }

    complete(entry: TraceEntry, outcome: TraceOutcome, time: bigint, refunded = 0n): void {
        if (entry.outcome.kind !== 'pending') return;
        entry.outcome = outcome;
        entry.completedAt = time;
        entry.refunded = refunded;
    }

    all(): readonly TraceEntry[] {
        return this.entries;
    }
}
