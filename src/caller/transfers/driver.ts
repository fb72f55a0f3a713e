import { setTimer, setTimerInterval, time } from 'azle';

import { Call } from '../../lib';
import { TransferArg, TransferResult } from '../../ledger_mock/icrc1';
import { Journal } from './journal';
import { lookUp } from './lookup';
import { AttemptOutcome, classify } from './outcome';
import { isTerminal, TransferOp } from './types';

const MAX_BACKOFF_SECONDS = 60;
/** How often the sweeper looks for retries whose timer was lost. */
export const SWEEP_INTERVAL_SECONDS = 60;
const SECOND = 1_000_000_000n;
/** A bounded attempt (its call plus a lookup) is taken back after this many timeouts and a sweep. */
const STALE_ATTEMPT_TIMEOUTS = 10;

function backoffSeconds(attempt: number): number {
    return Math.min(2 ** Math.max(0, attempt - 1), MAX_BACKOFF_SECONDS);
}

/**
 * Drives transfer operations to a known outcome: one ledger call per attempt, identical
 * arguments every time, retries on timers with exponential backoff. At most one attempt per
 * operation is under way at any moment, whoever asks.
 */
export class TransferDriver {
    /**
     * Operations with an attempt under way, and when it began (heap: an upgrade happens only when
     * stopped, with none under way).
     */
    private readonly driving = new Map<string, bigint>();
    private lastSweep = 0n;

    constructor(private readonly journal: Journal) {}

    /** Makes one attempt if the operation is unresolved and nobody else is driving it. */
    async drive(id: bigint): Promise<TransferOp | undefined> {
        const key = id.toString();
        const op = this.journal.get(id);
        if (op === undefined || isTerminal(op.state) || 'Stuck' in op.state || this.driving.has(key)) return op;
        this.driving.set(key, time());
        try {
            return await this.attempt(op);
        } finally {
            this.driving.delete(key);
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
     * is rejected. The sweeper finds retries that are overdue by more than a sweep and runs them.
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
        const open = this.journal.unresolved();
        for (const op of open) {
            const began = this.driving.get(op.id.toString());
            // An attempt whose message trapped after its call left its mark in `driving` (the trap
            // undid the removal). A bounded attempt cannot legitimately last this long: take it back.
            // Should it still be running, the next attempt repeats the same transfer: deduplicated.
            if (began !== undefined && 'Bounded' in op.model && now - began > BigInt(STALE_ATTEMPT_TIMEOUTS * op.model.Bounded.timeout_seconds) * SECOND + sweep) {
                this.driving.delete(op.id.toString());
            }
        }
        const overdue = open
            .filter((op) => !this.driving.has(op.id.toString()))
            .filter(
                (op) =>
                    'Pending' in op.state ||
                    'InFlight' in op.state ||
                    ('Retrying' in op.state && op.state.Retrying.next_at + sweep < now)
            );
        for (const op of overdue) this.schedule(op.id, 0);
        return overdue.length;
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

    private async attempt(op: TransferOp): Promise<TransferOp> {
        const attempt = op.attempts + 1;
        op.attempts = attempt;
        op.ledger_calls++;
        op.state = { InFlight: { attempt } };
        this.journal.save(op); // committed before the call goes out

        const outcome = await this.callLedger(op);
        const fresh = this.journal.get(op.id) ?? op;
        try {
            this.apply(fresh, outcome, time());
            if ('too old' === outcome.kind) await this.resolveTooOld(fresh);
        } catch (e) {
            // A trap here would undo this message and leave the operation InFlight: record instead.
            this.retryLater(fresh, `after attempt ${attempt}: ${String(e)}`);
        }
        this.journal.save(fresh);
        if ('Retrying' in fresh.state) this.schedule(fresh.id, backoffSeconds(attempt));
        return fresh;
    }

    private async callLedger(op: TransferOp): Promise<AttemptOutcome> {
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

    private apply(op: TransferOp, outcome: AttemptOutcome, now: bigint): void {
        const attempt = op.attempts;
        switch (outcome.kind) {
            case 'committed':
                op.state = { Committed: { block: outcome.block } };
                op.resolved_at = [now];
                this.journal.note(op, `attempt ${attempt}: committed in block ${outcome.block}`);
                return;
            case 'refused':
                op.state = { Failed: { error: outcome.error } };
                op.resolved_at = [now];
                this.journal.note(op, `attempt ${attempt}: refused: ${outcome.error}`);
                return;
            case 'too old':
                this.journal.note(op, `attempt ${attempt}: TooOld, looking the transfer up`);
                return;
            case 'retry':
                this.journal.note(op, `attempt ${attempt}: ${outcome.error}`);
                if ('Unbounded' in op.model && !outcome.maybeExecuted) {
                    // A guaranteed response that proves nothing moved: not executed, or the ledger's
                    // message trapped (rolled back) or rejected. Final.
                    op.state = { Failed: { error: outcome.error } };
                    op.resolved_at = [now];
                } else {
                    this.retryLater(op, outcome.error);
                }
        }
    }

    /** Another attempt after the backoff, or Stuck once the attempts are spent. */
    private retryLater(op: TransferOp, error: string): void {
        const attempt = op.attempts;
        if (attempt >= this.journal.settings.max_attempts) {
            op.state = { Stuck: { last_error: error } };
        } else {
            op.state = { Retrying: { attempt, next_at: time() + BigInt(backoffSeconds(attempt)) * SECOND, last_error: error } };
        }
    }

    /**
     * Past ICRC-1's window the ledger answers TooOld whether or not it has the transfer, and can no
     * longer commit it: a lookup in the block log settles the outcome for good.
     */
    private async resolveTooOld(op: TransferOp): Promise<void> {
        op.ledger_calls++;
        try {
            const block = await lookUp(op, 'Bounded' in op.model ? op.model.Bounded.timeout_seconds : 300);
            op.state = block === undefined ? { Failed: { error: 'TooOld: not on the ledger, and it can no longer be' } } : { Committed: { block } };
            op.resolved_at = [time()];
            this.journal.note(op, block === undefined ? 'lookup: not on the ledger' : `lookup: found in block ${block}`);
        } catch (e) {
            this.journal.note(op, String(e));
            this.retryLater(op, String(e));
        }
    }
}
