import { Principal } from '@dfinity/principal';

import { SystemApiProfile } from '@response-models/system-api';
import { EmulatorError, HostTrap } from '../errors.js';
import { ExecutionState } from '../execution/execution_state.js';
import { instructionLimitExceeded } from '../execution/user_errors.js';
import { ChunkStore } from '../management/chunk_store.js';
import { defaultSettings, SettingsState } from '../management/settings.js';
import { buildIc0, CanisterView, Limits, SubnetView } from '../system_api/index.js';
import { CanisterStatusName } from '../system_api/env.js';
import { CallContext } from './messages.js';
import { PAGE_SHIFT } from '../wasm/inject.js';
import { CompiledModule } from './module_cache.js';
import { StableMemory } from './stable_memory.js';

/** The code half of a canister: its module instance and the exports that hold its state. */
interface Code {
    readonly compiled: CompiledModule;
    instance: WebAssembly.Instance;
    memory: WebAssembly.Memory;
    globals: WebAssembly.Global[];
    table: WebAssembly.Table | undefined;
    /** The instruction counter and its out-of-instructions flag (wasm/inject.ts), if metered. */
    meter: { readonly counter: WebAssembly.Global; readonly flag: WebAssembly.Global } | undefined;
    /**
     * With the write barrier: the map's size, where the canister's heap starts in the memory.
     * Byte p of the map is set once a store wrote the heap's 1 KiB page p (wasm/inject.ts).
     */
    heapOffset: number | undefined;
    /** Set to 1 by the module before it changes a table or drops a segment (wasm/inject.ts); see renewInstance. */
    instanceChanged: WebAssembly.Global | undefined;
}

/** Whether the code changed a table or dropped a segment since its instance was made. */
function instanceChanged(code: Code): boolean {
    return code.instanceChanged !== undefined && code.instanceChanged.value !== 0;
}

/** The pages the write barrier tracks (wasm/inject.ts, PAGE_SHIFT). */
const PAGE = 1 << PAGE_SHIFT;
const WASM_PAGE = 65_536;

/** Copies the written pages, in ascending order, from one heap to the other; adjacent pages as one run. */
function copyPages(from: Uint8Array, to: Uint8Array, pages: ArrayLike<number>): void {
    const limit = Math.min(from.length, to.length);
    let i = 0;
    while (i < pages.length) {
        const first = pages[i];
        let last = first;
        while (i + 1 < pages.length && pages[i + 1] === last + 1) last = pages[++i];
        i++;
        const start = first * PAGE;
        const end = Math.min((last + 1) * PAGE, limit);
        if (start < end) to.set(from.subarray(start, end), start);
    }
}

/** What a message execution may have to undo in the instance (stable memory has its own undo log). */
export interface Snapshot {
    readonly heap: Uint8Array;
    readonly globals: unknown[];
}

export interface SavedInstall {
    readonly code: Code | undefined;
    readonly snapshot: Snapshot | undefined;
    readonly stable: StableMemory;
    readonly globalTimer: bigint;
    readonly certifiedData: Uint8Array;
    /** A failed install keeps the balance it started with: cycles a hook burnt or sent are not spent. */
    readonly cycles: bigint;
}

/** Everything a canister snapshot holds (spec: wasm memory, stable memory, certified data, chunk store, module). */
export interface CanisterState {
    readonly compiled: CompiledModule | undefined;
    readonly memory: Snapshot | undefined;
    readonly stable: StableMemory;
    readonly certifiedData: Uint8Array;
    readonly chunkStore: ChunkStore;
    readonly moduleHash: Uint8Array | undefined;
    readonly moduleSize: number;
}

/** A stop_canister call waiting for the canister to stop. */
export interface PendingStop {
    /** Virtual time after which the system gives the request up (the canister stays Stopping). */
    readonly expiresAt: bigint;
    respond(outcome: 'stopped' | 'cancelled' | 'timed out'): void;
}

const EMPTY_MEMORY = new WebAssembly.Memory({ initial: 0 });



