import { createHash } from 'node:crypto';

import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';

import { EmulatorError, HostTrap, RejectCode } from '../errors.js';
import { execute, Outcome } from '../execution/executor.js';
import { trapReject } from '../execution/user_errors.js';
import { ImportError } from '../system_api/index.js';
import { Canister } from '../subnet/canister.js';
import { Response } from '../subnet/messages.js';
import { compileModule } from '../subnet/module_cache.js';
import { StableMemory } from '../subnet/stable_memory.js';
import { completeStopIfDone } from '../subnet/commit.js';
import { ManagementHandler, Subnet } from '../subnet/subnet.js';
import {
    CanisterIdRecord,
    CanisterSettings,
    CanisterStatusResult,
    ChunkHash,
    CreateCanisterArgs,
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
} from './candid.js';
import { ChunkStoreError } from './chunk_store.js';
import { applySettings, invalidSettings, visibleTo } from './settings.js';
import { decodeModule, ModuleError } from './wasm_module.js';

type Respond = (response: Response, refund: bigint) => void;

/** MAX_NUMBER_OF_SNAPSHOTS_PER_CANISTER (dfinity/ic, rs/config/src/execution_environment.rs). */
export const MAX_SNAPSHOTS = 10;

class Rejection extends Error {
    constructor(
        readonly code: RejectCode,
        message: string
    ) {
        super(message);
    }
}

const reply = (types: IDL.Type[], values: unknown[]): Response => ({ reply: new Uint8Array(IDL.encode(types, values)) });
const EMPTY_REPLY = reply([], []);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const sha256 = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());

function decode<T>(type: IDL.Type, arg: Uint8Array): T {
    try {
        return IDL.decode([type], arg)[0] as T;
    } catch (e) {
        throw new Rejection(RejectCode.CanisterReject, `Error decoding candid: ${(e as Error).message}`);
    }
}

/**
 * The management canister (aaaaa-aa), reached by ingress and by inter-canister calls alike:
 * canister creation and settings, code installation (plain, gzip and from the chunk store),
 * start/stop, status, snapshots, deletion, raw_rand and cycles.
 */
export class Management implements ManagementHandler {
    handle(subnet: Subnet, caller: Principal, method: string, arg: Uint8Array, cycles: bigint, respond: Respond): void {
        try {
            this.dispatch(subnet, caller, method, arg, cycles, respond);
        } catch (e) {
            if (!(e instanceof Rejection)) throw e;
            respond({ reject: { code: e.code, message: e.message } }, cycles);
        }
    }

