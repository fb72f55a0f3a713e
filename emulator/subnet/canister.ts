import { Principal } from '@dfinity/principal';

import { SystemApiProfile } from '../../spec/system_api';
import { ExecutionState } from '../execution/execution_state';
import { ChunkStore } from '../management/chunk_store';
import { defaultSettings, SettingsState } from '../management/settings';
import { buildIc0, CanisterView, SubnetView } from '../system_api';
import { CanisterStatusName } from '../system_api/env';
import { CallContext } from './messages';
import { CompiledModule } from './module_cache';
import { StableMemory } from './stable_memory';

/** The code half of a canister: its module instance and the exports that hold its state. */
interface Code {
    readonly compiled: CompiledModule;
    instance: WebAssembly.Instance;
    memory: WebAssembly.Memory;
    globals: WebAssembly.Global[];
    table: WebAssembly.Table | undefined;
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
    private code: Code | undefined;
    private scratch = new Uint8Array(0);
    /**
     * The scratch buffer holds the live heap exactly: set when a rolled-back execution (every
     * query) copied it back, cleared by anything that may change the heap. Consecutive queries
     * then copy the heap once each instead of twice.
     */
    private scratchIsLive = false;

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

    get installed(): CompiledModule | undefined {
        return this.code?.compiled;
    }

    memory(): WebAssembly.Memory {
        return this.code?.memory ?? EMPTY_MEMORY;
    }

    hasExport(name: string): boolean {
        return this.code?.compiled.exports.has(name) ?? false;
    }

    /** Replaces the code with a fresh instance of `compiled` (heap and globals start anew). */
    instantiate(compiled: CompiledModule): void {
        this.scratchIsLive = false;
        const previous = this.code;
        this.code = undefined;
        try {
            this.code = this.newInstance(compiled);
            if (compiled.start !== undefined) this.callExport(compiled.start);
        } catch (e) {
            this.code = previous;
            throw e;
        }
    }

    uninstall(): void {
        this.code = undefined;
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
        this.scratchIsLive = false;
        this.code = state.compiled === undefined ? undefined : this.newInstance(state.compiled);
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
            certifiedData: this.certifiedData
        };
    }

    restoreInstall(saved: SavedInstall): void {
        this.scratchIsLive = false;
        this.code = saved.code;
        if (saved.snapshot !== undefined) this.restore(saved.snapshot);
        this.stable = saved.stable;
        this.globalTimer = saved.globalTimer;
        this.certifiedData = saved.certifiedData;
    }

    /**
     * Copies what a message may change. With `reuse`, the copy goes into a buffer kept for the
     * purpose (one per canister: message executions do not nest), which spares the garbage
     * collector an allocation of the whole heap per message.
     */
    snapshot(reuse = false): Snapshot {
        const code = this.requireCode();
        const live = new Uint8Array(code.memory.buffer);
        let heap: Uint8Array;
        if (reuse) {
            if (!this.scratchIsLive || this.scratch.length !== live.length) {
                if (this.scratch.length !== live.length) this.scratch = new Uint8Array(live.length);
                this.scratch.set(live);
            }
            this.scratchIsLive = false; // the execution that asked for it may change the heap
            heap = this.scratch;
        } else {
            heap = live.slice();
        }
        return {
            heap,
            globals: code.globals.map((g) => g.value as unknown)
        };
    }

    restore(snapshot: Snapshot): void {
        let code = this.requireCode();
        if (code.memory.buffer.byteLength !== snapshot.heap.length) {
            // Wasm memory cannot shrink: start a fresh instance and grow it to the saved size.
            code = this.newInstance(code.compiled);
            this.code = code;
            const missing = (snapshot.heap.length - code.memory.buffer.byteLength) / 65_536;
            if (missing > 0) code.memory.grow(missing);
        }
        new Uint8Array(code.memory.buffer).set(snapshot.heap);
        code.globals.forEach((g, i) => (g.value = snapshot.globals[i]));
        this.scratchIsLive = snapshot.heap === this.scratch;
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
        return {
            compiled,
            instance,
            memory: compiled.memory === undefined ? EMPTY_MEMORY : (exports[compiled.memory] as WebAssembly.Memory),
            globals: compiled.mutableGlobals.map((g) => exports[g] as WebAssembly.Global),
            table: compiled.table === undefined ? undefined : (exports[compiled.table] as WebAssembly.Table)
        };
    }
}