/**
 * One canister: its settings and status, cycles, stable memory, timer, call contexts and (once
 * installed) its code. Heap, globals and stable memory can be snapshotted and restored, which is
 * how a trap rolls a message back.
 */
export class Canister implements CanisterView {
    readonly idText: string;
    controllers: Principal[];
    status: CanisterStatusName = 'running';
    cycles: bigint;
    stable = StableMemory.empty();
    readonly startLog: string[] = [];
    globalTimer = 0n;
    certifiedData: Uint8Array = new Uint8Array(0);
    version = 0n;
    /** Increases with every install, reinstall and upgrade. */
    moduleVersion = 0;
    readonly callContexts = new Map<number, CallContext>();
    settings: SettingsState = defaultSettings();
    chunkStore = new ChunkStore();
    /** Snapshots by hex id, and the next snapshot's local id (spec: take_canister_snapshot). */
    readonly snapshots = new Map<string, { readonly id: Uint8Array; readonly takenAt: bigint; readonly state: CanisterState; readonly size: bigint }>();
    nextSnapshotId = 0n;
    /** SHA-256 of the module as installed (compressed if it came gzipped), and its size. */
    moduleHash: Uint8Array | undefined;
    moduleSize = 0;
    /** stop_canister calls to answer once the canister is stopped, each until its time runs out. */
    pendingStops: PendingStop[] = [];
    /** The execution under way, if any: the System API reads it. */
    current: ExecutionState | undefined;
    /** Fault injection: rounds during which the canister executes nothing. */
    unresponsiveUntilRound = -1;
    /** Fault injection: rounds during which requests to it are not inducted (they wait in output queues). */
    congestedUntilRound = -1;
    private codeSlot: Code | undefined;
    /**
     * A fork that has not made its own copy yet shares the heap of the canister it was forked
     * from (copy-on-write at the canister's grain): it copies on first use, and the source has it
     * copy before the source changes anything. The globals are copied at fork time.
     */
    private shared: { readonly source: Canister; readonly compiled: CompiledModule; readonly globals: unknown[] } | undefined;
    /** Forks still sharing this canister's heap. */
    private readonly sharers: WeakRef<Canister>[] = [];
    /** Counts changes to code, heap or globals, so that a copy can tell whether its source changed. */
    private mutations = 0;
    /** The source this canister was last made from (copyStateFrom), as it stood then. */
    private restoredFrom: { readonly source: Canister; readonly mutations: number } | undefined;
    /** Heap pages committed executions wrote since then. */
    private readonly writtenSinceRestore = new Set<number>();
    /**
     * The heap as the last committed execution left it: a rollback copies back from it, and a
     * commit brings it up to date, page by page as the write barrier reports (undefined until the
     * first execution after the code or memory was replaced wholesale).
     */
    private committed: Uint8Array | undefined;
    /** Globals as the execution under way found them. */
    private globalsBefore: unknown[] = [];
    /** Pages the host wrote during the execution under way (System API copies into the heap). */
    private readonly hostWritten = new Set<number>();
    /** The instructions the execution under way may use, and the limit a trap reports. */
    private meterLimit = 0n;
    private reportedLimit = 0n;

    constructor(
        readonly id: Principal,
        controllers: Principal[],
        cycles: bigint,
        private readonly subnet: SubnetView & { readonly profile: SystemApiProfile }
    ) {
        this.idText = id.toText();
        this.controllers = controllers;
        this.cycles = cycles;
    }

    private get code(): Code | undefined {
        if (this.shared !== undefined) this.materialize();
        return this.codeSlot;
    }

    private set code(code: Code | undefined) {
        this.shared = undefined; // replaced wholesale: nothing left to copy
        this.codeSlot = code;
    }

    /** A fork's first use: its own instance, with the heap and globals it was forked with. */
    private materialize(): void {
        const shared = this.shared;
        if (shared === undefined) return;
        this.shared = undefined;
        const source = shared.source.code; // the source may itself be a fork still sharing
        if (source === undefined) throw new Error(`canister ${this.idText}: the canister it was forked from lost its code`);
        this.codeSlot = this.newInstance(shared.compiled);
        this.putBack({ heap: new Uint8Array(source.memory.buffer, source.heapOffset ?? 0), globals: shared.globals });
    }

