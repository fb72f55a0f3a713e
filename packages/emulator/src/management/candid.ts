import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';

/**
 * The management canister's interface as the emulator serves it: the records of the current
 * ic.did (dfinity/developer-docs, public/references/ic.did) for the methods it implements, every
 * field included, because today's clients decode with that file and a missing non-optional field
 * fails their decoding. Arguments decode by Candid subtyping, so older clients that send fewer
 * optional fields are served too.
 */

//#region settings

const Visibility = IDL.Variant({ controllers: IDL.Null, public: IDL.Null, allowed_viewers: IDL.Vec(IDL.Principal) });
export type Visibility = { controllers: null } | { public: null } | { allowed_viewers: Principal[] };

const EnvironmentVariable = IDL.Record({ name: IDL.Text, value: IDL.Text });
export type EnvironmentVariable = { name: string; value: string };

/** `canister_settings`: each field optional, "not including a setting means not changing that field". */
export const CanisterSettings = IDL.Record({
    controllers: IDL.Opt(IDL.Vec(IDL.Principal)),
    compute_allocation: IDL.Opt(IDL.Nat),
    memory_allocation: IDL.Opt(IDL.Nat),
    freezing_threshold: IDL.Opt(IDL.Nat),
    reserved_cycles_limit: IDL.Opt(IDL.Nat),
    minimum_incoming_canister_call_cycles: IDL.Opt(IDL.Nat),
    log_visibility: IDL.Opt(Visibility),
    log_memory_limit: IDL.Opt(IDL.Nat),
    snapshot_visibility: IDL.Opt(Visibility),
    status_visibility: IDL.Opt(Visibility),
    wasm_memory_limit: IDL.Opt(IDL.Nat),
    wasm_memory_threshold: IDL.Opt(IDL.Nat),
    environment_variables: IDL.Opt(IDL.Vec(EnvironmentVariable))
});
export type CanisterSettings = {
    controllers: [] | [Principal[]];
    compute_allocation?: [] | [bigint];
    memory_allocation?: [] | [bigint];
    freezing_threshold?: [] | [bigint];
    reserved_cycles_limit?: [] | [bigint];
    minimum_incoming_canister_call_cycles?: [] | [bigint];
    log_visibility?: [] | [Visibility];
    log_memory_limit?: [] | [bigint];
    snapshot_visibility?: [] | [Visibility];
    status_visibility?: [] | [Visibility];
    wasm_memory_limit?: [] | [bigint];
    wasm_memory_threshold?: [] | [bigint];
    environment_variables?: [] | [EnvironmentVariable[]];
};

/** `definite_canister_settings`: every setting, as canister_status reports it. */
export const DefiniteCanisterSettings = IDL.Record({
    controllers: IDL.Vec(IDL.Principal),
    compute_allocation: IDL.Nat,
    memory_allocation: IDL.Nat,
    freezing_threshold: IDL.Nat,
    reserved_cycles_limit: IDL.Nat,
    minimum_incoming_canister_call_cycles: IDL.Nat,
    log_visibility: Visibility,
    log_memory_limit: IDL.Nat,
    snapshot_visibility: Visibility,
    status_visibility: Visibility,
    wasm_memory_limit: IDL.Nat,
    wasm_memory_threshold: IDL.Nat,
    environment_variables: IDL.Vec(EnvironmentVariable)
});
export type DefiniteCanisterSettings = {
    controllers: Principal[];
    compute_allocation: bigint;
    memory_allocation: bigint;
    freezing_threshold: bigint;
    reserved_cycles_limit: bigint;
    minimum_incoming_canister_call_cycles: bigint;
    log_visibility: Visibility;
    log_memory_limit: bigint;
    snapshot_visibility: Visibility;
    status_visibility: Visibility;
    wasm_memory_limit: bigint;
    wasm_memory_threshold: bigint;
    environment_variables: EnvironmentVariable[];
};

//#endregion

//#region lifecycle

export const CanisterIdRecord = IDL.Record({ canister_id: IDL.Principal });
export type CanisterIdRecord = { canister_id: Principal };

export const CreateCanisterArgs = IDL.Record({
    settings: IDL.Opt(CanisterSettings),
    sender_canister_version: IDL.Opt(IDL.Nat64)
});
export type CreateCanisterArgs = { settings: [] | [CanisterSettings]; sender_canister_version: [] | [bigint] };

export const ProvisionalCreateArgs = IDL.Record({
    amount: IDL.Opt(IDL.Nat),
    settings: IDL.Opt(CanisterSettings),
    specified_id: IDL.Opt(IDL.Principal),
    sender_canister_version: IDL.Opt(IDL.Nat64)
});
export type ProvisionalCreateArgs = {
    amount: [] | [bigint];
    settings: [] | [CanisterSettings];
    specified_id: [] | [Principal];
    sender_canister_version: [] | [bigint];
};

export const UpgradeOptions = IDL.Record({
    skip_pre_upgrade: IDL.Opt(IDL.Bool),
    wasm_memory_persistence: IDL.Opt(IDL.Variant({ keep: IDL.Null, replace: IDL.Null }))
});

export const InstallMode = IDL.Variant({
    install: IDL.Null,
    reinstall: IDL.Null,
    upgrade: IDL.Opt(UpgradeOptions)
});
export type InstallMode =
    | { install: null }
    | { reinstall: null }
    | { upgrade: [] | [{ skip_pre_upgrade: [] | [boolean]; wasm_memory_persistence: [] | [{ keep: null } | { replace: null }] }] };

