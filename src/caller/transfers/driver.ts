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

function backoffSeconds(attempt: number): number {
    return Math.min(2 ** Math.max(0, attempt - 1), MAX_BACKOFF_SECONDS);
}

/**
 * Drives transfer operations to a known outcome: one ledger call per attempt, identical
 * arguments every time, retries on timers with exponential backoff. At most one attempt per
 * operation is under way at any moment, whoever asks.
 */
export class TransferDriver {
    /** Operations with an attempt under way (heap: an upgrade happens only when stopped, with none). */
    private readonly driving = new Set<string>();
    private lastSweep = 0n;

    constructor(private readonly journal: Journal) {}

    /** Makes one attempt if the operation is unresolved and nobody else is driving it. */
    async drive(id: bigint): Promise<TransferOp | undefined> {
        const key = id.toString();
        const op = this.journal.get(id);
        if (op === undefined || isTerminal(op.state) || 'Stuck' in op.state || this.driving.has(key)) return op;
        this.driving.add(key);
        try {
            return await this.attempt(op);
        } finally {
            this.driving.delete(key);
        }
    }

    /** Schedules every unresolved operation again (after an upgrade, timers are gone). */
    resumeAll(): number {
        const pending = this.journal.unresolved().filter((op) => !('Stuck' in op.state));
        for (const op of pending) this.schedule(op.id, 0);
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
        const overdue = this.journal
            .unresolved()
            .filter((op) => !this.driving.has(op.id.toString()))
            .filter((op) => 'Pending' in op.state || ('Retrying' in op.state && op.state.Retrying.next_at + BigInt(SWEEP_INTERVAL_SECONDS) * SECOND < now));
        for (const op of overdue) this.schedule(op.id, 0);
        return overdue.length;
    }

    private schedule(id: bigint, delaySeconds: number): void {
        setTimer(delaySeconds, async () => {
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
        const now = time();
        const fresh = this.journal.get(op.id) ?? op;
        this.apply(fresh, outcome, now);
        if ('too old' === outcome.kind) await this.resolveTooOld(fresh);
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
                if ('Unbounded' in op.model) {
                    // A guaranteed response is final: the ledger trapped or the call was never executed.
                    op.state = { Failed: { error: outcome.error } };
                    op.resolved_at = [now];
                } else if (attempt >= this.journal.settings.max_attempts) {
                    op.state = { Stuck: { last_error: outcome.error } };
                } else {
                    op.state = { Retrying: { attempt, next_at: now + BigInt(backoffSeconds(attempt)) * 1_000_000_000n, last_error: outcome.error } };
                }
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
            const attempt = op.attempts;
            op.state = { Retrying: { attempt, next_at: time() + BigInt(backoffSeconds(attempt)) * 1_000_000_000n, last_error: String(e) } };
            this.journal.note(op, String(e));
        }
    }
}