    /** Before this canister changes its code, heap or globals: every fork still sharing them copies first. */
    private releaseSharers(): void {
        this.mutations++;
        for (const ref of this.sharers.splice(0)) {
            const fork = ref.deref();
            if (fork?.shared?.source === this) fork.materialize();
        }
    }

    get installed(): CompiledModule | undefined {
        return this.code?.compiled;
    }

    /** The canister's heap, as its code addresses it (the write barrier's map left out). */
    heap(): Uint8Array {
        const code = this.code;
        if (code === undefined) return new Uint8Array(0);
        return new Uint8Array(code.memory.buffer, code.heapOffset ?? 0);
    }

    hasExport(name: string): boolean {
        return this.code?.compiled.exports.has(name) ?? false;
    }

    /**
     * A copy of this canister on `subnet` (a fork): see copyStateFrom. Its heap is shared with
     * this canister until either of them changes it (copy-on-write at the canister's grain).
     */
    forkFor(subnet: SubnetView & { readonly profile: SystemApiProfile }): Canister {
        const c = new Canister(this.id, [], 0n, subnet);
        c.copyStateFrom(this);
        return c;
    }

    /**
     * Makes this canister what `source` is now (a fork, or a restore to a saved state): settings,
     * cycles, call contexts, snapshots and chunks; stable memory shared copy-on-write; the heap
     * and globals. When this canister was last made from the same, unchanged source with the
     * same module, its own instance is kept and only the pages it wrote since are copied back;
     * otherwise it shares the source's heap until first use. A stop request still waiting on the
     * source cannot be copied.
     */
    copyStateFrom(source: Canister): void {
        if (source.pendingStops.length > 0) throw new EmulatorError(`cannot copy ${source.idText} while a stop_canister request for it waits: let it finish first`);
        if (source.current !== undefined) throw new EmulatorError(`cannot copy ${source.idText} during an execution`);
        this.controllers = [...source.controllers];
        this.cycles = source.cycles;
        this.status = source.status;
        this.stable = source.stable.snapshot();
        this.startLog.splice(0, this.startLog.length, ...source.startLog);
        this.globalTimer = source.globalTimer;
        this.certifiedData = source.certifiedData;
        this.version = source.version;
        this.moduleVersion = source.moduleVersion;
        this.callContexts.clear();
        for (const [id, ctx] of source.callContexts) this.callContexts.set(id, { ...ctx });
        // Shared: applySettings builds a new object, never changes one (a structuredClone would
        // turn the Principals of allowed_viewers into plain objects).
        this.settings = source.settings;
        this.chunkStore = source.chunkStore.copy();
        this.snapshots.clear();
        for (const [id, snapshot] of source.snapshots) this.snapshots.set(id, snapshot); // never changed once taken
        this.nextSnapshotId = source.nextSnapshotId;
        this.moduleHash = source.moduleHash;
        this.moduleSize = source.moduleSize;
        this.pendingStops = [];
        this.unresponsiveUntilRound = source.unresponsiveUntilRound;
        this.congestedUntilRound = source.congestedUntilRound;
        const code = source.code;
        const mine = this.shared === undefined ? this.codeSlot : undefined;
        const inPlace =
            code !== undefined &&
            mine !== undefined &&
            mine.compiled === code.compiled &&
            this.restoredFrom?.source === source &&
            this.restoredFrom.mutations === source.mutations &&
            this.heap().length === source.heap().length;
        if (code === undefined) {
            this.releaseSharers(); // forks that still read this heap get their own copy first
            this.code = undefined;
            this.committed = undefined;
        } else if (inPlace) {
            this.releaseSharers();
            const pages = [...this.writtenSinceRestore].sort((a, b) => a - b);
            const from = source.heap();
            copyPages(from, this.heap(), pages);
            if (this.committed !== undefined) copyPages(from, this.committed, pages);
            mine.globals.forEach((g, i) => (g.value = code.globals[i].value));
        } else {
            this.releaseSharers();
            this.codeSlot = undefined;
            this.committed = undefined;
            this.shared = { source, compiled: code.compiled, globals: code.globals.map((g) => g.value as unknown) };
            source.sharers.push(new WeakRef(this));
        }
        this.restoredFrom = { source, mutations: source.mutations };
        this.writtenSinceRestore.clear();
    }

