import { Principal } from '@dfinity/principal';

import { HostTrap } from '../errors.js';
import { Canister } from '../subnet/canister.js';
import type { Limits } from '../system_api/index.js';
import { undoStableWrites } from '../system_api/stable.js';
import { Closure, Deadline, Response } from '../subnet/messages.js';
import { Context } from './contexts.js';
import { ExecutionState } from './execution_state.js';

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
          /** Instructions the call context used before (ic0.performance_counter(1)). */
          contextInstructions: bigint;
      }
    | { kind: 'cleanup'; closure: Closure; deadline: Deadline; responded: boolean; caller: Principal; rejectCode: number; contextInstructions: bigint }
    /** System tasks see the management canister as their caller (spec: msg_caller). */
    | { kind: 'timer'; caller: Principal }
    /** canister_inspect_message, for an ingress message before it is accepted. */
    | { kind: 'inspect'; method: string; arg: Uint8Array; caller: Principal };

export interface Outcome {
    readonly state: ExecutionState;
    /** Set when the execution trapped: everything it did was rolled back. */
    readonly trap: string | undefined;
    /** Instructions the execution used (0 for a module compiled without metering). */
    readonly instructions: bigint;
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
        case 'inspect':
            return 'canister_inspect_message';
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
        case 'inspect':
            return 'F';
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
                responded: entry.responded,
                contextInstructions: entry.contextInstructions
            });
        }
        case 'cleanup':
            return new ExecutionState('C', {
                ...base,
                caller: entry.caller,
                deadline: entry.deadline,
                responded: entry.responded,
                rejectCode: entry.rejectCode,
                contextInstructions: entry.contextInstructions
            });
        case 'timer':
            return new ExecutionState('T', { ...base, caller: entry.caller });
        case 'inspect':
            return new ExecutionState('F', { ...base, caller: entry.caller, arg: entry.arg, methodName: entry.method });
    }
}

/**
 * V8's names for wasm traps, as the replica's TrapCode displays them (dfinity/ic,
 * rs/interfaces/src/execution_environment/errors.rs); what it has no code for is "unknown".
 */
const TRAP_CODES: readonly [v8: string, replica: string][] = [
    ['unreachable', 'unreachable'],
    ['memory access out of bounds', 'heap out of bounds'],
    ['divide by zero', 'integer division by 0'],
    ['remainder by zero', 'integer division by 0'],
    ['table index is out of bounds', 'table out of bounds'],
    ['invalid index into function table', 'table out of bounds']
];

/**
 * Describes a trap the way the replica's HypervisorError does: "Canister trapped: <code>" for
 * wasm traps, and "Canister violated contract: ..." for a System API call the spec forbids.
 */
function trapMessage(e: unknown): string {
    if (e instanceof HostTrap) return e.message.startsWith('Canister ') ? e.message : `Canister violated contract: ${e.message}`;
    if (e instanceof WebAssembly.RuntimeError) {
        const code = TRAP_CODES.find(([v8]) => e.message.startsWith(v8))?.[1] ?? 'unknown';
        return `Canister trapped: ${code}`;
    }
    if (e instanceof RangeError) return 'Canister trapped: stack overflow';
    return `Canister trapped: ${e instanceof Error ? e.message : String(e)}`;
}

/**
 * The instructions one execution of `entry` may use (the replica's defaults: 40 B for updates,
 * callbacks and timers, 5 B for queries, replicated or not, 200 M for inspect_message, 300 B
 * for an install's hooks together; subnet_config.rs and execution_environment.rs in dfinity/ic
 * rs/config). A callback's share is set by its caller (delivery.ts).
 */
export function instructionLimit(entry: Entry, limits: Limits): bigint {
    switch (entry.kind) {
        case 'init':
        case 'post_upgrade':
        case 'pre_upgrade':
            return limits.instructions.install;
        // A query method runs with the query limit even when called as an update (replicated);
        // execution_environment.rs, the WasmMethod::Query branch.
        case 'query':
        case 'replicated_query':
            return limits.instructions.query;
        case 'inspect':
            return limits.instructions.inspect;
        default:
            return limits.instructions.update;
    }
}

export interface ExecuteOptions {
    /** Fault injection: an execution that finished traps with this message instead. */
    readonly trapAtEnd?: string;
    /** Instructions this execution may use, when less than its entry point's limit (a shared budget). */
    readonly limit?: bigint;
}

/**
 * Runs one message execution atomically: on a trap the canister's heap, globals and stable
 * memory return to what they were, and the returned state's effects must be discarded.
 * A non-replicated query's changes are always discarded. The execution is metered: past its
 * instruction limit it traps with the replica's message, everything it did undone.
 */
export function execute(canister: Canister, entry: Entry, time: bigint, options: ExecuteOptions = {}): Outcome {
    const state = stateFor(entry, canister, time);
    canister.beginExecution();
    const reportedLimit = instructionLimit(entry, canister.limits);
    canister.startMeter(options.limit ?? reportedLimit, reportedLimit);
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
        if (options.trapAtEnd !== undefined) throw new HostTrap(options.trapAtEnd);
    } catch (e) {
        trap = canister.outOfInstructions() ? canister.limitExceeded() : trapMessage(e);
    } finally {
        canister.current = undefined;
    }
    // Read before a restore, which may replace the instance and its counter.
    const instructions = canister.instructionsUsed();
    const discard = entry.kind === 'query' || entry.kind === 'replicated_query' || entry.kind === 'inspect';
    if (trap !== undefined || discard) {
        canister.rollbackExecution();
        undoStableWrites(canister, state);
    } else {
        canister.commitExecution();
    }
    return { state, trap, instructions };
}