    private dispatch(subnet: Subnet, caller: Principal, method: string, arg: Uint8Array, cycles: bigint, respond: Respond): void {
        const done = (response: Response = EMPTY_REPLY) => respond(response, cycles);
        switch (method) {
            case 'create_canister': {
                const args = decode<CreateCanisterArgs>(CreateCanisterArgs, arg);
                const canister = create(subnet, args.settings[0], caller, cycles);
                return respond(reply([CanisterIdRecord], [{ canister_id: canister.id }]), 0n);
            }
            case 'provisional_create_canister_with_cycles': {
                const args = decode<ProvisionalCreateArgs>(ProvisionalCreateArgs, arg);
                const canister = create(subnet, args.settings[0], caller, args.amount[0] ?? 100_000_000_000_000n);
                return done(reply([CanisterIdRecord], [{ canister_id: canister.id }]));
            }
            case 'install_code': {
                const args = decode<InstallCodeArgs>(InstallCodeArgs, arg);
                install(subnet, controlled(subnet, args.canister_id, caller), args.mode, args.wasm_module, args.arg, caller);
                return done();
            }
            case 'upload_chunk': {
                const args = decode<UploadChunkArgs>(UploadChunkArgs, arg);
                const canister = controlledOrSelf(subnet, args.canister_id, caller);
                const hash = chunkStoreCall(() => canister.chunkStore.upload(args.chunk));
                return done(reply([ChunkHash], [{ hash }]));
            }
            case 'stored_chunks': {
                const canister = controlledOrSelf(subnet, decode<CanisterIdRecord>(CanisterIdRecord, arg).canister_id, caller);
                return done(reply([IDL.Vec(ChunkHash)], [canister.chunkStore.hashes().map((hash) => ({ hash }))]));
            }
            case 'clear_chunk_store': {
                controlledOrSelf(subnet, decode<CanisterIdRecord>(CanisterIdRecord, arg).canister_id, caller).chunkStore.clear();
                return done();
            }
            case 'install_chunked_code': {
                const args = decode<InstallChunkedCodeArgs>(InstallChunkedCodeArgs, arg);
                const target = controlled(subnet, args.target_canister, caller);
                const store = args.store_canister[0] === undefined ? target : controlledOrSelf(subnet, args.store_canister[0], caller);
                install(subnet, target, args.mode, assembleChunks(store, args), args.arg, caller);
                return done();
            }
            case 'update_settings': {
                const args = decode<UpdateSettingsArgs>(UpdateSettingsArgs, arg);
                const canister = controlled(subnet, args.canister_id, caller);
                updateSettings(canister, args.settings);
                canister.version++; // spec: every successful update_settings
                return done();
            }
            case 'start_canister': {
                const canister = controlled(subnet, decode<CanisterIdRecord>(CanisterIdRecord, arg).canister_id, caller);
                if (canister.status === 'stopping') {
                    for (const stop of canister.pendingStops.splice(0)) stop.respond('cancelled');
                }
                canister.version++; // also when it was running already (spec: "Starting a canister")
                canister.status = 'running';
                return done();
            }
            case 'stop_canister': {
                const canister = controlled(subnet, decode<CanisterIdRecord>(CanisterIdRecord, arg).canister_id, caller);
                canister.version++; // every stop_canister, even on a stopped canister (spec: "Stopping a canister")
                if (canister.status === 'stopped') return done();
                canister.status = 'stopping';
                canister.pendingStops.push({
                    expiresAt: subnet.time + subnet.config.stopTimeoutNs,
                    respond: (outcome) => {
                        // The replica's answers: CanisterStoppingCancelled (a CANISTER_ERROR) and
                        // StopCanisterRequestTimeout (a SYS_TRANSIENT).
                        if (outcome === 'stopped') done();
                        else if (outcome === 'cancelled') done({ reject: { code: RejectCode.CanisterError, message: `Canister ${canister.idText}'s stop request was cancelled.` } });
                        else done({ reject: { code: RejectCode.SysTransient, message: `Canister ${canister.idText}'s stop request timed out.` } });
                    }
                });
                completeStopIfDone(canister);
                return;
            }
            case 'canister_status': {
                const id = decode<CanisterIdRecord>(CanisterIdRecord, arg).canister_id;
                const canister = existing(subnet, id);
                // Spec: the controllers, the canister itself, and whoever status_visibility names.
                if (caller.compareTo(id) !== 'eq' && !visibleTo(canister.settings.status_visibility, caller, canister.controllers)) throw notController(canister);
                return done(reply([CanisterStatusResult], [statusOf(subnet, canister)]));
            }
            case 'take_canister_snapshot': {
                const args = decode<TakeSnapshotArgs>(TakeSnapshotArgs, arg);
                const snapshot = takeSnapshot(subnet, controlled(subnet, args.canister_id, caller), args);
                return done(reply([Snapshot], [snapshot]));
            }
            case 'load_canister_snapshot': {
                const args = decode<LoadSnapshotArgs>(LoadSnapshotArgs, arg);
                loadSnapshot(controlled(subnet, args.canister_id, caller), args.snapshot_id);
                return done();
            }
            case 'list_canister_snapshots': {
                const canister = existing(subnet, decode<CanisterIdRecord>(CanisterIdRecord, arg).canister_id);
                if (!visibleTo(canister.settings.snapshot_visibility, caller, canister.controllers)) throw notController(canister);
                return done(reply([IDL.Vec(Snapshot)], [[...canister.snapshots.values()].map(describeSnapshot)]));
            }
            case 'delete_canister_snapshot': {
                const args = decode<DeleteSnapshotArgs>(DeleteSnapshotArgs, arg);
                const canister = controlled(subnet, args.canister_id, caller);
                snapshotOf(canister, args.snapshot_id);
                canister.snapshots.delete(hex(args.snapshot_id));
                return done();
            }
            case 'delete_canister': {
                const canister = controlled(subnet, decode<CanisterIdRecord>(CanisterIdRecord, arg).canister_id, caller);
                if (canister.status !== 'stopped') {
                    throw new Rejection(RejectCode.CanisterError, `Canister ${canister.idText} must be stopped before it is deleted.`);
                }
                subnet.canisters.delete(canister.idText); // its snapshots go with it
                return done();
            }
            case 'deposit_cycles': {
                onlyCanisters(subnet, caller, method);
                existing(subnet, decode<CanisterIdRecord>(CanisterIdRecord, arg).canister_id).cycles += cycles;
                return respond(EMPTY_REPLY, 0n);
            }
            case 'provisional_top_up_canister': {
                const args = decode<TopUpArgs>(TopUpArgs, arg);
                existing(subnet, args.canister_id).cycles += args.amount;
                return done();
            }
            case 'raw_rand':
                // Answered in the next round, from that round's randomness (the replica postpones
                // raw_rand requests: scheduler.rs, raw_rand_contexts).
                onlyCanisters(subnet, caller, method);
                subnet.postponed.push(() => done(reply([IDL.Vec(IDL.Nat8)], [subnet.prng.bytes(32)])));
                return;
            default:
                // IC0536, CANISTER_ERROR (ic_error_types, CanisterMethodNotFound).
                throw new Rejection(RejectCode.CanisterError, `Management canister has no method '${method}'`);
        }
    }
}