    /**
     * Replaces the code with a fresh instance of `compiled` (heap and globals start anew) and runs
     * its start function within `limit` instructions; returns the instructions it used.
     */
    instantiate(compiled: CompiledModule, limit: bigint, reportedLimit = limit): bigint {
        this.releaseSharers();
        this.restoredFrom = undefined;
        const previous = this.code;
        this.code = undefined;
        this.committed = undefined;
        try {
            this.code = this.newInstance(compiled);
            this.startMeter(limit, reportedLimit);
            if (compiled.start !== undefined) {
                try {
                    this.callExport(compiled.start);
                } catch (e) {
                    if (this.outOfInstructions()) throw new HostTrap(this.limitExceeded());
                    throw e;
                }
            }
            const used = this.instructionsUsed();
            if (instanceChanged(this.requireCode())) this.renewInstance();
            return used;
        } catch (e) {
            this.code = previous;
            throw e;
        }
    }

    /** The limits of the subnet the canister is on. */
    get limits(): Limits {
        return this.subnet.limits;
    }

    /**
     * Sets the instruction counter for an execution that may use `limit` instructions; a trap
     * for running out names `reportedLimit` (the message's whole budget, as the replica reports).
     */
    startMeter(limit: bigint, reportedLimit = limit): void {
        this.meterLimit = limit;
        this.reportedLimit = reportedLimit;
        const meter = this.code?.meter;
        if (meter === undefined) return;
        meter.counter.value = limit;
        meter.flag.value = 0;
    }

    /** Instructions the execution under way used so far (0 for a module compiled without metering). */
    instructionsUsed(): bigint {
        const meter = this.code?.meter;
        if (meter === undefined) return 0n;
        const used = this.meterLimit - (meter.counter.value as bigint);
        return used > this.meterLimit ? this.meterLimit : used;
    }

    /** Whether the execution under way ran out of instructions. */
    outOfInstructions(): boolean {
        const meter = this.code?.meter;
        return meter !== undefined && (meter.flag.value === 1 || (meter.counter.value as bigint) < 0n);
    }

    /** Charges a System API call's instructions; traps once the execution's limit is exceeded. */
    charge(instructions: bigint): void {
        const meter = this.code?.meter;
        if (meter === undefined) return;
        const left = (meter.counter.value as bigint) - instructions;
        meter.counter.value = left;
        if (left < 0n) throw new HostTrap(this.limitExceeded());
    }

    /** The replica's trap text for an execution that ran out of instructions. */
    limitExceeded(): string {
        return instructionLimitExceeded(this.reportedLimit);
    }

    uninstall(): void {
        this.releaseSharers();
        this.restoredFrom = undefined;
        this.code = undefined;
        this.committed = undefined;
    }

    /** A copy of everything a snapshot holds (stable memory and chunks are shared copy-on-write). */
    captureState(): CanisterState {
        return {
            compiled: this.code?.compiled,
            memory: this.code === undefined ? undefined : this.snapshot(),
            stable: this.stable.snapshot(),
            certifiedData: this.certifiedData,
            chunkStore: this.chunkStore.copy(),
            moduleHash: this.moduleHash,
            moduleSize: this.moduleSize
        };
    }

    /** Puts a captured state back: the module (a fresh instance, its start function not run), memories, chunks. */
    loadState(state: CanisterState): void {
        this.releaseSharers();
        this.restoredFrom = undefined;
        this.code = state.compiled === undefined ? undefined : this.newInstance(state.compiled);
        this.committed = undefined;
        if (state.memory !== undefined) this.restore(state.memory);
        this.stable = state.stable.snapshot();
        this.certifiedData = state.certifiedData;
        this.chunkStore = state.chunkStore.copy();
        this.moduleHash = state.moduleHash;
        this.moduleSize = state.moduleSize;
    }

