import { canisterSelf, setTimer, setTimerInterval, time } from 'azle';

import { Call, leaveCleanup } from '@response-models/bounded-wait';
import { TransferArg, TransferResult } from '../../ledger_mock/icrc1';
import { Journal } from './journal';
import { advance, fetchBlocks, LookupError, nextRequest, startLookup, StepOutcome } from './lookup';
import { AttemptOutcome, classify } from './outcome';
import { isTerminal, owner, TransferOp } from './types';

const MAX_BACKOFF_SECONDS = 60;
/** How often the sweeper looks for retries whose timer was lost and attempts whose callback was. */
export const SWEEP_INTERVAL_SECONDS = 60;
const SECOND = 1_000_000_000n;
/**
 * An attempt whose bounded call passed its deadline this long ago without the attempt recording
 * anything has lost its callback (the system answers by the first round past the deadline).
 */
const LOST_AFTER_DEADLINE = BigInt(SWEEP_INTERVAL_SECONDS) * SECOND;
/** The timeout of lookups made for a guaranteed-response transfer (they are reads: bounded). */
const LOOKUP_TIMEOUT_SECONDS = 60;

function backoffSeconds(attempt: number): number {
    return Math.min(2 ** Math.max(0, attempt - 1), MAX_BACKOFF_SECONDS);
}

/**
 * Drives transfer operations to a known outcome: one ledger call per attempt, identical
 * arguments every time, retries on timers with exponential backoff, and past ICRC-1's window a
 * lookup in the ledger's log that resumes where it stopped.
 *
 * At most one attempt owns an operation at any moment, by construction: an attempt takes the
 * operation by writing its number into the record (InFlight, in stable memory), re-reads the
 * record after every await and writes only while it still owns it (Journal.update). Another
 * attempt may take over only once the owner is known to be gone: its bounded call's deadline
 * passed a sweep ago without a word from it (its callback trapped, cleanup included), or an
 * upgrade cut it off (`loseAttemptsToUpgrade`). A lookup that is still making calls is never
 * taken over: every call it makes moves its deadline on.
 */
export class TransferDriver {
    private lastSweep = 0n;

    constructor(private readonly journal: Journal) {}

    /** Makes one attempt if the operation is unresolved and no attempt owns it. */
    async drive(id: bigint): Promise<TransferOp | undefined> {
        const op = this.journal.get(id);
        if (op === undefined || isTerminal(op.state) || 'Stuck' in op.state) return op;
        const now = time();
        const current = owner(op.state);
        if (current !== undefined) {
            if (!this.isLost(op, now)) return op;
            this.journal.endAttempt(op, current, now, 'lost: its callback never ran (a trap in it and in its cleanup)');
            this.journal.note(op, `attempt ${current}: lost, taken over`);
        }
        const attempt = op.attempts + 1;
        op.attempts = attempt;
        op.state = { InFlight: { attempt, call_deadline: [] } };
        this.journal.beginAttempt(op, attempt, now);
        this.journal.save(op);
        return this.run(id, attempt);
    }

    /**
     * After an upgrade the old module's continuations are gone: a response to a call made before
     * it reaches code that no longer knows the call (it traps, and is rolled back). Every attempt
     * that owned an operation is therefore over. A bounded one's successor waits until its call's
     * deadline has passed, so that no two calls of one operation are outstanding; a guaranteed
     * one's call may still reach the ledger, which deduplicates the successor's identical call.
     */
    loseAttemptsToUpgrade(): void {
        const now = time();
        for (const op of this.journal.unresolved()) {
            const attempt = owner(op.state);
            if (attempt === undefined || !('InFlight' in op.state)) continue;
            const deadline = op.state.InFlight.call_deadline[0];
            this.journal.endAttempt(op, attempt, now, 'lost: cut off by an upgrade of the caller');
            this.journal.note(op, `attempt ${attempt}: cut off by an upgrade`);
            const nextAt = deadline !== undefined && deadline + SECOND > now ? deadline + SECOND : now;
            op.state = { Retrying: { attempt, next_at: nextAt, last_error: 'the attempt was cut off by an upgrade; its outcome is unknown' } };
            this.journal.save(op);
        }
    }

    /** Schedules every unresolved operation again, each when it is due (after an upgrade, timers are gone). */
    resumeAll(): number {
        const now = time();
        const pending = this.journal.unresolved().filter((op) => !('Stuck' in op.state));
        for (const op of pending) {
            const wait = 'Retrying' in op.state && op.state.Retrying.next_at > now ? op.state.Retrying.next_at - now : 0n;
            this.schedule(op.id, Number((wait + SECOND - 1n) / SECOND));
        }
        return pending.length;
    }

