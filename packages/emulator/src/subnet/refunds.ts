import { Principal } from '@dfinity/principal';

import { TraceEntry } from '../trace.js';
import { Subnet } from './subnet.js';

/**
 * Cycles of best-effort calls that the caller no longer waits for, under the generation's rule
 * (generations.ts, creditsUnacceptedBestEffortCycles). Dropped and expired messages go through
 * the refund pool: credited at the next round's induction. A late response is credited as it
 * arrives. Under the older rule both are lost.
 */

/** Cycles that come back to `to` through the refund pool, or are lost. */
export function refundLater(subnet: Subnet, to: Principal, amount: bigint, entry: TraceEntry | undefined): void {
    if (amount === 0n || !subnet.config.rules.creditsUnacceptedBestEffortCycles) return;
    subnet.refunds.push({ to, amount, entry });
}

/** Cycles a late response carries, credited to the caller at once with no callback, or lost. */
export function refundLateResponse(subnet: Subnet, to: Principal, amount: bigint, entry: TraceEntry | undefined): void {
    if (amount === 0n || !subnet.config.rules.creditsUnacceptedBestEffortCycles) return;
    credit(subnet, to, amount, entry);
}

/** Credits what the refund pool holds (the replica's stream induction of `Refund` messages). */
export function creditPendingRefunds(subnet: Subnet): void {
    for (const refund of subnet.refunds.splice(0)) credit(subnet, refund.to, refund.amount, refund.entry);
}

function credit(subnet: Subnet, to: Principal, amount: bigint, entry: TraceEntry | undefined): void {
    const canister = subnet.canister(to);
    if (canister === undefined) return; // "If the recipient is not found, the cycles are lost."
    canister.cycles += amount;
    if (entry !== undefined) {
        entry.creditedLater += amount;
        entry.creditedAt = subnet.time;
    }
}
