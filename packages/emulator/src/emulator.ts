import { createHash } from 'node:crypto';

import type { ActorSubclass } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';

import { ProfileName, PROFILES } from '@response-models/system-api';
import { GENERATIONS } from './generations.js';
import { Limits } from './system_api/index.js';
import { CallTransport, DeferredActor, makeActor, makeDeferredActor } from './actor.js';
import { CallRejectedError, EmulatorError, RejectCode } from './errors.js';
import { execute } from './execution/executor.js';
import { didNotReply, trapReject } from './execution/user_errors.js';
import { MANAGEMENT_CANISTER } from './ids.js';
import {
    CanisterIdRecord,
    CanisterSettings,
    CanisterStatusResult,
    ChunkHash,
    DeleteSnapshotArgs,
    InstallChunkedCodeArgs,
    InstallCodeArgs,
    InstallMode,
    LoadSnapshotArgs,
    ProvisionalCreateArgs,
    Snapshot,
    TakeSnapshotArgs,
    TopUpArgs,
    UpdateSettingsArgs,
    UploadChunkArgs
} from './management/candid.js';
import { CHUNK_SIZE } from './management/chunk_store.js';
import { Management } from './management/management.js';
import { noSettings } from './management/settings.js';
import { decodeModule, ModuleError } from './management/wasm_module.js';
import { PendingCall } from './pending_call.js';
import { Response } from './subnet/messages.js';
import { compileModule } from './subnet/module_cache.js';
import { isIdle, runRound, submitIngress } from './subnet/scheduler.js';
import { WASM_PAGE } from './subnet/stable_memory.js';
import { Subnet } from './subnet/subnet.js';
import { TraceEntry } from './trace.js';

/**
 * The IC's stable memory limit, 500 GiB
 * (https://internetcomputer.org/docs/current/developer-docs/smart-contracts/best-practices/storage).
 * Stable memory is sparse here, so the limit costs nothing until a canister writes that much.
 */
const MAX_STABLE_PAGES = BigInt((500 * 2 ** 30) / WASM_PAGE);

export interface EmulatorOptions {
    /**
     * The replica generation (default 'current', today's): its System API and its rules
     * (generations.ts). 'dfx-0.24.1-beta.1' refuses newer imports and loses the cycles of
     * best-effort calls the caller stopped waiting for, as that October 2024 replica did.
     */
    profile?: ProfileName;
    /** Virtual time one round adds (default 1000 ms). */
    roundStepMs?: number;
    /**
     * Messages between canisters execute within the round that produced them, as the replica's
     * inner rounds run them (default true); false: one hop per round.
     */
    innerRounds?: boolean;
    /** Instructions a round may use (default 4,000,000,000, the replica's MAX_INSTRUCTIONS_PER_ROUND). */
    instructionsPerRound?: bigint;
    /** Calls one canister may have outstanding to another (default 500, the replica's DEFAULT_QUEUE_CAPACITY). */
    queueCapacity?: number;
    /**
     * Instructions one message may use, by entry point (defaults: update 40 B, query 5 B, install
     * 300 B, inspect 200 M). Past it, the message traps with the replica's message.
     */
    instructionLimits?: Partial<Limits['instructions']>;
    /**
     * Count instructions by instrumenting each module at install, as the replica does (default
     * true). false leaves modules as they are, with no instruction limit: only for measuring what
     * metering costs.
     */
    metering?: boolean;
    /**
     * Roll a trapped or discarded message back by copying the pages it wrote, which a write
     * barrier injected at install marks (default true). false copies the whole heap before every
     * message instead, as the emulator once did: only for measuring what the barrier saves. The
     * environment variable EMULATOR_WHOLE_HEAP_ROLLBACK=1 sets the default to false.
     */
    pageRollback?: boolean;
    /** Seed of every random choice: raw_rand, fault injection (default 0). */
    seed?: number;
    /** Virtual time at start (default 2025-01-01T00:00:00Z). */
    startTime?: Date;
    /** Cycles charged per call and per byte of method name and argument (default 0 and 0). */
    fees?: { callBase?: bigint; callPerByte?: bigint };
    /** Print canister debug output to the console as it happens. */
    printLogs?: boolean;
}

