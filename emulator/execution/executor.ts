import { Principal } from '@dfinity/principal';

import { HostTrap } from '../errors';
import { Canister } from '../subnet/canister';
import { undoStableWrites } from '../system_api/stable';
import { Closure, Deadline, Response } from '../subnet/messages';
import { Context } from './contexts';
import { ExecutionState } from './execution_state';

/** What to execute: a method, a system hook, or a callback. */
export type Entry =
    | { kind: 'init' | 'post_upgrade'; arg: Uint8Array; caller: Principal }
    | { kind: 'pre_upgrade'; caller: Principal }
    | {
          kind: 'update' | 'replicated_query';
          method: string;
          arg: Uint8Array;
          caller: Principal;
          deadline: Deadline;
          availableCycles: bigint;
      }
    | { kind: 'query'; method: string; arg: Uint8Array; caller: Principal }
    | {
          kind: 'callback';
          closure: Closure;
          response: Response;
          refund: bigint;
          deadline: Deadline;
          availableCycles: bigint;
          responded: boolean;
          /** Who made the call this call context serves. */
          caller: Principal;
      }
    | { kind: 'cleanup'; closure: Closure; deadline: Deadline; responded: boolean; caller: Principal; rejectCode: number }
    /** System tasks see the management canister as their caller (spec: msg_caller). */
    | { kind: 'timer'; caller: Principal };

export interface Outcome {
    readonly state: ExecutionState;
    /** Set when the execution trapped: everything it did was rolled back. */
    readonly trap: string | undefined;
}

const EXPORT_PREFIX = {
    update: 'canister_update ',
    replicated_query: 'canister_query ',
    query: 'canister_query '
} as const;

/** The export an entry runs, or undefined for callbacks (called through the table). */
export function exportName(entry: Entry): string | undefined {
    switch (entry.kind) {
        case 'init':
            return 'canister_init';
        case 'post_upgrade':
            return 'canister_post_upgrade';
        case 'pre_upgrade':
            return 'canister_pre_upgrade';
        case 'timer':
            return 'canister_global_timer';
        case 'update':
        case 'replicated_query':
        case 'query':
            return EXPORT_PREFIX[entry.kind] + entry.method;
        default:
            return undefined;
    }
}

function contextOf(entry: Entry): Context {
    switch (entry.kind) {
        case 'init':
        case 'post_upgrade':
            return 'I';
        case 'pre_upgrade':
            return 'G';
        case 'update':
            return 'U';
        case 'replicated_query':
            return 'RQ';
        case 'query':
            return 'NRQ';
        case 'callback':
            return 'reply' in entry.response ? 'Ry' : 'Rt';
        case 'cleanup':
            return 'C';
        case 'timer':
            return 'T';
    }
}

function stateFor(entry: Entry, canister: Canister, time: bigint): ExecutionState {
    const base = { time, balance: canister.cycles, caller: canister.id };
    switch (entry.kind) {
        case 'init':
        case 'post_upgrade':
            return new ExecutionState('I', { ...base, caller: entry.caller, arg: entry.arg });
        case 'pre_upgrade':
            return new ExecutionState('G', { ...base, caller: entry.caller });
        case 'update':
        case 'replicated_query':
            return new ExecutionState(contextOf(entry), {
                ...base,
                caller: entry.caller,
                arg: entry.arg,
                methodName: entry.method,
                // Queries see no deadline, even in replicated mode (spec: ic0.msg_deadline).
                deadline: entry.kind === 'update' ? entry.deadline : 0n,
                availableCycles: entry.availableCycles
            });
        case 'query':
            return new ExecutionState('NRQ', { ...base, caller: entry.caller, arg: entry.arg, methodName: entry.method });
        case 'callback': {
            const r = entry.response;
            return new ExecutionState(contextOf(entry), {
                ...base,
                caller: entry.caller,
                arg: 'reply' in r ? r.reply : undefined,
                rejectCode: 'reply' in r ? 0 : r.reject.code,
                rejectMessage: 'reply' in r ? undefined : r.reject.message,
                deadline: entry.deadline,
                refunded: entry.refund,
                availableCycles: entry.availableCycles,
                responded: entry.responded
            });
        }
        case 'cleanup':
            return new ExecutionState('C', {
                ...base,
                caller: entry.caller,
                deadline: entry.deadline,
                responded: entry.responded,
                rejectCode: entry.rejectCode
            });
        case 'timer':
            return new ExecutionState('T', { ...base, caller: entry.caller });
    }
}

/** Describes a trap the way the replica's reject messages do. */
function trapMessage(e: unknown): string {
    if (e instanceof HostTrap) return e.message;
    if (e instanceof WebAssembly.RuntimeError) return `Canister trapped: ${e.message}`;
    if (e instanceof RangeError) return `Canister trapped: stack overflow (${e.message})`;
    return `Canister trapped: ${e instanceof Error ? e.message : String(e)}`;
}

/**
 * Runs one message execution atomically: on a trap the canister's heap, globals and stable
 * memory return to what they were, and the returned state's effects must be discarded.
 * A non-replicated query's changes are always discarded. `trapAtEnd` (fault injection) makes an
 * execution that finished trap with that message, as one that ran out of instructions would.
 */
export function execute(canister: Canister, entry: Entry, time: bigint, trapAtEnd?: string): Outcome {
    const state = stateFor(entry, canister, time);
    const snapshot = canister.snapshot(true);
    canister.current = state;
    let trap: string | undefined;
    try {
        const name = exportName(entry);
        if (name !== undefined) canister.callExport(name);
        else if (entry.kind === 'callback' || entry.kind === 'cleanup') canister.callClosure(entry.closure.fun, entry.closure.env);
        if (state.call !== undefined) {
            state.spent -= state.call.cycles; // an unperformed call is discarded with its cycles
            state.call = undefined;
        }
        if (trapAtEnd !== undefined) throw new HostTrap(trapAtEnd);
    } catch (e) {
        trap = trapMessage(e);
    } finally {
        canister.current = undefined;
    }
    const discard = entry.kind === 'query' || entry.kind === 'replicated_query';
    if (trap !== undefined || discard) {
        canister.restore(snapshot);
        undoStableWrites(canister, state);
    }
    return { state, trap };
}