/** Spec: raw_rand and deposit_cycles "cannot be called by external users via ingress messages". */
function onlyCanisters(subnet: Subnet, caller: Principal, method: string): void {
    if (subnet.canister(caller) === undefined) throw new Rejection(RejectCode.CanisterReject, `Only canisters can call ic00 method ${method}`);
}

function create(subnet: Subnet, settings: CanisterSettings | undefined, caller: Principal, cycles: bigint): Canister {
    const invalid = settings === undefined ? undefined : invalidSettings(settings);
    if (invalid !== undefined) throw new Rejection(RejectCode.CanisterError, invalid);
    const canister = subnet.createCanister(settings?.controllers[0] ?? [caller], cycles);
    if (settings !== undefined) canister.settings = applySettings(canister.settings, settings);
    return canister;
}

function updateSettings(canister: Canister, settings: CanisterSettings): void {
    const invalid = invalidSettings(settings);
    if (invalid !== undefined) throw new Rejection(RejectCode.CanisterError, invalid);
    if (settings.controllers[0] !== undefined) canister.controllers = settings.controllers[0];
    canister.settings = applySettings(canister.settings, settings);
}

function existing(subnet: Subnet, id: Principal): Canister {
    const canister = subnet.canister(id);
    if (canister === undefined) throw new Rejection(RejectCode.DestinationInvalid, `Canister ${id.toText()} not found`);
    return canister;
}

function isController(canister: Canister, caller: Principal): boolean {
    return canister.controllers.some((c) => c.compareTo(caller) === 'eq');
}

function notController(canister: Canister): Rejection {
    return new Rejection(RejectCode.CanisterError, `Only the controllers of the canister ${canister.idText} can control it.`);
}

function controlled(subnet: Subnet, id: Principal, caller: Principal): Canister {
    const canister = existing(subnet, id);
    if (!isController(canister, caller)) throw notController(canister);
    return canister;
}

/** The chunk store methods: its controllers, or the canister itself (spec: upload_chunk). */
function controlledOrSelf(subnet: Subnet, id: Principal, caller: Principal): Canister {
    const canister = existing(subnet, id);
    if (!isController(canister, caller) && caller.compareTo(id) !== 'eq') throw notController(canister);
    return canister;
}

function chunkStoreCall<T>(run: () => T): T {
    try {
        return run();
    } catch (e) {
        // CanisterManagerError::WasmChunkStoreError, IC0504 (CANISTER_ERROR).
        if (e instanceof ChunkStoreError) throw new Rejection(RejectCode.CanisterError, `Error from Wasm chunk store: ${e.message}.`);
        throw e;
    }
}

/** The module install_chunked_code installs: the listed chunks, in order, whose SHA-256 must be wasm_module_hash. */
function assembleChunks(store: Canister, args: InstallChunkedCodeArgs): Uint8Array {
    const chunks = args.chunk_hashes_list.map(({ hash }) => {
        const chunk = store.chunkStore.get(hash);
        if (chunk === undefined) throw new Rejection(RejectCode.CanisterError, `Error from Wasm chunk store: chunk ${hex(hash)} is not in the chunk store of ${store.idText}.`);
        return chunk;
    });
    const wasm = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of chunks) {
        wasm.set(c, at);
        at += c.length;
    }
    const hash = sha256(wasm);
    if (hex(hash) !== hex(args.wasm_module_hash)) {
        throw new Rejection(RejectCode.CanisterReject, `Wasm module hash ${hex(hash)} does not match given hash ${hex(args.wasm_module_hash)}.`);
    }
    return wasm;
}

