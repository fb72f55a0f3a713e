import { Principal } from '@dfinity/principal';

import { RejectCode } from '../errors';
import { MANAGEMENT_CANISTER } from '../ids';
import { Entry, execute, Outcome } from '../execution/executor';
import { didNotReply, NO_RESPONSE, trapReject } from '../execution/user_errors';
import { Model } from '../trace';
import { Canister } from './canister';
import { CallContext, Callback, Deadline, deadlinePassed, IngressMessage, isBestEffort, RequestMessage, Response, ResponseMessage } from './messages';
import { Subnet } from './subnet';

/**
 * The message life cycle of the interface spec, one rule per function: ingress and request
 * delivery, response delivery (with callback expiry and late responses), timers, and the
 * commit of an execution's effects. Everything is synchronous and deterministic.
 */

/**
 * The reject a best-effort caller receives when its deadline passes without a response: the
 * replica's own text (dfinity/ic, rs/replicated_state, SystemState::time_out_callbacks tests).
 */
export const DEADLINE_EXPIRED_MESSAGE = 'Call deadline has expired.';

/** The trap a fault-injected callback (Faults.trapCallbacks) ends with. */
const INJECTED_CALLBACK_TRAP = 'injected fault: the callback trapped';

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

/** One round: advance time, fire due timers, expire best-effort callbacks, execute queued messages. */
export function runRound(subnet: Subnet): void {
    subnet.round++;
    subnet.time += subnet.config.roundStepNs;
    fireTimers(subnet);
    expireCallbacks(subnet);
    expireStopRequests(subnet);
    const batch = subnet.queue;
    subnet.queue = [];
    const waiting = [];
    let executed = 0;
    for (const message of batch) {
        const target = subnet.canister(message.to);
        const unresponsive = target !== undefined && target.unresponsiveUntilRound >= subnet.round;
        if (executed >= subnet.config.maxMessagesPerRound || unresponsive) {
            waiting.push(message);
            continue;
        }
        executed++;
        deliver(subnet, message);
    }
    // Messages produced during this round run in later rounds, after the ones still waiting.
    subnet.queue = [...waiting, ...subnet.queue];
}

/** Nothing queued and no timer due: further rounds would only advance time. */
export function isIdle(subnet: Subnet): boolean {
    return subnet.queue.length === 0;
}

function deliver(subnet: Subnet, message: IngressMessage | RequestMessage | ResponseMessage): void {
    if (message.kind === 'ingress') deliverIngress(subnet, message);
    else if (message.kind === 'request') deliverRequest(subnet, message);
    else deliverResponse(subnet, message);
}

function finishIngress(subnet: Subnet, messageId: number, response: Response): void {
    subnet.ingress.set(messageId, { state: 'done', response });
    const entry = subnet.ingressTrace.get(messageId);
    if (entry !== undefined) subnet.trace.complete(entry, outcomeOf(response), subnet.time);
}

function outcomeOf(response: Response) {
    return 'reply' in response
        ? ({ kind: 'replied' } as const)
        : ({ kind: 'rejected', code: response.reject.code, message: response.reject.message } as const);
}

/** Why a canister cannot take a call to `method`, or which entry point serves it. */
function route(subnet: Subnet, to: Principal, method: string): { canister: Canister; kind: 'update' | 'replicated_query' } | Response {
    const canister = subnet.canister(to);
    if (canister === undefined) return Subnet.reject(RejectCode.DestinationInvalid, `Canister ${to.toText()} not found`);
    if (canister.status !== 'running') {
        return Subnet.reject(RejectCode.CanisterError, `Canister ${to.toText()} is ${canister.status}`);
    }
    if (canister.installed === undefined) {
        return Subnet.reject(RejectCode.CanisterError, `Canister ${to.toText()} has no Wasm module installed`);
    }
    if (canister.hasExport(`canister_update ${method}`)) return { canister, kind: 'update' };
    if (canister.hasExport(`canister_query ${method}`)) return { canister, kind: 'replicated_query' };
    return Subnet.reject(RejectCode.CanisterError, `Canister ${to.toText()} has no update method '${method}'`);
}

function deliverIngress(subnet: Subnet, m: IngressMessage): void {
    subnet.ingress.set(m.messageId, { state: 'processing' });
    const builtin = subnet.builtinAt(m.to);
    if (builtin !== undefined) {
        builtin.handle(subnet, m.sender, m.method, m.arg, 0n, (r) => finishIngress(subnet, m.messageId, r));
        return;
    }
    const target = route(subnet, m.to, m.method);
    if (!('canister' in target)) return finishIngress(subnet, m.messageId, target);
    const ctx = subnet.newCallContext(target.canister, { kind: 'ingress', messageId: m.messageId, sender: m.sender }, 0n);
    runAndCommit(subnet, target.canister, ctx, {
        kind: target.kind,
        method: m.method,
        arg: m.arg,
        caller: m.sender,
        deadline: 0n,
        availableCycles: 0n
    });
}