    /** Everything an install_code may change, to put back if it fails. */
    saveForInstall(): SavedInstall {
        return {
            code: this.code,
            snapshot: this.code === undefined ? undefined : this.snapshot(),
            stable: this.stable.snapshot(),
            globalTimer: this.globalTimer,
            certifiedData: this.certifiedData,
            cycles: this.cycles
        };
    }

    restoreInstall(saved: SavedInstall): void {
        this.releaseSharers();
        this.restoredFrom = undefined;
        this.code = saved.code;
        this.committed = undefined;
        if (saved.snapshot !== undefined) this.restore(saved.snapshot);
        this.stable = saved.stable;
        this.globalTimer = saved.globalTimer;
        this.certifiedData = saved.certifiedData;
        this.cycles = saved.cycles;
    }

    /** A copy of the heap and globals (for canister snapshots and installs). */
    snapshot(): Snapshot {
        const code = this.requireCode();
        return {
            heap: this.heap().slice(),
            globals: code.globals.map((g) => g.value as unknown)
        };
    }

    restore(snapshot: Snapshot): void {
        this.putBack(snapshot);
        this.committed = undefined;
        this.restoredFrom = undefined;
    }

    private putBack(snapshot: Snapshot): void {
        this.releaseSharers();
        let code = this.requireCode();
        if (this.heap().length !== snapshot.heap.length || instanceChanged(code)) {
            // Wasm memory cannot shrink: start a fresh instance and grow it to the saved size
            // (also when a table or the segments changed: see renewInstance).
            code = this.newInstance(code.compiled);
            this.code = code;
            const missing = (snapshot.heap.length - this.heap().length) / WASM_PAGE;
            if (missing > 0) code.memory.grow(missing);
        }
        this.heap().set(snapshot.heap);
        code.globals.forEach((g, i) => (g.value = snapshot.globals[i]));
    }

    /**
     * Starts a message execution: remembers the globals; the heap's committed state is kept
     * already, so nothing is copied (except the first time, or for a module without the write
     * barrier, whose whole heap is copied).
     */
    beginExecution(): void {
        this.releaseSharers();
        const code = this.requireCode();
        this.globalsBefore = code.globals.map((g) => g.value as unknown);
        this.hostWritten.clear();
        if (this.committed === undefined || code.heapOffset === undefined) {
            this.committed = this.heap().slice();
            this.takeWrittenPages(code);
        }
    }

    /** The execution's effects stay: the committed heap takes the pages it wrote, and any it grew. */
    commitExecution(): void {
        const code = this.requireCode();
        const live = this.heap();
        let committed = this.committed ?? live.slice();
        if (live.length > committed.length) {
            const grown = new Uint8Array(live.length);
            grown.set(committed);
            grown.set(live.subarray(committed.length), committed.length);
            committed = grown;
        }
        this.committed = committed;
        if (code.heapOffset === undefined) {
            this.restoredFrom = undefined; // which pages changed is not known
        } else {
            const written = this.takeWrittenPages(code);
            copyPages(live, committed, written);
            for (const p of written) this.writtenSinceRestore.add(p);
            if (live.length !== committed.length) this.restoredFrom = undefined;
        }
        if (instanceChanged(code)) this.renewInstance();
    }

    /**
     * The replica runs every message in a fresh instance of the module, carrying over only the
     * memory and the exported globals (rs/embedders/src/wasmtime_embedder.rs, new_instance, called
     * per execution from wasm_executor.rs): a table changed or a segment dropped by one message is
     * back as the module declared it in the next. The emulator keeps one instance across messages,
     * so it makes a new one after a message that ran such an instruction (the module sets a flag
     * before each, wasm/inject.ts).
     */
    private renewInstance(): void {
        this.putBack(this.snapshot()); // a fresh instance, as instanceChanged(code) holds
    }

