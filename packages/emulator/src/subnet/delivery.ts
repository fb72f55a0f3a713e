import { Principal } from '@dfinity/principal';

import { RejectCode } from '../errors.js';
import { Entry, execute } from '../execution/executor.js';
import { MANAGEMENT_CANISTER, textOf } from '../ids.js';
import { Canister } from './canister.js';
import { commit, finishContext, finishIngress, outcomeOf, recordLogs, sendResponse } from './commit.js';
import { CallContext, Deadline, deadlinePassed, IngressMessage, Message, RequestMessage, Response, ResponseMessage } from './messages.js';
import { refundLater, refundLateResponse } from './refunds.js';
import { Subnet } from './subnet.js';

/**
 * Delivery of inducted messages to their receivers: ingress and request execution, response
 * delivery (with late responses), and the global timer. Each returns the instructions it used,
 * which the round charges to its budget.
 */

export function deliver(subnet: Subnet, message: Message): bigint {
    if (message.kind === 'ingress') return deliverIngress(subnet, message);
    if (message.kind === 'request') return deliverRequest(subnet, message);
    return deliverResponse(subnet, message);
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

function deliverIngress(subnet: Subnet, m: IngressMessage): bigint {
    subnet.ingress.set(m.messageId, { state: 'processing' });
    const builtin = subnet.builtinAt(m.to);
    if (builtin !== undefined) {
        builtin.handle(subnet, m.sender, m.method, m.arg, 0n, (r) => finishIngress(subnet, m.messageId, r));
        return 0n;
    }
    const target = route(subnet, m.to, m.method);
    if (!('canister' in target)) {
        finishIngress(subnet, m.messageId, target);
        return 0n;
    }
    const ctx = subnet.newCallContext(target.canister, { kind: 'ingress', messageId: m.messageId, sender: m.sender }, 0n);
    return runAndCommit(subnet, target.canister, ctx, {
        kind: target.kind,
        method: m.method,
        arg: m.arg,
        caller: m.sender,
        deadline: 0n,
        availableCycles: 0n
    });
}

function deliverRequest(subnet: Subnet, m: RequestMessage): bigint {
    // A best-effort request past its deadline is dropped from the callee's input queue; its caller
    // has been (or will be) told SYS_UNKNOWN, and its cycles come back (or not) as the generation says.
    if (deadlinePassed(m.deadline, subnet.time)) {
        refundLater(subnet, m.from, m.cycles, subnet.traces.get(m.callbackId));
        return 0n;
    }
    const respond = (response: Response, refund: bigint) =>
        sendResponse(subnet, { kind: 'response', callbackId: m.callbackId, to: m.from, from: m.to, response, refund, deadline: m.deadline });
    const injected = subnet.faults.systemReject({ from: textOf(m.from), to: textOf(m.to), method: m.method });
    if (injected !== undefined) {
        respond({ reject: injected }, m.cycles);
        return 0n;
    }
    const builtin = subnet.builtinAt(m.to);
    if (builtin !== undefined) {
        builtin.handle(subnet, m.from, m.method, m.arg, m.cycles, respond);
        return 0n;
    }
    const target = route(subnet, m.to, m.method);
    if (!('canister' in target)) {
        respond(target, m.cycles);
        return 0n;
    }
    const ctx = subnet.newCallContext(target.canister, { kind: 'canister', callbackId: m.callbackId, caller: m.from, deadline: m.deadline }, m.cycles);
    return runAndCommit(subnet, target.canister, ctx, {
        kind: target.kind,
        method: m.method,
        arg: m.arg,
        caller: m.from,
        deadline: m.deadline,
        availableCycles: m.cycles
    });
}

function deliverResponse(subnet: Subnet, m: ResponseMessage): bigint {
    const callback = subnet.callbacks.get(m.callbackId);
    const entry = subnet.traces.get(m.callbackId);
    if (callback === undefined) {
        // The callback took an earlier response (its SYS_UNKNOWN, for one): this one is late, dropped.
        if (entry !== undefined) {
            entry.lateResponseDropped = true;
            entry.lateResponseAt = subnet.time;
        }
        refundLateResponse(subnet, m.to, m.refund, entry);
        return 0n;
    }
    subnet.removeCallback(callback);
    if (entry !== undefined) {
        if (m.expired === true) entry.sysUnknownAt = subnet.time;
        subnet.trace.complete(entry, m.expired === true ? { kind: 'expired' } : outcomeOf(m.response), subnet.time, m.refund);
    }
    const canister = subnet.canister(callback.owner);
    if (canister === undefined) return 0n;
    canister.cycles += m.refund;
    const ctx = canister.callContexts.get(callback.callContextId);
    if (ctx === undefined) return 0n;
    ctx.outstandingCallbacks--;
    if (canister.installed === undefined) {
        finishContext(subnet, canister, ctx, undefined);
        return 0n;
    }
    const closure = 'reply' in m.response ? callback.onReply : callback.onReject;
    const caller = originCaller(ctx);
    const injected = subnet.faults.callbackTrap({ from: textOf(m.from), to: textOf(callback.owner), method: callback.method });
    // A callback and its cleanup share one message's instructions, and the callback may use all
    // but 5 % of them, kept for the cleanup (execution/response.rs,
    // RESERVED_CLEANUP_INSTRUCTIONS_IN_PERCENT); a trap still reports the whole limit.
    const limit = canister.limits.instructions.update;
    const contextBefore = ctx.instructions;
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
            caller,
            contextInstructions: ctx.instructions
        },
        subnet.time,
        { trapAtEnd: injected === undefined ? undefined : INJECTED_CALLBACK_TRAP, limit: limit - (limit * CLEANUP_RESERVE_PERCENT) / 100n }
    );
    if (outcome.trap !== undefined && callback.onCleanup !== undefined) {
        // The reply or reject callback trapped: the system runs the cleanup callback (spec:
        // ic0.call_on_cleanup). Its performance_counter(1) counts the context as it was before
        // the callback, whose work was undone (the replica passes the original total).
        recordLogs(subnet, canister, outcome);
        const cleanup = execute(
            canister,
            {
                kind: 'cleanup',
                closure: callback.onCleanup,
                deadline: contextDeadline(ctx),
                responded: ctx.responded,
                caller,
                rejectCode: 'reply' in m.response ? 0 : m.response.reject.code,
                contextInstructions: contextBefore
            },
            subnet.time,
            { trapAtEnd: injected?.cleanupTraps === true ? INJECTED_CALLBACK_TRAP : undefined, limit: limit - outcome.instructions }
        );
        ctx.instructions += outcome.instructions;
        // Both failed: the replica reports the two together (HypervisorError::Cleanup).
        const trap = cleanup.trap === undefined ? outcome.trap : `${outcome.trap}\n\ncall_on_cleanup also failed:\n\n${cleanup.trap}`;
        commit(subnet, canister, ctx, cleanup, trap);
        return outcome.instructions + cleanup.instructions;
    }
    commit(subnet, canister, ctx, outcome, outcome.trap);
    return outcome.instructions;
}

/** The trap a fault-injected callback (Faults.trapCallbacks) ends with. */
const INJECTED_CALLBACK_TRAP = 'Canister trapped: injected fault (Faults.trapCallbacks)';

/** The share of a callback's instructions kept for its cleanup. */
const CLEANUP_RESERVE_PERCENT = 5n;

/**
 * What every execution costs the round besides its own instructions: the replica's
 * INSTRUCTION_OVERHEAD_PER_EXECUTION, 2 M (dfinity/ic, rs/config/src/subnet_config.rs). It is what
 * bounds a round of executions that count few instructions, or none (without metering).
 */
export const EXECUTION_OVERHEAD = 2_000_000n;

/** Runs due global timers; returns what they cost the round (their instructions and overhead). */
export function fireTimers(subnet: Subnet): bigint {
    let used = 0n;
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
        used += outcome.instructions + EXECUTION_OVERHEAD;
    }
    return used;
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

function runAndCommit(subnet: Subnet, canister: Canister, ctx: CallContext, entry: Entry): bigint {
    const outcome = execute(canister, entry, subnet.time);
    commit(subnet, canister, ctx, outcome, outcome.trap);
    return outcome.instructions;
}