function deliverRequest(subnet: Subnet, m: RequestMessage): void {
    // A best-effort request past its deadline is dropped; its caller has been (or will be) told SYS_UNKNOWN.
    if (deadlinePassed(m.deadline, subnet.time)) return;
    const respond = (response: Response, refund: bigint) =>
        sendResponse(subnet, { kind: 'response', callbackId: m.callbackId, to: m.from, from: m.to, response, refund, deadline: m.deadline });
    const injected = subnet.faults.systemReject({ from: m.from.toText(), to: m.to.toText(), method: m.method });
    if (injected !== undefined) return respond({ reject: injected }, m.cycles);
    const builtin = subnet.builtinAt(m.to);
    if (builtin !== undefined) {
        builtin.handle(subnet, m.from, m.method, m.arg, m.cycles, respond);
        return;
    }
    const target = route(subnet, m.to, m.method);
    if (!('canister' in target)) return respond(target, m.cycles);
    const ctx = subnet.newCallContext(
        target.canister,
        { kind: 'canister', callbackId: m.callbackId, caller: m.from, deadline: m.deadline },
        m.cycles
    );
    runAndCommit(subnet, target.canister, ctx, {
        kind: target.kind,
        method: m.method,
        arg: m.arg,
        caller: m.from,
        deadline: m.deadline,
        availableCycles: m.cycles
    });
}

export function sendResponse(subnet: Subnet, m: ResponseMessage): void {
    if (isBestEffort(m.deadline) && subnet.faults.shouldDrop('response', { from: m.from.toText(), to: m.to.toText(), method: subnet.callbacks.get(m.callbackId)?.method ?? '' })) {
        const entry = subnet.traces.get(m.callbackId);
        if (entry !== undefined) subnet.trace.complete(entry, { kind: 'response dropped' }, subnet.time);
        return;
    }
    subnet.queue.push(m);
}

function deliverResponse(subnet: Subnet, m: ResponseMessage): void {
    const callback = subnet.callbacks.get(m.callbackId);
    const entry = subnet.traces.get(m.callbackId);
    if (callback === undefined) {
        // The caller already stopped waiting (best-effort deadline): the late response is dropped.
        if (entry !== undefined) {
            entry.lateResponseDropped = true;
            entry.lateResponseAt = subnet.time;
        }
        return;
    }
    subnet.callbacks.delete(m.callbackId);
    subnet.expiring.delete(m.callbackId);
    if (entry !== undefined) {
        if (m.expired) entry.sysUnknownAt = subnet.time;
        subnet.trace.complete(entry, m.expired ? { kind: 'expired' } : outcomeOf(m.response), subnet.time, m.refund);
    }
    const canister = subnet.canister(callback.owner);
    if (canister === undefined) return;
    canister.cycles += m.refund;
    const ctx = canister.callContexts.get(callback.callContextId);
    if (ctx === undefined) return;
    ctx.outstandingCallbacks--;
    if (canister.installed === undefined) return finishContext(subnet, canister, ctx, undefined);
    const closure = 'reply' in m.response ? callback.onReply : callback.onReject;
    const caller = originCaller(ctx);
    const injected = subnet.faults.callbackTrap({ from: m.from.toText(), to: callback.owner.toText(), method: callback.method });
    const outcome = execute(
        canister,
        {
            kind: 'callback',
            closure,
            response: m.response,
            refund: m.refund,
            deadline: contextDeadline(ctx),
            availableCycles: ctx.availableCycles,
            responded: ctx.responded,
            caller
        },
        subnet.time,
        injected === undefined ? undefined : INJECTED_CALLBACK_TRAP
    );
    if (outcome.trap !== undefined && callback.onCleanup !== undefined) {
        // The reply or reject callback trapped: the system runs the cleanup callback (spec: ic0.call_on_cleanup).
        recordLogs(subnet, canister, outcome);
        const cleanup = execute(
            canister,
            {
                kind: 'cleanup',
                closure: callback.onCleanup,
                deadline: contextDeadline(ctx),
                responded: ctx.responded,
                caller,
                rejectCode: 'reply' in m.response ? 0 : m.response.reject.code
            },
            subnet.time,
            injected?.cleanupTraps === true ? INJECTED_CALLBACK_TRAP : undefined
        );
        commit(subnet, canister, ctx, cleanup, outcome.trap);
        return;
    }
    commit(subnet, canister, ctx, outcome, outcome.trap);
}

/**
 * Best-effort callbacks whose deadline has passed get a SYS_UNKNOWN reject, delivered this round.
 * "Passed" is strict and in whole seconds, as in the replica (a callback expires once its deadline
 * is before the current time floored to the second; at the deadline itself it is still waiting).
 */