    /** The execution is undone: heap pages it wrote and globals go back to their committed state. */
    rollbackExecution(): void {
        const code = this.requireCode();
        const committed = this.committed;
        if (committed === undefined) throw new Error(`canister ${this.idText}: rollback without a begun execution`);
        const live = this.heap();
        if (live.length !== committed.length || code.heapOffset === undefined || instanceChanged(code)) {
            // It grew the memory (which cannot shrink), or may have changed a table: a fresh
            // instance with the committed heap.
            this.putBack({ heap: committed, globals: this.globalsBefore });
            this.takeWrittenPages(this.requireCode());
            return;
        }
        copyPages(committed, live, this.takeWrittenPages(code));
        code.globals.forEach((g, i) => (g.value = this.globalsBefore[i]));
    }

    /** Records that the host wrote [start, start + length) of the heap. */
    noteHostWrite(start: number, length: number): void {
        if (length === 0) return;
        for (let p = Math.floor(start / PAGE); p <= Math.floor((start + length - 1) / PAGE); p++) this.hostWritten.add(p);
    }

    /**
     * The pages written since the last commit or rollback (marked in the map by the barrier, or
     * noted for the host), in ascending order, the marks cleared. Marks past the heap (a store
     * that trapped out of bounds) are left: after a grow they only copy a page that did not change.
     */
    private takeWrittenPages(code: Code): number[] {
        const pages: number[] = [];
        if (code.heapOffset !== undefined) {
            const count = Math.min(Math.ceil(this.heap().length / PAGE) + 1, code.heapOffset);
            // The map, read eight entries at a time: most are zero.
            const words = new BigUint64Array(code.memory.buffer, 0, Math.ceil(count / 8));
            const map = new Uint8Array(code.memory.buffer, 0, code.heapOffset);
            for (let w = 0; w < words.length; w++) {
                if (words[w] === 0n) continue;
                for (let p = w * 8; p < w * 8 + 8; p++) {
                    if (map[p] !== 0) {
                        pages.push(p);
                        map[p] = 0;
                    }
                }
            }
        }
        if (this.hostWritten.size > 0) {
            for (const p of this.hostWritten) if (!pages.includes(p)) pages.push(p);
            pages.sort((a, b) => a - b);
            this.hostWritten.clear();
        }
        return pages;
    }

    /** Calls an exported function (a canister method or system hook). */
    callExport(name: string): void {
        const fn = this.requireCode().instance.exports[name];
        if (typeof fn !== 'function') throw new Error(`the module exports no function ${name}`);
        (fn as () => void)();
    }

    /** Calls a callback by table index with its environment, as the system does for responses. */
    callClosure(fun: number, env: number): void {
        const table = this.requireCode().table;
        const fn = table?.get(fun) as ((env: number) => void) | null | undefined;
        if (typeof fn !== 'function') throw new WebAssembly.RuntimeError(`callback table index ${fun} is not a function`);
        fn(env);
    }

    private requireCode(): Code {
        if (this.code === undefined) throw new Error(`canister ${this.idText} has no code installed`);
        return this.code;
    }

    private newInstance(compiled: CompiledModule): Code {
        const ic0 = buildIc0(compiled.imports, this.subnet.profile, this, this.subnet, () => this.current);
        const instance = new WebAssembly.Instance(compiled.module, { ic0 });
        const exports = instance.exports;
        const metering = compiled.metering;
        return {
            compiled,
            instance,
            memory: compiled.memory === undefined ? EMPTY_MEMORY : (exports[compiled.memory] as WebAssembly.Memory),
            globals: compiled.mutableGlobals.map((g) => exports[g] as WebAssembly.Global),
            table: compiled.table === undefined ? undefined : (exports[compiled.table] as WebAssembly.Table),
            meter:
                metering === undefined
                    ? undefined
                    : { counter: exports[metering.counter] as WebAssembly.Global, flag: exports[metering.outOfInstructions] as WebAssembly.Global },
            heapOffset: compiled.heapOffset,
            instanceChanged: compiled.instanceChanged === undefined ? undefined : (exports[compiled.instanceChanged] as WebAssembly.Global)
        };
    }
}