export const InstallCodeArgs = IDL.Record({
    mode: InstallMode,
    canister_id: IDL.Principal,
    wasm_module: IDL.Vec(IDL.Nat8),
    arg: IDL.Vec(IDL.Nat8),
    sender_canister_version: IDL.Opt(IDL.Nat64)
});
export type InstallCodeArgs = {
    mode: InstallMode;
    canister_id: Principal;
    wasm_module: Uint8Array;
    arg: Uint8Array;
    sender_canister_version: [] | [bigint];
};

export const UpdateSettingsArgs = IDL.Record({
    canister_id: IDL.Principal,
    settings: CanisterSettings,
    sender_canister_version: IDL.Opt(IDL.Nat64)
});
export type UpdateSettingsArgs = { canister_id: Principal; settings: CanisterSettings; sender_canister_version: [] | [bigint] };

export const TopUpArgs = IDL.Record({ canister_id: IDL.Principal, amount: IDL.Nat });
export type TopUpArgs = { canister_id: Principal; amount: bigint };

//#endregion

//#region canister_status

const MemoryMetrics = IDL.Record({
    wasm_memory_size: IDL.Nat,
    stable_memory_size: IDL.Nat,
    global_memory_size: IDL.Nat,
    wasm_binary_size: IDL.Nat,
    custom_sections_size: IDL.Nat,
    canister_history_size: IDL.Nat,
    wasm_chunk_store_size: IDL.Nat,
    snapshots_size: IDL.Nat,
    log_memory_store_size: IDL.Nat
});
export type MemoryMetrics = {
    wasm_memory_size: bigint;
    stable_memory_size: bigint;
    global_memory_size: bigint;
    wasm_binary_size: bigint;
    custom_sections_size: bigint;
    canister_history_size: bigint;
    wasm_chunk_store_size: bigint;
    snapshots_size: bigint;
    log_memory_store_size: bigint;
};

const QueryStats = IDL.Record({
    num_calls_total: IDL.Nat,
    num_instructions_total: IDL.Nat,
    request_payload_bytes_total: IDL.Nat,
    response_payload_bytes_total: IDL.Nat
});

export const CanisterStatusResult = IDL.Record({
    status: IDL.Variant({ running: IDL.Null, stopping: IDL.Null, stopped: IDL.Null }),
    ready_for_migration: IDL.Bool,
    version: IDL.Nat64,
    settings: DefiniteCanisterSettings,
    module_hash: IDL.Opt(IDL.Vec(IDL.Nat8)),
    memory_size: IDL.Nat,
    memory_metrics: MemoryMetrics,
    cycles: IDL.Nat,
    reserved_cycles: IDL.Nat,
    idle_cycles_burned_per_day: IDL.Nat,
    query_stats: QueryStats
});
export type CanisterStatusResult = {
    status: { running: null } | { stopping: null } | { stopped: null };
    ready_for_migration: boolean;
    version: bigint;
    settings: DefiniteCanisterSettings;
    module_hash: [] | [Uint8Array];
    memory_size: bigint;
    memory_metrics: MemoryMetrics;
    cycles: bigint;
    reserved_cycles: bigint;
    idle_cycles_burned_per_day: bigint;
    query_stats: { num_calls_total: bigint; num_instructions_total: bigint; request_payload_bytes_total: bigint; response_payload_bytes_total: bigint };
};

//#endregion

//#region chunk store

export const ChunkHash = IDL.Record({ hash: IDL.Vec(IDL.Nat8) });
export type ChunkHash = { hash: Uint8Array };

export const UploadChunkArgs = IDL.Record({ canister_id: IDL.Principal, chunk: IDL.Vec(IDL.Nat8) });
export type UploadChunkArgs = { canister_id: Principal; chunk: Uint8Array };

export const InstallChunkedCodeArgs = IDL.Record({
    mode: InstallMode,
    target_canister: IDL.Principal,
    store_canister: IDL.Opt(IDL.Principal),
    chunk_hashes_list: IDL.Vec(ChunkHash),
    wasm_module_hash: IDL.Vec(IDL.Nat8),
    arg: IDL.Vec(IDL.Nat8),
    sender_canister_version: IDL.Opt(IDL.Nat64)
});
export type InstallChunkedCodeArgs = {
    mode: InstallMode;
    target_canister: Principal;
    store_canister: [] | [Principal];
    chunk_hashes_list: ChunkHash[];
    wasm_module_hash: Uint8Array;
    arg: Uint8Array;
    sender_canister_version: [] | [bigint];
};

//#endregion

//#region snapshots

export const Snapshot = IDL.Record({ id: IDL.Vec(IDL.Nat8), taken_at_timestamp: IDL.Nat64, total_size: IDL.Nat64 });
export type Snapshot = { id: Uint8Array; taken_at_timestamp: bigint; total_size: bigint };

export const TakeSnapshotArgs = IDL.Record({
    canister_id: IDL.Principal,
    replace_snapshot: IDL.Opt(IDL.Vec(IDL.Nat8)),
    uninstall_code: IDL.Opt(IDL.Bool),
    sender_canister_version: IDL.Opt(IDL.Nat64)
});
export type TakeSnapshotArgs = {
    canister_id: Principal;
    replace_snapshot: [] | [Uint8Array];
    uninstall_code?: [] | [boolean];
    sender_canister_version: [] | [bigint];
};

export const LoadSnapshotArgs = IDL.Record({
    canister_id: IDL.Principal,
    snapshot_id: IDL.Vec(IDL.Nat8),
    sender_canister_version: IDL.Opt(IDL.Nat64)
});
export type LoadSnapshotArgs = { canister_id: Principal; snapshot_id: Uint8Array; sender_canister_version: [] | [bigint] };

export const DeleteSnapshotArgs = IDL.Record({ canister_id: IDL.Principal, snapshot_id: IDL.Vec(IDL.Nat8) });
export type DeleteSnapshotArgs = { canister_id: Principal; snapshot_id: Uint8Array };

//#endregion