function expireCallbacks(subnet: Subnet): void {
    for (const callback of subnet.callbacks.values()) {
        if (!deadlinePassed(callback.deadline, subnet.time) || subnet.expiring.has(callback.id)) continue;
        subnet.expiring.add(callback.id);
        // Cycles attached to the call are not refunded (refund 0).
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

function fireTimers(subnet: Subnet): void {
    for (const canister of subnet.canisters.values()) {
        if (canister.status !== 'running' || canister.installed === undefined || canister.globalTimer === 0n) continue;
        if (subnet.time < canister.globalTimer || canister.unresponsiveUntilRound >= subnet.round) continue;
        if (!canister.hasExport('canister_global_timer')) continue;
        canister.globalTimer = 0n; // a timer fires once
        const ctx = subnet.newCallContext(canister, { kind: 'system' }, 0n, true);
        const entry = subnet.trace.start({ model: 'timer', from: 'system', to: canister.id, method: 'canister_global_timer', deadline: 0n, cycles: 0n, time: subnet.time, round: subnet.round });
        const outcome = execute(canister, { kind: 'timer', caller: MANAGEMENT_CANISTER }, subnet.time);
        subnet.trace.complete(entry, outcome.trap === undefined ? { kind: 'replied' } : { kind: 'rejected', code: RejectCode.CanisterError, message: outcome.trap }, subnet.time);
        commit(subnet, canister, ctx, outcome, outcome.trap);
    }
}

/**
 * What `ic0.msg_deadline` returns in a call context's callbacks: the deadline of the call that
 * opened the context, not of the call being answered (spec: "for update methods and their
 * callbacks"; the replica returns the call context's deadline).
 */
function contextDeadline(ctx: CallContext): Deadline {
    return ctx.origin.kind === 'canister' ? ctx.origin.deadline : 0n;
}

/** The principal that made the call a call context serves; system tasks answer to the management canister. */
function originCaller(ctx: CallContext): Principal {
    const origin = ctx.origin;
    return origin.kind === 'ingress' ? origin.sender : origin.kind === 'canister' ? origin.caller : MANAGEMENT_CANISTER;
}

function runAndCommit(subnet: Subnet, canister: Canister, ctx: CallContext, entry: Entry): void {
    const outcome = execute(canister, entry, subnet.time);
    commit(subnet, canister, ctx, outcome, outcome.trap);
}

function recordLogs(subnet: Subnet, canister: Canister, outcome: Outcome): void {
    for (const line of outcome.state.debugLog) subnet.logs.push({ canister: canister.idText, time: subnet.time, line });
    if (outcome.trap !== undefined) subnet.logs.push({ canister: canister.idText, time: subnet.time, line: `[TRAP]: ${outcome.trap}` });
}

/** Applies a finished execution to the canister and the subnet (nothing of it if it trapped). */
export function commit(subnet: Subnet, canister: Canister, ctx: CallContext, outcome: Outcome, trap: string | undefined): void {
    recordLogs(subnet, canister, outcome);
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
    subnet.callbacks.set(callback.id, callback);
    ctx.outstandingCallbacks++;
    const model: Model = isBestEffort(call.deadline) ? 'best-effort' : 'guaranteed';
    const entry = subnet.trace.start({ model, from: canister.id, to: call.callee, method: call.method, deadline: call.deadline, cycles: call.cycles, time: subnet.time, round: subnet.round });
    subnet.traces.set(callback.id, entry);
    if (isBestEffort(call.deadline) && subnet.faults.shouldDrop('request', { from: canister.idText, to: call.callee.toText(), method: call.method })) {
        subnet.trace.complete(entry, { kind: 'request dropped' }, subnet.time);
        return; // never delivered: the callback expires at the deadline; the cycles are lost
    }
    subnet.queue.push({
        kind: 'request',
        callbackId: callback.id,
        from: canister.id,
        to: call.callee,
        method: call.method,
        arg: call.arg,
        cycles: call.cycles,
        deadline: call.deadline
    });
}

function respond(subnet: Subnet, canister: Canister, ctx: CallContext, response: Response): void {
    ctx.responded = true;
    const refund = ctx.availableCycles; // cycles the callee did not accept go back with the response
    ctx.availableCycles = 0n;
    const origin = ctx.origin;
    if (origin.kind === 'ingress') finishIngress(subnet, origin.messageId, response);
    else if (origin.kind === 'canister') {
        sendResponse(subnet, { kind: 'response', callbackId: origin.callbackId, to: origin.caller, from: canister.id, response, refund, deadline: origin.deadline });
    }
}

/**
 * A call context that has not responded and has no outstanding calls can never respond: the system
 * rejects it (CANISTER_ERROR). A responded context with no outstanding calls is removed, which may
 * complete a pending stop.
 */
function finishContext(subnet: Subnet, canister: Canister, ctx: CallContext, trap: string | undefined): void {
    if (!ctx.responded && ctx.outstandingCallbacks === 0) {
        const message =
            trap !== undefined ? trapReject(canister.idText, trap) : ctx.origin.kind === 'canister' ? NO_RESPONSE : didNotReply(canister.idText);
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

/**
 * A stop_canister request not answered within the replica's timeout (5 minutes) fails with
 * SYS_TRANSIENT; the canister stays Stopping, and Stopped follows when its call contexts close.
 */
function expireStopRequests(subnet: Subnet): void {
    for (const canister of subnet.canisters.values()) {
        if (canister.pendingStops.length === 0) continue;
        const expired = canister.pendingStops.filter((stop) => subnet.time > stop.expiresAt);
        canister.pendingStops = canister.pendingStops.filter((stop) => subnet.time <= stop.expiresAt);
        for (const stop of expired) stop.respond('timed out');
    }
}
