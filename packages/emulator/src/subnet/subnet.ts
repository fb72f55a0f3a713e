import { Principal } from '@dfinity/principal';

import { SystemApiProfile } from '@response-models/system-api';
import { EmulatorError, RejectCode } from '../errors.js';
import { Faults } from '../faults.js';
import { ReplicaRules } from '../generations.js';
import { canisterIdFromIndex, MANAGEMENT_CANISTER, textOf } from '../ids.js';
import { Prng } from '../prng.js';
import { Trace, TraceEntry } from '../trace.js';
import { Limits, SubnetView } from '../system_api/index.js';
import { Canister } from './canister.js';
import { Instrumentation } from './module_cache.js';
import { CallContext, CallOrigin, Callback, IngressStatus, Message, RequestMessage, Response } from './messages.js';

export interface SubnetConfig {
    readonly profile: SystemApiProfile;
    readonly rules: ReplicaRules;
    /** Virtual time added at the start of every round. */
    readonly roundStepNs: bigint;
    /**
     * Whether messages between canisters of the subnet execute within the round that produced
     * them (the replica's inner rounds), or one hop per round.
     */
    readonly innerRounds: boolean;
    /**
     * Instructions a round may use before it ends (the replica's max_instructions_per_round);
     * every execution also costs EXECUTION_OVERHEAD, so a self-calling canister cannot hang the host.
     */
    readonly instructionsPerRound: bigint;
    /** Outstanding calls one canister may have to another (DEFAULT_QUEUE_CAPACITY). */
    readonly queueCapacity: number;
    /** How modules are instrumented (both on, except for a benchmark's baseline). */
    readonly instrumentation: Instrumentation;
    readonly limits: Limits;
    readonly seed: number;
    readonly startTimeNs: bigint;
    readonly maxCallTimeoutSeconds: number;
    readonly maxStablePages: bigint;
    /** How long a stop_canister request waits for the canister to stop before it fails. */
    readonly stopTimeoutNs: bigint;
    readonly fees: { readonly callBase: bigint; readonly callPerByte: bigint };
}

/**
 * Handles messages addressed to a canister the system provides (the management canister, and
 * stand-ins for system canisters): same message path as every canister, no wasm.
 */
export interface ManagementHandler {
    handle(subnet: Subnet, caller: Principal, method: string, arg: Uint8Array, cycles: bigint, respond: (r: Response, refund: bigint) => void): void;
}

/** Cycles on their way back to a canister, credited at the next induction (the refund pool). */
export interface PendingRefund {
    readonly to: Principal;
    readonly amount: bigint;
    readonly entry: TraceEntry | undefined;
}

/**
 * The state of one subnet, after the interface spec's abstract state: canisters, call contexts,
 * callbacks, the queues and virtual time. The message life cycle lives in scheduler.ts and the
 * modules it names; this class holds the state.
 */
export class Subnet implements SubnetView {
    time: bigint;
    round = 0;
    readonly canisters = new Map<string, Canister>();
    /** Messages inducted into their receivers' input queues, in arrival order. */
    queue: Message[] = [];
    /** Requests still in their senders' output queues, not yet inducted. */
    outbox: RequestMessage[] = [];
    /** Refunds of dropped best-effort messages, credited at the next round's induction. */
    refunds: PendingRefund[] = [];
    /** raw_rand requests, answered in the next round (the replica's raw_rand_contexts). */
    postponed: (() => void)[] = [];
    readonly callbacks = new Map<number, Callback>();
    readonly traces = new Map<number, TraceEntry>();
    readonly ingress = new Map<number, IngressStatus>();
    readonly ingressTrace = new Map<number, TraceEntry>();
    /**
     * Callbacks with a response already in the queue (a reply, a reject, or the system's timeout
     * or SYS_UNKNOWN): the first one enqueued is the one delivered; a deadline does not expire
     * a callback whose response is on its way (the replica's try_push_deadline_expired_input).
     */
    readonly answered = new Set<number>();
    /** Everything canisters printed (ic0.debug_print) and every trap, in order. */
    readonly logs: { canister: string; time: bigint; line: string }[] = [];
    trace = new Trace();
    prng: Prng;
    faults: Faults;
    /** Set by whoever serves the subnet (the network derives both from its key). */
    subnetId = Principal.fromText('2vxsx-fae');
    rootKey: Uint8Array;
    management: ManagementHandler | undefined;
    /** Outstanding calls per "caller>callee" pair, for the queue capacity. */
    private readonly pairs = new Map<string, number>();
    /** Built-in canisters other than the management canister, by principal text (see builtinAt). */
    readonly builtins = new Map<string, ManagementHandler>();
    private nextIds = { canister: 0, callback: 0, callContext: 0, ingress: 0 };

    /**
     * A copy of this subnet that runs on its own from here: see copyStateFrom.
     */
    fork(): Subnet {
        const copy = new Subnet(this.config);
        copy.copyStateFrom(this);
        return copy;
    }

