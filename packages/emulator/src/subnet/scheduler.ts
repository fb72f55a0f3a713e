import { Principal } from '@dfinity/principal';

import { deliver, EXECUTION_OVERHEAD, fireTimers } from './delivery.js';
import { expireCallbacks, expireStopRequests, timeOutMessages } from './expiry.js';
import { creditPendingRefunds } from './refunds.js';
import { Subnet } from './subnet.js';

export { commit, completeStopIfDone, sendResponse } from './commit.js';
export { DEADLINE_EXPIRED_MESSAGE, REQUEST_TIMED_OUT_MESSAGE } from './expiry.js';

/**
 * The message life cycle of the interface spec, in the replica's order, one rule per function
 * (the rules themselves live in delivery.ts, commit.ts, expiry.ts and refunds.ts). Everything is
 * synchronous and deterministic.
 */


export function submitIngress(subnet: Subnet, sender: Principal, to: Principal, method: string, arg: Uint8Array): number {
    const messageId = subnet.newIngressId();
    subnet.ingress.set(messageId, { state: 'queued' });
    subnet.ingressTrace.set(
        messageId,
        subnet.trace.start({ model: 'ingress', from: sender, to, method, deadline: 0n, cycles: 0n, time: subnet.time, round: subnet.round })
    );
    subnet.queue.push({ kind: 'ingress', messageId, sender, to, method, arg });
    return messageId;
}

/**
 * One round (one batch, in the replica): time advances; the refund pool is credited; requests
 * that timed out in output queues are answered SYS_TRANSIENT, then expired callbacks SYS_UNKNOWN
 * (rs/messaging/src/state_machine.rs: time_out_messages, time_out_callbacks); last round's
 * raw_rand requests are answered; due timers fire; then inner rounds execute the queued messages
 * and induct the ones they produce, at the round's time, until none is left or the round's
 * instruction budget is spent (rs/execution_environment/src/scheduler.rs, inner_round). With
 * `innerRounds` off, one pass: a message produced in a round runs in the next.
 */
export function runRound(subnet: Subnet): void {
    subnet.round++;
    subnet.time += subnet.config.roundStepNs;
    creditPendingRefunds(subnet);
    timeOutMessages(subnet);
    expireCallbacks(subnet);
    expireStopRequests(subnet);
    for (const answer of subnet.postponed.splice(0)) answer();
    let budget = subnet.config.instructionsPerRound - fireTimers(subnet);
    for (;;) {
        induct(subnet);
        const pass = executePass(subnet, budget);
        budget -= pass.used;
        if (!subnet.config.innerRounds || pass.executed === 0 || budget <= 0n) break;
    }
    induct(subnet);
}

/** Nothing queued or postponed: further rounds would only advance time (and fire timers). */
export function isIdle(subnet: Subnet): boolean {
    return subnet.queue.length === 0 && subnet.outbox.length === 0 && subnet.postponed.length === 0 && subnet.refunds.length === 0;
}

/**
 * Moves requests from output queues into their receivers' input queues (the replica's
 * induct_messages_on_same_subnet), except to a congested canister, whose requests wait in their
 * senders' output queues and may time out there.
 */
function induct(subnet: Subnet): void {
    const kept = [];
    for (const m of subnet.outbox) {
        const target = subnet.canister(m.to);
        if (target !== undefined && target.congestedUntilRound >= subnet.round) kept.push(m);
        else subnet.queue.push(m);
    }
    subnet.outbox = kept;
}

/**
 * Executes the messages queued when the pass begins, in order, while the budget lasts; a message
 * for a canister that is unresponsive (fault injection) waits. Messages produced now wait for the
 * next pass.
 */
function executePass(subnet: Subnet, budget: bigint): { executed: number; used: bigint } {
    const batch = subnet.queue;
    subnet.queue = [];
    const waiting = [];
    let used = 0n;
    let executed = 0;
    for (const message of batch) {
        const target = subnet.canister(message.to);
        if (used >= budget || (target !== undefined && target.unresponsiveUntilRound >= subnet.round)) {
            waiting.push(message);
            continue;
        }
        executed++;
        used += deliver(subnet, message) + EXECUTION_OVERHEAD;
    }
    subnet.queue = [...waiting, ...subnet.queue];
    return { executed, used };
}