function statusOf(subnet: Subnet, canister: Canister): CanisterStatusResult {
    const wasmMemory = BigInt(canister.heap().length);
    const stable = BigInt(canister.stable.byteLength);
    const globals = BigInt((canister.installed?.mutableGlobals.length ?? 0) * 8);
    const snapshots = [...canister.snapshots.values()].reduce((n, s) => n + s.size, 0n);
    const chunks = BigInt(canister.chunkStore.size);
    const binary = BigInt(canister.moduleSize);
    const queued = subnet.queue.some((m) => m.to.compareTo(canister.id) === 'eq' || (m.kind !== 'ingress' && m.from.compareTo(canister.id) === 'eq'));
    return {
        status: { [canister.status]: null } as CanisterStatusResult['status'],
        // Spec: only ever true when the canister is stopped (and, here, nothing is queued to or from it).
        ready_for_migration: canister.status === 'stopped' && !queued,
        version: canister.version,
        settings: { ...canister.settings, controllers: canister.controllers },
        module_hash: canister.moduleHash === undefined ? [] : [canister.moduleHash],
        memory_size: wasmMemory + stable + globals + binary + chunks + snapshots,
        memory_metrics: {
            wasm_memory_size: wasmMemory,
            stable_memory_size: stable,
            global_memory_size: globals,
            wasm_binary_size: binary,
            custom_sections_size: 0n,
            canister_history_size: 0n,
            wasm_chunk_store_size: chunks,
            snapshots_size: snapshots,
            log_memory_store_size: 0n
        },
        cycles: canister.cycles,
        reserved_cycles: 0n,
        idle_cycles_burned_per_day: 0n,
        query_stats: { num_calls_total: 0n, num_instructions_total: 0n, request_payload_bytes_total: 0n, response_payload_bytes_total: 0n }
    };
}

/** Applies the effects an init / upgrade hook may have: cycles, timer, certified data. */
function applyHook(subnet: Subnet, canister: Canister, outcome: Outcome): void {
    for (const line of outcome.state.debugLog) subnet.logs.push({ canister: canister.idText, time: subnet.time, line });
    if (outcome.trap !== undefined) {
        subnet.logs.push({ canister: canister.idText, time: subnet.time, line: `[TRAP]: ${outcome.trap}` });
        throw new Rejection(RejectCode.CanisterError, trapReject(canister.idText, outcome.trap));
    }
    canister.cycles = outcome.state.balance;
    if (outcome.state.globalTimer !== undefined) canister.globalTimer = outcome.state.globalTimer;
    if (outcome.state.certifiedData !== undefined) canister.certifiedData = outcome.state.certifiedData;
}

/**
 * install / reinstall / upgrade as one atomic step: if any hook traps or the module is refused,
 * the canister keeps its previous code and state. The canister version is bumped before the new
 * module's start function and init or post_upgrade run, so they see the new version (spec:
 * "canister_post_upgrade sees the new counter value"; the replica's install.rs "Stage 1 ... bump
 * canister version").
 */
