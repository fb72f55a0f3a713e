import { RejectCode } from '../errors.js';
import { Outcome } from '../execution/executor.js';
import { didNotReply, ellipsizeReject, NO_RESPONSE, trapReject, trapRejectForCanister } from '../execution/user_errors.js';
import { Model } from '../trace.js';
import { Canister } from './canister.js';
import { CallContext, Callback, isBestEffort, Response, ResponseMessage } from './messages.js';
import { refundLater } from './refunds.js';
import { Subnet } from './subnet.js';
import { textOf } from '../ids.js';

/** The effects of a finished execution, and the messages they produce. One rule per function. */

export function finishIngress(subnet: Subnet, messageId: number, response: Response): void {
    subnet.ingress.set(messageId, { state: 'done', response });
    const entry = subnet.ingressTrace.get(messageId);
    if (entry !== undefined) subnet.trace.complete(entry, outcomeOf(response), subnet.time);
}

export function outcomeOf(response: Response) {
    return 'reply' in response
        ? ({ kind: 'replied' } as const)
        : ({ kind: 'rejected', code: response.reject.code, message: response.reject.message } as const);
}

export function recordLogs(subnet: Subnet, canister: Canister, outcome: Outcome): void {
    for (const line of outcome.state.debugLog) subnet.logs.push({ canister: canister.idText, time: subnet.time, line });
    if (outcome.trap !== undefined) subnet.logs.push({ canister: canister.idText, time: subnet.time, line: `[TRAP]: ${outcome.trap}` });
}

/** Applies a finished execution to the canister and the subnet (nothing of it if it trapped). */
export function commit(subnet: Subnet, canister: Canister, ctx: CallContext, outcome: Outcome, trap: string | undefined): void {
    recordLogs(subnet, canister, outcome);
    ctx.instructions += outcome.instructions;
    const s = outcome.state;
    if (outcome.trap === undefined) {
        canister.cycles = s.balance;
        ctx.availableCycles -= s.accepted;
        if (s.globalTimer !== undefined) canister.globalTimer = s.globalTimer;
        if (s.certifiedData !== undefined) canister.certifiedData = s.certifiedData;
        if (s.context !== 'RQ' && s.context !== 'NRQ') canister.version++;
        for (const call of s.performed) sendRequest(subnet, canister, ctx, call);
        if (s.response !== undefined) respond(subnet, canister, ctx, s.response);
    }
    finishContext(subnet, canister, ctx, trap);
}

/**
 * Registers the callback and puts the request in the caller's output queue; it is inducted into
 * the callee's input queue at the next induction (within the round, with inner rounds).
 */
function sendRequest(subnet: Subnet, canister: Canister, ctx: CallContext, call: Outcome['state']['performed'][number]): void {
    const callback: Callback = {
        id: subnet.newCallbackId(),
        owner: canister.id,
        callContextId: ctx.id,
        callee: call.callee,
        method: call.method,
        onReply: call.onReply,
        onReject: call.onReject,
        onCleanup: call.onCleanup,
        deadline: call.deadline,
        attachedCycles: call.cycles,
        moduleVersion: canister.moduleVersion
    };
    subnet.addCallback(callback);
    ctx.outstandingCallbacks++;
    const model: Model = isBestEffort(call.deadline) ? 'best-effort' : 'guaranteed';
    const entry = subnet.trace.start({ model, from: canister.id, to: call.callee, method: call.method, deadline: call.deadline, cycles: call.cycles, time: subnet.time, round: subnet.round });
    subnet.traces.set(callback.id, entry);
    if (isBestEffort(call.deadline) && subnet.faults.shouldDrop('request', { from: canister.idText, to: textOf(call.callee), method: call.method })) {
        // Never delivered: the callback expires at the deadline; the cycles come back (or not) as the generation says.
        subnet.trace.complete(entry, { kind: 'request dropped' }, subnet.time);
        refundLater(subnet, canister.id, call.cycles, entry);
        return;
    }
    subnet.outbox.push({
        kind: 'request',
        callbackId: callback.id,
        from: canister.id,
        to: call.callee,
        method: call.method,
        arg: call.arg,
        cycles: call.cycles,
        deadline: call.deadline,
        sentAt: subnet.time
    });
}

/** A response to a caller canister, into its input queue (unless fault injection drops it). */
export function sendResponse(subnet: Subnet, m: ResponseMessage): void {
    if (isBestEffort(m.deadline) && subnet.faults.shouldDrop('response', { from: textOf(m.from), to: textOf(m.to), method: subnet.callbacks.get(m.callbackId)?.method ?? '' })) {
        // "Outbound (best-effort) responses can be dropped with impunity": the caller's callback
        // expires; the refund it carried comes back (or not) as the generation says.
        const entry = subnet.traces.get(m.callbackId);
        if (entry !== undefined) subnet.trace.complete(entry, { kind: 'response dropped' }, subnet.time);
        refundLater(subnet, m.to, m.refund, entry);
        return;
    }
    subnet.answered.add(m.callbackId);
    subnet.queue.push(m);
}

function respond(subnet: Subnet, canister: Canister, ctx: CallContext, response: Response): void {
    ctx.responded = true;
    const refund = ctx.availableCycles; // cycles the callee did not accept go back with the response
    ctx.availableCycles = 0n;
    const origin = ctx.origin;
    if (origin.kind === 'ingress') finishIngress(subnet, origin.messageId, response);
    else if (origin.kind === 'canister') {
        // A reject reaches a canister cut to 8 KiB (RejectContext::new).
        const sent: Response = 'reject' in response ? { reject: { code: response.reject.code, message: ellipsizeReject(response.reject.message) } } : response;
        sendResponse(subnet, { kind: 'response', callbackId: origin.callbackId, to: origin.caller, from: canister.id, response: sent, refund, deadline: origin.deadline });
    }
}

/**
 * A call context that has not responded and has no outstanding calls can never respond: the system
 * rejects it (CANISTER_ERROR). A responded context with no outstanding calls is removed, which may
 * complete a pending stop.
 */
export function finishContext(subnet: Subnet, canister: Canister, ctx: CallContext, trap: string | undefined): void {
    if (!ctx.responded && ctx.outstandingCallbacks === 0) {
        const toCanister = ctx.origin.kind === 'canister';
        const message =
            trap !== undefined
                ? toCanister
                    ? trapRejectForCanister(canister.idText, trap)
                    : trapReject(canister.idText, trap)
                : toCanister
                  ? NO_RESPONSE
                  : didNotReply(canister.idText);
        respond(subnet, canister, ctx, Subnet.reject(RejectCode.CanisterError, message));
    }
    if (ctx.responded && ctx.outstandingCallbacks === 0) canister.callContexts.delete(ctx.id);
    completeStopIfDone(canister);
}

export function completeStopIfDone(canister: Canister): void {
    if (canister.status !== 'stopping' || canister.callContexts.size > 0) return;
    canister.status = 'stopped';
    canister.version++;
    for (const stop of canister.pendingStops.splice(0)) stop.respond('stopped');
}
