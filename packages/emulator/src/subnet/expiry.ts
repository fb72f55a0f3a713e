import { RejectCode } from '../errors.js';
import { deadlinePassed } from './messages.js';
import { refundLater } from './refunds.js';
import { Subnet } from './subnet.js';

/**
 * What the passing of time does at the start of a round, in the replica's order
 * (rs/messaging/src/state_machine.rs: time_out_messages, then time_out_callbacks).
 */

/**
 * The reject a best-effort caller receives when its deadline passes without a response: the
 * replica's own text (dfinity/ic, rs/replicated_state, SystemState::time_out_callbacks tests).
 */
export const DEADLINE_EXPIRED_MESSAGE = 'Call deadline has expired.';

/**
 * The reject for a best-effort request still in the caller's output queue at its deadline:
 * SYS_TRANSIENT with every attached cycle refunded, in both replica generations
 * (rs/replicated_state/src/canister_state/queues.rs, generate_timeout_response).
 */
export const REQUEST_TIMED_OUT_MESSAGE = 'Request timed out.';

/**
 * How long a guaranteed-response request may wait in its sender's output queue
 * (REQUEST_LIFETIME, rs/replicated_state/src/canister_state/queues/message_pool.rs).
 */
const REQUEST_LIFETIME_NS = 300n * 1_000_000_000n;

/**
 * Requests that waited too long: one still in its sender's output queue (a best-effort one past
 * its deadline, a guaranteed one after REQUEST_LIFETIME) is answered SYS_TRANSIENT with a full
 * refund; a best-effort one already in its receiver's input queue is dropped unseen, and its
 * cycles come back through the refund pool (or are lost) as the generation says (the replica's
 * time_out_messages and on_message_dropped).
 */
export function timeOutMessages(subnet: Subnet): void {
    subnet.queue = subnet.queue.filter((m) => {
        if (m.kind !== 'request' || !deadlinePassed(m.deadline, subnet.time)) return true;
        refundLater(subnet, m.from, m.cycles, subnet.traces.get(m.callbackId));
        return false;
    });
    const kept = [];
    for (const m of subnet.outbox) {
        const lifetimeOver = m.deadline === 0n && m.sentAt !== undefined && subnet.time > m.sentAt + REQUEST_LIFETIME_NS;
        if (!deadlinePassed(m.deadline, subnet.time) && !lifetimeOver) {
            kept.push(m);
            continue;
        }
        subnet.answered.add(m.callbackId); // a response is enqueued: the callback is not also timed out
        const entry = subnet.traces.get(m.callbackId);
        if (entry !== undefined) subnet.trace.complete(entry, { kind: 'timed out in queue' }, subnet.time, m.cycles);
        subnet.queue.push({
            kind: 'response',
            callbackId: m.callbackId,
            to: m.from,
            from: m.to,
            response: Subnet.reject(RejectCode.SysTransient, REQUEST_TIMED_OUT_MESSAGE),
            refund: m.cycles,
            deadline: m.deadline,
            timedOutInQueue: true
        });
    }
    subnet.outbox = kept;
}

/**
 * Best-effort callbacks whose deadline has passed get a SYS_UNKNOWN reject with no refund,
 * delivered this round. "Passed" is strict and in whole seconds, as in the replica (a callback
 * expires once its deadline is before the current time floored to the second).
 */
export function expireCallbacks(subnet: Subnet): void {
    for (const callback of subnet.callbacks.values()) {
        if (!deadlinePassed(callback.deadline, subnet.time) || subnet.answered.has(callback.id)) continue;
        subnet.answered.add(callback.id);
        subnet.queue.push({
            kind: 'response',
            callbackId: callback.id,
            to: callback.owner,
            from: callback.owner,
            response: Subnet.reject(RejectCode.SysUnknown, DEADLINE_EXPIRED_MESSAGE),
            refund: 0n,
            deadline: callback.deadline,
            expired: true
        });
    }
}

/**
 * A stop_canister request not answered within the replica's timeout (5 minutes) fails with
 * SYS_TRANSIENT; the canister stays Stopping, and Stopped follows when its call contexts close.
 */
export function expireStopRequests(subnet: Subnet): void {
    for (const canister of subnet.canisters.values()) {
        if (canister.pendingStops.length === 0) continue;
        const expired = canister.pendingStops.filter((stop) => subnet.time > stop.expiresAt);
        canister.pendingStops = canister.pendingStops.filter((stop) => subnet.time <= stop.expiresAt);
        for (const stop of expired) stop.respond('timed out');
    }
}