export interface CanisterStatus {
    status: 'running' | 'stopping' | 'stopped';
    controllers: Principal[];
    moduleHash: Uint8Array | undefined;
    memorySize: bigint;
    cycles: bigint;
    /** The canister version (spec: bumped by every install, settings change, start, stop and update execution). */
    version: bigint;
    /** The whole canister_status record, as the management canister answers it. */
    record: CanisterStatusResult;
}

/** A canister snapshot as the management canister describes it. */
export type CanisterSnapshot = Snapshot;

interface CallOptions {
    sender?: Principal;
}

const DEFAULT_CYCLES = 100_000_000_000_000n;
const B = 1_000_000_000n;
const MiB = 1024 * 1024;

/** Whether two emulators were created with the same options (bigints and dates included). */
function sameOptions(a: EmulatorOptions, b: EmulatorOptions): boolean {
    const text = (o: EmulatorOptions) => JSON.stringify(o, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
    return text(a) === text(b);
}

/** MAX_INSTRUCTIONS_PER_ROUND, 4 B (dfinity/ic, rs/config/src/subnet_config.rs, application subnets). */
const MAX_INSTRUCTIONS_PER_ROUND = 4n * B;
/** DEFAULT_QUEUE_CAPACITY (rs/replicated_state/src/canister_state/queues.rs). */
const DEFAULT_QUEUE_CAPACITY = 500;

/** An application subnet's limits, from the replica. */
const DEFAULT_LIMITS: Limits = {
    // MAX_INSTRUCTIONS_PER_MESSAGE, MAX_INSTRUCTIONS_PER_QUERY_MESSAGE, MAX_INSTRUCTIONS_PER_INSTALL_CODE
    // (rs/config/src/subnet_config.rs), MAX_INSTRUCTIONS_FOR_MESSAGE_ACCEPTANCE_CALLS (execution_environment.rs)
    instructions: { update: 40n * B, query: 5n * B, install: 300n * B, inspect: 200_000_000n },
    // MAX_INGRESS_BYTES_PER_MESSAGE_APP_SUBNET (rs/limits/src/lib.rs)
    ingressBytes: 2 * MiB,
    // MAX_INTER_CANISTER_PAYLOAD_IN_BYTES x MULTIPLIER_MAX_SIZE_LOCAL_SUBNET (rs/types/types/src/messages.rs, system API)
    requestBytes: 10 * MiB,
    replyBytes: 2 * MiB,
    // MAX_NON_REPLICATED_QUERY_REPLY_SIZE (system API)
    queryReplyBytes: 3 * MiB
};

/**
 * An in-process IC subnet that runs real canister wasm under virtual time. Its API follows
 * PocketIC's JavaScript client where it can: create / install / upgrade, actors, advanceTime,
 * tick. Calls run in rounds: an actor call submits an ingress message and runs rounds until it
 * finishes; a deferred actor leaves the rounds to you.
 */
export class Emulator {
    readonly subnet: Subnet;
    /** The identity that creates and controls canisters unless told otherwise. */
    readonly defaultSender: Principal;
    private printedLogs = 0;

    private constructor(
        private readonly options: EmulatorOptions,
        forked?: Subnet
    ) {
        this.defaultSender = Emulator.identity('default');
        if (forked !== undefined) {
            this.subnet = forked;
            return;
        }
        const fees = { callBase: options.fees?.callBase ?? 0n, callPerByte: options.fees?.callPerByte ?? 0n };
        const profile = options.profile ?? 'current';
        this.subnet = new Subnet({
            profile: PROFILES[profile],
            rules: GENERATIONS[profile],
            roundStepNs: BigInt(Math.round((options.roundStepMs ?? 1_000) * 1e6)),
            innerRounds: options.innerRounds ?? true,
            instructionsPerRound: options.instructionsPerRound ?? MAX_INSTRUCTIONS_PER_ROUND,
            queueCapacity: options.queueCapacity ?? DEFAULT_QUEUE_CAPACITY,
            instrumentation: {
                metering: options.metering ?? true,
                pageRollback: options.pageRollback ?? process.env.EMULATOR_WHOLE_HEAP_ROLLBACK !== '1'
            },
            limits: { ...DEFAULT_LIMITS, instructions: { ...DEFAULT_LIMITS.instructions, ...options.instructionLimits } },
            seed: options.seed ?? 0,
            startTimeNs: BigInt((options.startTime ?? new Date('2025-01-01T00:00:00Z')).getTime()) * 1_000_000n,
            maxCallTimeoutSeconds: 300,
            maxStablePages: MAX_STABLE_PAGES,
            // The replica's STOP_CANISTER_TIMEOUT_DURATION (dfinity/ic, rs/config execution_environment.rs).
            stopTimeoutNs: 300n * 1_000_000_000n,
            fees
        });
        this.subnet.management = new Management();
    }

    static async create(options: EmulatorOptions = {}): Promise<Emulator> {
        const profile = options.profile ?? 'current';
        if (!(profile in PROFILES)) throw new EmulatorError(`unknown System API profile '${profile}'`);
        return new Emulator(options);
    }

    /**
     * An independent copy of this emulator as it stands: its canisters (heaps, globals, stable
     * memory, call contexts), queues, time, ids, randomness, fault rules and trace. Deploy once,
     * then fork for each test: every fork starts from the same state, and what one fork does
     * leaves the others and the original unchanged. Throws (EmulatorError) while a raw_rand answer
     * or a stop_canister request waits on the next round; run a round first.
     */
    fork(): Emulator {
        const copy = new Emulator(this.options, this.subnet.fork());
        copy.printedLogs = this.printedLogs;
        return copy;
    }

    /**
     * Makes this emulator what `saved` (a fork kept aside, created with the same options) is now,
     * keeping its own canister instances: only the heap pages written since the last restore
     * from `saved` are copied back, so resetting a test's world between tests costs
     * milliseconds. Pending calls of this emulator's past are forgotten.
     */
    restore(saved: Emulator): void {
        if (saved === this) return;
        if (!sameOptions(saved.options, this.options)) throw new EmulatorError('restore: the saved emulator was created with other options');
        this.subnet.copyStateFrom(saved.subnet);
        this.printedLogs = saved.printedLogs;
    }

    /** The replica generation this emulator models (its profile). */
    get profile(): ProfileName {
        return this.options.profile ?? 'current';
    }

    /** A deterministic principal for a named test identity. */
    static identity(name: string): Principal {
        return Principal.selfAuthenticating(createHash('sha256').update(`identity:${name}`).digest());
    }

    // ---- canister lifecycle, through the management canister -------------------------------

    async createCanister(options: { controllers?: Principal[]; cycles?: bigint; sender?: Principal } = {}): Promise<Principal> {
        const args: ProvisionalCreateArgs = {
            amount: [options.cycles ?? DEFAULT_CYCLES],
            settings: [noSettings(options.controllers)],
            specified_id: [],
            sender_canister_version: []
        };
        const result = await this.management('provisional_create_canister_with_cycles', [ProvisionalCreateArgs], [args], options, [CanisterIdRecord]);
        return (result as CanisterIdRecord).canister_id;
    }

    async installCode(options: { canisterId: Principal; wasm: Uint8Array; arg?: Uint8Array; sender?: Principal }): Promise<void> {
        await this.install({ install: null }, options);
    }

    async reinstallCode(options: { canisterId: Principal; wasm: Uint8Array; arg?: Uint8Array; sender?: Principal }): Promise<void> {
        await this.install({ reinstall: null }, options);
    }

    async upgradeCanister(options: { canisterId: Principal; wasm: Uint8Array; arg?: Uint8Array; sender?: Principal }): Promise<void> {
        await this.install({ upgrade: [] }, options);
    }

    /** create + install in one step. */
    async setupCanister(options: { wasm: Uint8Array; arg?: Uint8Array; controllers?: Principal[]; cycles?: bigint; sender?: Principal }): Promise<Principal> {
        const canisterId = await this.createCanister(options);
        await this.installCode({ ...options, canisterId });
        return canisterId;
    }

    async startCanister(options: { canisterId: Principal; sender?: Principal }): Promise<void> {
        await this.management('start_canister', [CanisterIdRecord], [{ canister_id: options.canisterId }], options);
    }

    /** Stops a canister and waits until it is Stopped (at most maxRounds rounds). */
    async stopCanister(options: { canisterId: Principal; sender?: Principal; maxRounds?: number }): Promise<void> {
        await this.requestStop(options).wait(options.maxRounds);
    }

    /** Asks the management canister to stop a canister; the answer comes once it is Stopped. */
    requestStop(options: { canisterId: Principal; sender?: Principal }): PendingCall<void> {
        const arg = new Uint8Array(IDL.encode([CanisterIdRecord], [{ canister_id: options.canisterId }]));
        return this.submitRaw(MANAGEMENT_CANISTER, 'stop_canister', arg, options, () => undefined);
    }

    async canisterStatus(options: { canisterId: Principal; sender?: Principal }): Promise<CanisterStatus> {
        const r = (await this.management('canister_status', [CanisterIdRecord], [{ canister_id: options.canisterId }], options, [
            CanisterStatusResult
        ])) as CanisterStatusResult;
        return {
            status: Object.keys(r.status)[0] as CanisterStatus['status'],
            controllers: r.settings.controllers,
            moduleHash: r.module_hash[0],
            memorySize: r.memory_size,
            cycles: r.cycles,
            version: r.version,
            record: r
        };
    }

    async updateControllers(options: { canisterId: Principal; controllers: Principal[]; sender?: Principal }): Promise<void> {
        await this.updateSettings({ canisterId: options.canisterId, settings: { controllers: [options.controllers] }, sender: options.sender });
    }

    /** Changes a canister's settings; fields left out stay as they are (spec: update_settings). */
    async updateSettings(options: { canisterId: Principal; settings: Partial<CanisterSettings>; sender?: Principal }): Promise<void> {
        const args: UpdateSettingsArgs = {
            canister_id: options.canisterId,
            settings: { ...noSettings(), ...options.settings },
            sender_canister_version: []
        };
        await this.management('update_settings', [UpdateSettingsArgs], [args], options);
    }

    /** Takes a snapshot of a canister (stop it first, as the spec advises); see {@link loadCanisterSnapshot}. */
    async takeCanisterSnapshot(options: { canisterId: Principal; replaceSnapshot?: Uint8Array; sender?: Principal }): Promise<CanisterSnapshot> {
        const args: TakeSnapshotArgs = {
            canister_id: options.canisterId,
            replace_snapshot: options.replaceSnapshot === undefined ? [] : [options.replaceSnapshot],
            uninstall_code: [],
            sender_canister_version: []
        };
        return (await this.management('take_canister_snapshot', [TakeSnapshotArgs], [args], options, [Snapshot])) as CanisterSnapshot;
    }

    /** Puts a canister back to a snapshot: module, memories, certified data, chunk store. */
    async loadCanisterSnapshot(options: { canisterId: Principal; snapshotId: Uint8Array; sender?: Principal }): Promise<void> {
        const args: LoadSnapshotArgs = { canister_id: options.canisterId, snapshot_id: options.snapshotId, sender_canister_version: [] };
        await this.management('load_canister_snapshot', [LoadSnapshotArgs], [args], options);
    }

    async listCanisterSnapshots(options: { canisterId: Principal; sender?: Principal }): Promise<CanisterSnapshot[]> {
        return (await this.management('list_canister_snapshots', [CanisterIdRecord], [{ canister_id: options.canisterId }], options, [IDL.Vec(Snapshot)])) as CanisterSnapshot[];
    }

    async deleteCanisterSnapshot(options: { canisterId: Principal; snapshotId: Uint8Array; sender?: Principal }): Promise<void> {
        const args: DeleteSnapshotArgs = { canister_id: options.canisterId, snapshot_id: options.snapshotId };
        await this.management('delete_canister_snapshot', [DeleteSnapshotArgs], [args], options);
    }

    async deleteCanister(options: { canisterId: Principal; sender?: Principal }): Promise<void> {
        await this.management('delete_canister', [CanisterIdRecord], [{ canister_id: options.canisterId }], options);
    }

    async addCycles(canisterId: Principal, amount: bigint): Promise<void> {
        await this.management('provisional_top_up_canister', [TopUpArgs], [{ canister_id: canisterId, amount }], {});
    }

    /**
     * A digest of a canister's stable memory, read directly (no message): equal digests, equal
     * stable state. Lets a test check that a refused call changed nothing that survives upgrades.
     */
    stableMemoryDigest(canisterId: Principal): string {
        return this.requireCanister(canisterId).stable.digest();
    }

    /** A canister's cycle balance, read directly (no message). */
    getCycleBalance(canisterId: Principal): bigint {
        return this.requireCanister(canisterId).cycles;
    }

    // ---- calls ------------------------------------------------------------------------------

    createActor<T>(idlFactory: IDL.InterfaceFactory, canisterId: Principal, options: CallOptions = {}): ActorSubclass<T> {
        return makeActor<T>(idlFactory, this.transport(canisterId, options));
    }

    createDeferredActor<T>(idlFactory: IDL.InterfaceFactory, canisterId: Principal, options: CallOptions = {}): DeferredActor<T> {
        return makeDeferredActor<T>(idlFactory, this.transport(canisterId, options));
    }

    /** Submits an update call with raw Candid and returns at once; rounds run when you tick. */
    submit(canisterId: Principal, method: string, arg: Uint8Array, options: CallOptions = {}): PendingCall<Uint8Array> {
        if (this.subnet.builtinAt(canisterId) === undefined) this.requireCanister(canisterId);
        return this.submitRaw(canisterId, method, arg, options, (r) => r);
    }

    /** An update call with raw Candid: submits it and runs rounds until it finishes. */
    async updateCall(canisterId: Principal, method: string, arg: Uint8Array, options: CallOptions & { maxRounds?: number } = {}): Promise<Uint8Array> {
        return this.submitRaw(canisterId, method, arg, options, (r) => r).wait(options.maxRounds);
    }

    /** A query in non-replicated mode: runs at once on the current state, which it cannot change. */
    async queryCall(canisterId: Principal, method: string, arg: Uint8Array, options: CallOptions = {}): Promise<Uint8Array> {
        const canister = this.requireCanister(canisterId);
        const fail = (code: number, message: string): never => {
            throw new CallRejectedError(code, message, method);
        };
        if (canister.status !== 'running') fail(RejectCode.CanisterError, `Canister ${canister.idText} is ${canister.status}`);
        if (!canister.hasExport(`canister_query ${method}`)) fail(RejectCode.CanisterError, `Canister ${canister.idText} has no query method '${method}'`);
        const outcome = execute(canister, { kind: 'query', method, arg, caller: options.sender ?? Principal.anonymous() }, this.subnet.time);
        for (const line of outcome.state.debugLog) this.subnet.logs.push({ canister: canister.idText, time: this.subnet.time, line });
        if (outcome.trap !== undefined) fail(RejectCode.CanisterError, trapReject(canister.idText, outcome.trap));
        const response = outcome.state.response;
        if (response === undefined) return fail(RejectCode.CanisterError, didNotReply(canister.idText));
        if ('reject' in response) return fail(response.reject.code, response.reject.message);
        this.flushLogs();
        return response.reply;
    }

    // ---- time and rounds --------------------------------------------------------------------

    /** Moves virtual time forward without running a round (as PocketIC's advanceTime). */
    async advanceTime(ms: number): Promise<void> {
        if (!(ms >= 0)) throw new EmulatorError(`advanceTime takes a non-negative number of milliseconds, got ${ms}`);
        this.subnet.time += BigInt(Math.round(ms * 1e6));
    }

    /** Virtual time in milliseconds since the epoch. */
    async getTime(): Promise<number> {
        return Number(this.subnet.time / 1_000_000n);
    }

    /** Virtual time in nanoseconds since the epoch. */
    get timeNs(): bigint {
        return this.subnet.time;
    }

    get round(): number {
        return this.subnet.round;
    }

    /** Runs `rounds` rounds. */
    async tick(rounds = 1): Promise<void> {
        for (let i = 0; i < rounds; i++) runRound(this.subnet);
        this.flushLogs();
    }

    /** Runs rounds until no message is queued; fails after maxRounds (a canister that never goes quiet). */
    async runUntilIdle(maxRounds = 10_000): Promise<number> {
        let rounds = 0;
        while (!isIdle(this.subnet)) {
            if (rounds >= maxRounds) throw new EmulatorError(`still busy after ${maxRounds} rounds`);
            runRound(this.subnet);
            rounds++;
        }
        this.flushLogs();
        return rounds;
    }

    // ---- faults and observation --------------------------------------------------------------

    get faults(): Subnet['faults'] {
        return this.subnet.faults;
    }

    /**
     * The canister executes nothing (no messages, no timers) for the next `rounds` rounds:
     * messages to it wait in its input queue, where best-effort ones may expire (their callers
     * get SYS_UNKNOWN). See {@link congest} for messages that never reach it.
     */
    makeUnresponsive(canisterId: Principal, rounds: number): void {
        this.requireCanister(canisterId).unresponsiveUntilRound = this.subnet.round + rounds;
    }

    /**
     * Requests to the canister are not inducted for the next `rounds` rounds, as behind a
     * congested stream: they wait in their senders' output queues, where a best-effort one whose
     * deadline passes is answered SYS_TRANSIENT "Request timed out." with its cycles refunded.
     */
    congest(canisterId: Principal, rounds: number): void {
        this.requireCanister(canisterId).congestedUntilRound = this.subnet.round + rounds;
    }

    trace(): readonly TraceEntry[] {
        return this.subnet.trace.all();
    }

    logs(canisterId?: Principal): string[] {
        const id = canisterId?.toText();
        return this.subnet.logs.filter((l) => id === undefined || l.canister === id).map((l) => l.line);
    }

    /** Compiles a module ahead of installs (modules are compiled once and shared). */
    static precompile(wasm: Uint8Array, how: { metering?: boolean; pageRollback?: boolean } = {}): void {
        compileModule(decodeModule(wasm), { metering: how.metering ?? true, pageRollback: how.pageRollback ?? true });
    }

    // ---- internals ----------------------------------------------------------------------------

    private requireCanister(canisterId: Principal) {
        const canister = this.subnet.canister(canisterId);
        if (canister === undefined) throw new EmulatorError(`no canister ${canisterId.toText()} on this emulator`);
        return canister;
    }

    private transport(canisterId: Principal, options: CallOptions): CallTransport {
        this.requireCanister(canisterId);
        return {
            update: (method, arg) => this.updateCall(canisterId, method, arg, options),
            query: (method, arg) => this.queryCall(canisterId, method, arg, options),
            submit: (method, arg, decode) => this.submitRaw(canisterId, method, arg, options, decode)
        };
    }

    private submitRaw<T>(canisterId: Principal, method: string, arg: Uint8Array, options: CallOptions, decode: (reply: Uint8Array) => T): PendingCall<T> {
        const size = new TextEncoder().encode(method).length + arg.length;
        if (size > this.subnet.limits.ingressBytes) {
            // The replica's HTTP endpoint answers 413 with this text (rs/http_endpoints/public/src/call.rs).
            throw new EmulatorError(`Request to ${canisterId.toText()}:${method} is too large. Message byte size ${size} is larger than the max allowed ${this.subnet.limits.ingressBytes}.`);
        }
        const sender = options.sender ?? this.defaultSender;
        this.inspectIngress(canisterId, method, arg, sender);
        const id = submitIngress(this.subnet, sender, canisterId, method, arg);
        const poll = (): Response | undefined => {
            const status = this.subnet.ingress.get(id);
            return status?.state === 'done' ? status.response : undefined;
        };
        const run = (until: () => boolean, maxRounds: number) => {
            for (let i = 0; i < maxRounds && !until(); i++) runRound(this.subnet);
            this.flushLogs();
        };
        return new PendingCall(method, poll, run, decode);
    }

    /**
     * A canister that exports canister_inspect_message decides whether to accept an ingress
     * message before it enters the subnet (spec: "Ingress message inspection"); its state
     * changes are discarded. Refused: CANISTER_REJECT, as the replica's CanisterRejectedMessage.
     */
    private inspectIngress(canisterId: Principal, method: string, arg: Uint8Array, sender: Principal): void {
        const canister = this.subnet.canister(canisterId);
        if (canister === undefined || canister.status !== 'running' || !canister.hasExport('canister_inspect_message')) return;
        const outcome = execute(canister, { kind: 'inspect', method, arg, caller: sender }, this.subnet.time);
        if (outcome.trap === undefined && outcome.state.messageAccepted) return;
        // A refusal is IC0406, CANISTER_REJECT; a trap keeps its own code, CANISTER_ERROR
        // (execution_environment.rs, execute_inspect_message; the texts as PocketIC reports them).
        if (outcome.trap === undefined) throw new CallRejectedError(RejectCode.CanisterReject, `Error from Canister ${canister.idText}: Canister rejected the message`, method);
        throw new CallRejectedError(RejectCode.CanisterError, trapReject(canister.idText, outcome.trap), method);
    }

    private async management(method: string, types: IDL.Type[], values: unknown[], options: CallOptions, ret: IDL.Type[] = []): Promise<unknown> {
        const arg = new Uint8Array(IDL.encode(types, values));
        const reply = await this.submitRaw(MANAGEMENT_CANISTER, method, arg, options, (r) => r).wait(10);
        return IDL.decode(ret, reply)[0];
    }

    private async install(mode: InstallMode, options: { canisterId: Principal; wasm: Uint8Array; arg?: Uint8Array; sender?: Principal }): Promise<void> {
        this.requireCanister(options.canisterId);
        try {
            compileModule(decodeModule(options.wasm), this.subnet.config.instrumentation); // malformed wasm: a clear error before any message
        } catch (e) {
            if (e instanceof ModuleError) throw new EmulatorError(e.message);
            throw e;
        }
        const arg = options.arg ?? new Uint8Array(IDL.encode([], []));
        if (options.wasm.length + arg.length + 1_024 <= this.subnet.limits.ingressBytes) {
            const args: InstallCodeArgs = { mode, canister_id: options.canisterId, wasm_module: options.wasm, arg, sender_canister_version: [] };
            await this.management('install_code', [InstallCodeArgs], [args], options);
            return;
        }
        // Too large for one message: through the chunk store, as icp-cli and dfx install large modules.
        await this.management('clear_chunk_store', [CanisterIdRecord], [{ canister_id: options.canisterId }], options);
        const hashes: ChunkHash[] = [];
        for (let at = 0; at < options.wasm.length; at += CHUNK_SIZE) {
            const chunk = options.wasm.subarray(at, at + CHUNK_SIZE);
            hashes.push((await this.management('upload_chunk', [UploadChunkArgs], [{ canister_id: options.canisterId, chunk }], options, [ChunkHash])) as ChunkHash);
        }
        const args: InstallChunkedCodeArgs = {
            mode,
            target_canister: options.canisterId,
            store_canister: [],
            chunk_hashes_list: hashes,
            wasm_module_hash: new Uint8Array(createHash('sha256').update(options.wasm).digest()),
            arg,
            sender_canister_version: []
        };
        try {
            await this.management('install_chunked_code', [InstallChunkedCodeArgs], [args], options);
        } finally {
            await this.management('clear_chunk_store', [CanisterIdRecord], [{ canister_id: options.canisterId }], options);
        }
    }

    private flushLogs(): void {
        if (this.options.printLogs !== true) {
            this.printedLogs = this.subnet.logs.length;
            return;
        }
        for (const l of this.subnet.logs.slice(this.printedLogs)) console.log(`[${l.canister}] ${l.line}`);
        this.printedLogs = this.subnet.logs.length;
    }
}