    /**
     * Makes this subnet what `source` is now: canisters with their heaps, globals, stable memory
     * (copy-on-write) and call contexts; queues, callbacks, refunds, time, ids, randomness, fault
     * rules and the trace. A canister this subnet already has keeps its instance where it can
     * (Canister.copyStateFrom), so restoring the same saved state again is cheap. What waits on
     * a JavaScript continuation cannot be copied: a raw_rand answer due next round, a
     * stop_canister request still waiting, or a built-in canister served over HTTP; then it
     * throws, and a round or two later it can.
     */
    copyStateFrom(source: Subnet): void {
        if (source.postponed.length > 0) throw new EmulatorError('cannot copy a subnet while raw_rand answers wait for the next round: run a round first');
        if (source.builtins.size > 0 || this.builtins.size > 0) throw new EmulatorError('cannot copy a subnet with built-in canisters (a served network)');
        this.time = source.time;
        this.round = source.round;
        const { trace, entry } = source.trace.copy();
        this.trace = trace;
        this.prng = source.prng.copy();
        this.faults = source.faults.copy();
        this.subnetId = source.subnetId;
        this.rootKey = source.rootKey;
        this.management = source.management; // it keeps no state of its own
        // Messages, callbacks and ingress statuses are replaced, never changed: shared. Trace
        // entries are changed as calls complete: each map points at this subnet's own.
        this.queue = [...source.queue];
        this.outbox = [...source.outbox];
        this.postponed = [];
        this.refunds = source.refunds.map((r) => ({ ...r, entry: r.entry === undefined ? undefined : entry(r.entry) }));
        this.callbacks.clear();
        for (const [id, callback] of source.callbacks) this.callbacks.set(id, callback);
        this.traces.clear();
        for (const [id, e] of source.traces) this.traces.set(id, entry(e));
        this.ingress.clear();
        for (const [id, status] of source.ingress) this.ingress.set(id, status);
        this.ingressTrace.clear();
        for (const [id, e] of source.ingressTrace) this.ingressTrace.set(id, entry(e));
        this.answered.clear();
        for (const id of source.answered) this.answered.add(id);
        this.logs.splice(0, this.logs.length, ...source.logs);
        this.pairs.clear();
        for (const [pair, n] of source.pairs) this.pairs.set(pair, n);
        this.nextIds = { ...source.nextIds };
        const mine = new Map(this.canisters);
        this.canisters.clear();
        for (const [id, canister] of source.canisters) {
            const copy = mine.get(id) ?? new Canister(canister.id, [], 0n, this);
            copy.copyStateFrom(canister);
            this.canisters.set(id, copy);
        }
    }

    constructor(readonly config: SubnetConfig) {
        this.time = config.startTimeNs;
        this.prng = new Prng(config.seed);
        this.faults = new Faults(new Prng(BigInt(config.seed) ^ 0x5eedn));
        this.rootKey = this.prng.bytes(133);
    }

    get profile(): SystemApiProfile {
        return this.config.profile;
    }
    get maxCallTimeoutSeconds(): number {
        return this.config.maxCallTimeoutSeconds;
    }
    get maxStablePages(): bigint {
        return this.config.maxStablePages;
    }
    get fees(): SubnetConfig['fees'] {
        return this.config.fees;
    }
    get limits(): Limits {
        return this.config.limits;
    }
    get queueCapacity(): number {
        return this.config.queueCapacity;
    }

    createCanister(controllers: Principal[], cycles: bigint): Canister {
        const id = canisterIdFromIndex(this.nextIds.canister++);
        const canister = new Canister(id, controllers, cycles, this);
        this.canisters.set(textOf(id), canister);
        return canister;
    }

    canister(id: Principal): Canister | undefined {
        return this.canisters.get(textOf(id));
    }

    isManagement(id: Principal): boolean {
        return id.compareTo(MANAGEMENT_CANISTER) === 'eq';
    }

    /** The handler of a canister the system provides (aaaaa-aa or a registered built-in), if `id` is one. */
    builtinAt(id: Principal): ManagementHandler | undefined {
        return this.isManagement(id) ? this.management : this.builtins.get(textOf(id));
    }

    newCallContext(canister: Canister, origin: CallOrigin, availableCycles: bigint, responded = false): CallContext {
        const ctx: CallContext = {
            id: this.nextIds.callContext++,
            origin,
            availableCycles,
            responded,
            outstandingCallbacks: 0,
            instructions: 0n
        };
        canister.callContexts.set(ctx.id, ctx);
        return ctx;
    }

    /** Registers a callback (its pair gains an outstanding call). */
    addCallback(callback: Callback): void {
        this.callbacks.set(callback.id, callback);
        const key = pairKey(callback.owner, callback.callee);
        this.pairs.set(key, (this.pairs.get(key) ?? 0) + 1);
    }

    /** Removes a callback once its response is consumed. */
    removeCallback(callback: Callback): void {
        this.callbacks.delete(callback.id);
        this.answered.delete(callback.id);
        const key = pairKey(callback.owner, callback.callee);
        const left = (this.pairs.get(key) ?? 1) - 1;
        if (left === 0) this.pairs.delete(key);
        else this.pairs.set(key, left);
    }

    outstandingCalls(from: Principal, to: Principal): number {
        return this.pairs.get(pairKey(from, to)) ?? 0;
    }

    newCallbackId(): number {
        return this.nextIds.callback++;
    }

    newIngressId(): number {
        return this.nextIds.ingress++;
    }

    /** Rejects for messages the system refuses before any execution. */
    static reject(code: RejectCode, message: string): Response {
        return { reject: { code, message } };
    }
}

function pairKey(from: Principal, to: Principal): string {
    return `${textOf(from)}>${textOf(to)}`;
}
