import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';

/**
 * The subset of the management canister's interface (the spec's ic.did) that the emulator
 * serves. Records carry only the fields used here; Candid subtyping lets callers send more.
 */
export const CanisterSettings = IDL.Record({
    controllers: IDL.Opt(IDL.Vec(IDL.Principal))
});
export type CanisterSettings = { controllers: [] | [Principal[]] };

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

export const CanisterStatusResult = IDL.Record({
    status: IDL.Variant({ running: IDL.Null, stopping: IDL.Null, stopped: IDL.Null }),
    settings: IDL.Record({ controllers: IDL.Vec(IDL.Principal) }),
    module_hash: IDL.Opt(IDL.Vec(IDL.Nat8)),
    memory_size: IDL.Nat,
    cycles: IDL.Nat,
    idle_cycles_burned_per_day: IDL.Nat,
    reserved_cycles: IDL.Nat
});
export type CanisterStatusResult = {
    status: { running: null } | { stopping: null } | { stopped: null };
    settings: { controllers: Principal[] };
    module_hash: [] | [Uint8Array];
    memory_size: bigint;
    cycles: bigint;
    idle_cycles_burned_per_day: bigint;
    reserved_cycles: bigint;
};