function install(subnet: Subnet, canister: Canister, modeArg: InstallMode, wasmModule: Uint8Array, arg: Uint8Array, caller: Principal): void {
    let compiled;
    try {
        compiled = compileModule(decodeModule(wasmModule), subnet.config.instrumentation);
    } catch (e) {
        // The replica names the target canister (CanisterManagerError::Hypervisor, InvalidWasm).
        if (e instanceof ModuleError || e instanceof EmulatorError) {
            throw new Rejection(RejectCode.CanisterError, `Error from Canister ${canister.idText}: Canister's Wasm module is not valid: ${e.message}`);
        }
        throw e;
    }
    const mode = 'install' in modeArg ? 'install' : 'reinstall' in modeArg ? 'reinstall' : 'upgrade';
    if (mode === 'install' && canister.installed !== undefined) {
        throw new Rejection(
            RejectCode.CanisterError,
            `Canister ${canister.idText} cannot be installed because the canister is not empty. Try installing with mode='reinstall' instead.`
        );
    }
    if (mode === 'upgrade' && canister.installed === undefined) {
        throw new Rejection(RejectCode.CanisterError, `Canister ${canister.idText} has no Wasm module to upgrade`);
    }
    const saved = canister.saveForInstall();
    const version = canister.version;
    // pre_upgrade, the start function and init or post_upgrade share one budget (MAX_INSTRUCTIONS_PER_INSTALL_CODE).
    const budget = subnet.limits.instructions.install;
    let used = 0n;
    try {
        if (mode === 'upgrade') {
            const options = 'upgrade' in modeArg ? modeArg.upgrade[0] : undefined;
            if (canister.hasExport('canister_pre_upgrade') && options?.skip_pre_upgrade[0] !== true) {
                const outcome = execute(canister, { kind: 'pre_upgrade', caller }, subnet.time);
                applyHook(subnet, canister, outcome);
                used += outcome.instructions;
            }
        } else {
            canister.stable = StableMemory.empty();
        }
        canister.version = version + 1n;
        try {
            used += canister.instantiate(compiled, budget - used, budget);
        } catch (e) {
            if (e instanceof ImportError) throw new Rejection(RejectCode.CanisterError, `Error from Canister ${canister.idText}: Canister's Wasm module is not valid: ${e.message}`);
            if (e instanceof HostTrap) throw new Rejection(RejectCode.CanisterError, trapReject(canister.idText, e.message));
            throw new Rejection(RejectCode.CanisterError, `Error from Canister ${canister.idText}: instantiation failed: ${(e as Error).message}`);
        } finally {
            for (const line of canister.startLog.splice(0)) subnet.logs.push({ canister: canister.idText, time: subnet.time, line });
        }
        canister.globalTimer = 0n; // a new module starts without a timer
        const hook = mode === 'upgrade' ? 'post_upgrade' : 'init';
        if (canister.hasExport(`canister_${hook}`)) {
            applyHook(subnet, canister, execute(canister, { kind: hook, arg, caller }, subnet.time, { limit: budget - used }));
        }
    } catch (e) {
        canister.restoreInstall(saved);
        canister.version = version;
        throw e;
    }
    canister.moduleHash = sha256(wasmModule);
    canister.moduleSize = wasmModule.length;
    canister.moduleVersion++;
}

/** A snapshot id: the canister's 8-byte big-endian snapshot counter, then its id (the replica's SnapshotId). */
function snapshotId(canister: Canister): Uint8Array {
    const local = new Uint8Array(8);
    new DataView(local.buffer).setBigUint64(0, canister.nextSnapshotId++);
    return new Uint8Array([...local, ...canister.id.toUint8Array()]);
}

function snapshotOf(canister: Canister, id: Uint8Array) {
    const snapshot = canister.snapshots.get(hex(id));
    if (snapshot === undefined) {
        throw new Rejection(RejectCode.DestinationInvalid, `Could not find the snapshot ID ${hex(id)} for canister ${canister.idText}.`);
    }
    return snapshot;
}

function describeSnapshot(s: { id: Uint8Array; takenAt: bigint; size: bigint }): Snapshot {
    return { id: s.id, taken_at_timestamp: s.takenAt, total_size: s.size };
}

/**
 * Takes a snapshot (spec: wasm memory, stable memory, certified variables, chunk store, module).
 * At most MAX_SNAPSHOTS, unless one is replaced; it does not change the canister version.
 */
function takeSnapshot(subnet: Subnet, canister: Canister, args: TakeSnapshotArgs): Snapshot {
    if (canister.installed === undefined) throw new Rejection(RejectCode.CanisterReject, `Canister ${canister.idText} has no Wasm module to take a snapshot of.`);
    const replace = args.replace_snapshot[0];
    if (replace !== undefined) snapshotOf(canister, replace);
    else if (canister.snapshots.size >= MAX_SNAPSHOTS) {
        throw new Rejection(RejectCode.CanisterReject, `Canister ${canister.idText} has reached the maximum number of snapshots allowed: ${MAX_SNAPSHOTS}.`);
    }
    const state = canister.captureState();
    const size = BigInt(canister.heap().length + canister.stable.byteLength + canister.chunkStore.size + canister.moduleSize);
    const id = snapshotId(canister);
    if (replace !== undefined) canister.snapshots.delete(hex(replace));
    canister.snapshots.set(hex(id), { id, takenAt: subnet.time, state, size });
    if (args.uninstall_code?.[0] === true) {
        canister.uninstall();
        canister.moduleHash = undefined;
        canister.moduleSize = 0;
    }
    return { id, taken_at_timestamp: subnet.time, total_size: size };
}

/** Loads a snapshot: module, memories, certified data and chunk store come back; the version goes up by one. */
function loadSnapshot(canister: Canister, id: Uint8Array): void {
    const snapshot = snapshotOf(canister, id);
    canister.loadState(snapshot.state);
    canister.moduleVersion++;
    canister.version++;
}