    /**
     * A timer that fires while the canister is stopping is lost: the timer machinery's self-call
     * is rejected. The sweeper finds retries that are overdue by more than a sweep, and attempts
     * that lost their callback, and drives them.
     */
    startSweeper(): void {
        setTimerInterval(SWEEP_INTERVAL_SECONDS, () => {
            this.resumeOverdue(time());
        });
    }

    /** Sweeps unless a sweep ran within the last interval: cheap enough to call on every request. */
    sweepIfDue(now: bigint): void {
        if (now - this.lastSweep >= BigInt(SWEEP_INTERVAL_SECONDS) * SECOND) this.resumeOverdue(now);
    }

    resumeOverdue(now: bigint): number {
        this.lastSweep = now;
        const sweep = BigInt(SWEEP_INTERVAL_SECONDS) * SECOND;
        const overdue = this.journal.unresolved().filter(
            (op) =>
                'Pending' in op.state ||
                ('InFlight' in op.state && this.isLost(op, now)) ||
                ('Retrying' in op.state && op.state.Retrying.next_at + sweep < now)
        );
        for (const op of overdue) this.schedule(op.id, 0);
        return overdue.length;
    }

    /** The owner of an InFlight operation is gone: its bounded call ended long ago and it wrote nothing since. */
    private isLost(op: TransferOp, now: bigint): boolean {
        if (!('InFlight' in op.state)) return false;
        const deadline = op.state.InFlight.call_deadline[0];
        return deadline !== undefined && now > deadline + LOST_AFTER_DEADLINE;
    }

    private schedule(id: bigint, delaySeconds: number): void {
        setTimer(delaySeconds, async () => {
            // A client's resend or a controller's retry may have made the attempt this timer was
            // set for, and set its own timer: only the timer of the current schedule drives.
            const op = this.journal.get(id);
            if (op !== undefined && 'Retrying' in op.state && op.state.Retrying.next_at > time()) return;
            await this.drive(id);
        });
    }

    /**
     * Attempt `attempt` (which owns operation `id`): the transfer call, or the lookup it left off.
     * When a call's error comes in the cleanup callback (the code handling its reply trapped),
     * the attempt records it and ends the message without replying (leaveCleanup): a reply would
     * trap there and undo the record.
     */
    private async run(id: bigint, attempt: number): Promise<TransferOp | undefined> {
        let inCleanup = false;
        try {
            const start = this.journal.get(id);
            if (start !== undefined && start.lookup.length === 0) {
                const outcome = await this.callLedger(id, attempt);
                if (outcome === undefined) return this.journal.get(id); // taken over while waiting
                inCleanup = outcome.kind === 'retry' && outcome.inCleanup;
                const applied = this.journal.update(id, attempt, (op) => this.apply(op, attempt, outcome));
                if (applied !== undefined && outcome.kind === 'too old') await this.lookUp(id, attempt);
            } else {
                await this.lookUp(id, attempt);
            }
        } catch (e) {
            // A trap here would undo this message and leave the attempt owning the operation until
            // it counts as lost: record the failure instead.
            inCleanup = e instanceof LookupError && e.inCleanup;
            this.journal.update(id, attempt, (op) => this.retryLater(op, attempt, `attempt ${attempt}: ${e instanceof Error ? e.message : String(e)}`));
        }
        return this.finish(id, attempt, inCleanup);
    }

    /** Schedules the next attempt if this one ended in Retrying; returns the record as it is. */
    private finish(id: bigint, attempt: number, inCleanup = false): TransferOp | undefined {
        const op = this.journal.get(id);
        if (op !== undefined && 'Retrying' in op.state && op.state.Retrying.attempt === attempt) {
            this.schedule(id, backoffSeconds(attempt));
        }
        if (inCleanup) leaveCleanup();
        return op;
    }

    /** The transfer call, with the deadline written first; undefined if another attempt took over meanwhile. */
    private async callLedger(id: bigint, attempt: number): Promise<AttemptOutcome | undefined> {
        const op = this.journal.update(id, attempt, (o) => this.beforeCall(o, 'Bounded' in o.model ? o.model.Bounded.timeout_seconds : undefined));
        if (op === undefined) return undefined;
        const arg: TransferArg = {
            from_subaccount: [],
            to: op.to,
            amount: op.amount,
            fee: [],
            memo: [op.memo],
            created_at_time: [op.created_at_time]
        };
        const call =
            'Bounded' in op.model
                ? Call.boundedWait(op.ledger, 'icrc1_transfer').changeTimeout(op.model.Bounded.timeout_seconds)
                : Call.unboundedWait(op.ledger, 'icrc1_transfer');
        return classify(await call.withArgs([TransferArg], [arg]).call(TransferResult));
    }

    /** Counts the call and records when it will have ended (bounded waits), before it is made. */
    private beforeCall(op: TransferOp, timeoutSeconds: number | undefined): void {
        this.journal.countCall(op);
        if ('InFlight' in op.state) {
            op.state.InFlight.call_deadline = timeoutSeconds === undefined ? [] : [time() + BigInt(timeoutSeconds) * SECOND];
        }
    }

    private apply(op: TransferOp, attempt: number, outcome: AttemptOutcome): void {
        switch (outcome.kind) {
            case 'committed':
                this.journal.noteLedgerLength(op.ledger, outcome.block + 1n);
                this.resolve(op, attempt, { Committed: { block: outcome.block } }, `committed in block ${outcome.block}`);
                return;
            case 'refused':
                this.resolve(op, attempt, { Failed: { error: outcome.error } }, `refused: ${outcome.error}`);
                return;
            case 'too old':
                this.journal.note(op, `attempt ${attempt}: TooOld, looking the transfer up`);
                op.lookup = [startLookup(op)];
                return;
            case 'retry':
                if ('Unbounded' in op.model && !outcome.maybeExecuted) {
                    // A guaranteed response that proves nothing moved: not executed, or the ledger's
                    // message trapped (rolled back) or rejected. Final.
                    this.resolve(op, attempt, { Failed: { error: outcome.error } }, outcome.error);
                } else {
                    this.retryLater(op, attempt, `attempt ${attempt}: ${outcome.error}`);
                }
                return;
        }
    }

    private resolve(op: TransferOp, attempt: number, state: { Committed: { block: bigint } } | { Failed: { error: string } }, line: string): void {
        const now = time();
        op.state = state;
        op.resolved_at = [now];
        this.journal.note(op, `attempt ${attempt}: ${line}`);
        this.journal.endAttempt(op, attempt, now, line);
    }

    /** Another attempt after the backoff, or Stuck once the attempts are spent. */
    private retryLater(op: TransferOp, attempt: number, error: string): void {
        const now = time();
        this.journal.note(op, error);
        this.journal.endAttempt(op, attempt, now, error);
        if (attempt >= op.attempt_limit) {
            op.state = { Stuck: { last_error: error } };
        } else {
            op.state = { Retrying: { attempt, next_at: now + BigInt(backoffSeconds(attempt)) * SECOND, last_error: error } };
        }
    }

    /**
     * Past ICRC-1's window the ledger answers TooOld whether or not it has the transfer, and can no
     * longer commit it: a lookup in the block log settles the outcome for good. One call per step;
     * the progress is written after each, so a failed call is retried from there by the next attempt.
     */
    private async lookUp(id: bigint, attempt: number): Promise<void> {
        const self = canisterSelf();
        for (;;) {
            const timeout = (op: TransferOp) => ('Bounded' in op.model ? op.model.Bounded.timeout_seconds : LOOKUP_TIMEOUT_SECONDS);
            const before = this.journal.update(id, attempt, (o) => this.beforeCall(o, timeout(o)));
            if (before === undefined || before.lookup[0] === undefined) return;
            const request = nextRequest(before, before.lookup[0]);
            const reply = await fetchBlocks(request, timeout(before));
            let outcome: StepOutcome = { kind: 'continue' };
            const after = this.journal.update(id, attempt, (op) => {
                const progress = op.lookup[0];
                if (progress === undefined) return;
                outcome = advance(op, progress, request, reply, self);
                const length = progress.log_length[0];
                if (length !== undefined) this.journal.noteLedgerLength(op.ledger, length);
                if (outcome.kind === 'found') {
                    this.resolve(op, attempt, { Committed: { block: outcome.block } }, `lookup: found in block ${outcome.block} after ${progress.calls} calls`);
                } else if (outcome.kind === 'absent') {
                    this.resolve(op, attempt, { Failed: { error: 'TooOld: not on the ledger, and it can no longer be' } }, `lookup: not on the ledger (${progress.calls} calls)`);
                }
            });
            if (after === undefined || outcome.kind !== 'continue') return;
        }
    }
}
