/**
 * The `ic0` System API as data: every function's wasm32 signature and the profiles of replicas
 * we target. Shared by the build (which checks and rewrites imports) and the emulator (which
 * refuses to install a module importing outside its profile, as the replica does).
 *
 * Sources:
 * - signatures: the IC interface specification, "System API imports"
 *   (dfinity/portal, docs/references/ic-interface-spec.md);
 * - additions by date: its changelog (dfinity/portal,
 *   docs/references/_attachments/interface-spec-changelog.md);
 * - the dfx 0.24.1-beta.1 profile: see DFX_0_24_1_BETA_1 below.
 */

export type ValType = 'i32' | 'i64';

export interface Signature {
    readonly params: readonly ValType[];
    readonly results: readonly ValType[];
}

const sig = (params: ValType[], results: ValType[] = []): Signature => ({ params, results });
const I = 'i32' as const;
const L = 'i64' as const;

/** The current specification's wasm32 System API (the functions a canister may import). */
export const SYSTEM_API: Readonly<Record<string, Signature>> = {
    msg_arg_data_size: sig([], [I]),
    msg_arg_data_copy: sig([I, I, I]),
    msg_caller_size: sig([], [I]),
    msg_caller_copy: sig([I, I, I]),
    msg_caller_info_data_size: sig([], [I]),
    msg_caller_info_data_copy: sig([I, I, I]),
    msg_caller_info_signer_size: sig([], [I]),
    msg_caller_info_signer_copy: sig([I, I, I]),
    msg_reject_code: sig([], [I]),
    msg_reject_msg_size: sig([], [I]),
    msg_reject_msg_copy: sig([I, I, I]),
    msg_deadline: sig([], [L]),
    msg_reply_data_append: sig([I, I]),
    msg_reply: sig([]),
    msg_reject: sig([I, I]),
    msg_cycles_available: sig([], [L]),
    msg_cycles_available128: sig([I]),
    msg_cycles_refunded: sig([], [L]),
    msg_cycles_refunded128: sig([I]),
    msg_cycles_accept: sig([L], [L]),
    msg_cycles_accept128: sig([L, L, I]),
    cycles_burn128: sig([L, L, I]),
    canister_self_size: sig([], [I]),
    canister_self_copy: sig([I, I, I]),
    canister_cycle_balance: sig([], [L]),
    canister_cycle_balance128: sig([I]),
    canister_liquid_cycle_balance128: sig([I]),
    canister_status: sig([], [I]),
    canister_version: sig([], [L]),
    subnet_self_size: sig([], [I]),
    subnet_self_copy: sig([I, I, I]),
    msg_method_name_size: sig([], [I]),
    msg_method_name_copy: sig([I, I, I]),
    accept_message: sig([]),
    call_new: sig([I, I, I, I, I, I, I, I]),
    call_on_cleanup: sig([I, I]),
    call_data_append: sig([I, I]),
    call_with_best_effort_response: sig([I]),
    call_cycles_add: sig([L]),
    call_cycles_add128: sig([L, L]),
    call_perform: sig([], [I]),
    stable_size: sig([], [I]),
    stable_grow: sig([I], [I]),
    stable_write: sig([I, I, I]),
    stable_read: sig([I, I, I]),
    stable64_size: sig([], [L]),
    stable64_grow: sig([L], [L]),
    stable64_write: sig([L, L, L]),
    stable64_read: sig([L, L, L]),
    root_key_size: sig([], [I]),
    root_key_copy: sig([I, I, I]),
    certified_data_set: sig([I, I]),
    data_certificate_present: sig([], [I]),
    data_certificate_size: sig([], [I]),
    data_certificate_copy: sig([I, I, I]),
    time: sig([], [L]),
    global_timer_set: sig([L], [L]),
    performance_counter: sig([I], [L]),
    is_controller: sig([I, I], [I]),
    in_replicated_execution: sig([], [I]),
    cost_call: sig([L, L, I]),
    cost_create_canister: sig([I]),
    cost_http_request: sig([L, L, I]),
    cost_sign_with_ecdsa: sig([I, I, I, I], [I]),
    cost_sign_with_schnorr: sig([I, I, I, I], [I]),
    cost_vetkd_derive_key: sig([I, I, I, I], [I]),
    env_var_count: sig([], [I]),
    env_var_name_size: sig([I], [I]),
    env_var_name_copy: sig([I, I, I, I]),
    env_var_name_exists: sig([I, I], [I]),
    env_var_value_size: sig([I, I], [I]),
    env_var_value_copy: sig([I, I, I, I, I]),
    debug_print: sig([I, I]),
    trap: sig([I, I])
};

/**
 * Functions the replica in dfx 0.24.1-beta.1 (October 2024) does not have: the changelog dates
 * them to 2025, after that replica was cut. Cross-checked against the replica's wasmtime linker
 * of that era (dfinity/ic, rs/embedders/src/wasmtime_embedder/system_api.rs, the version that
 * still gated call_with_best_effort_response and msg_deadline behind the best_effort_responses
 * feature flag): it links every other function below, plus mint_cycles and
 * call_cycles_add128_up_to, which nothing here imports. Bounded-wait calls (`call_with_best_effort_response`,
 * `msg_deadline`) entered the spec in 0.36.0 (2025-03-31) but that replica already had them.
 *   0.33.0 (2025-02-12): subnet_self_size, subnet_self_copy
 *   0.34.0 (2025-03-07): cost_call, cost_create_canister, cost_http_request, cost_sign_with_ecdsa,
 *                        cost_sign_with_schnorr, cost_vetkd_derive_encrypted_key
 *   0.35.0 (2025-03-20): canister_liquid_cycle_balance128
 *   0.42.0:              root_key_size, root_key_copy
 *   later:               env_var_*, msg_caller_info_* (canister environment variables, caller info)
 * The changelog's cost_vetkd_derive_encrypted_key is named cost_vetkd_derive_key in today's spec.
 */
const ADDED_AFTER_DFX_0_24_1_BETA_1 = new Set([
    'subnet_self_size',
    'subnet_self_copy',
    'cost_call',
    'cost_create_canister',
    'cost_http_request',
    'cost_sign_with_ecdsa',
    'cost_sign_with_schnorr',
    'cost_vetkd_derive_key',
    'canister_liquid_cycle_balance128',
    'root_key_size',
    'root_key_copy',
    'env_var_count',
    'env_var_name_size',
    'env_var_name_copy',
    'env_var_name_exists',
    'env_var_value_size',
    'env_var_value_copy',
    'msg_caller_info_data_size',
    'msg_caller_info_data_copy',
    'msg_caller_info_signer_size',
    'msg_caller_info_signer_copy'
]);

export type ProfileName = 'current' | 'dfx-0.24.1-beta.1';

export interface SystemApiProfile {
    readonly name: ProfileName;
    readonly functions: ReadonlySet<string>;
}

export const CURRENT: SystemApiProfile = {
    name: 'current',
    functions: new Set(Object.keys(SYSTEM_API))
};

export const DFX_0_24_1_BETA_1: SystemApiProfile = {
    name: 'dfx-0.24.1-beta.1',
    functions: new Set(Object.keys(SYSTEM_API).filter((f) => !ADDED_AFTER_DFX_0_24_1_BETA_1.has(f)))
};

export const PROFILES: Readonly<Record<ProfileName, SystemApiProfile>> = {
    current: CURRENT,
    'dfx-0.24.1-beta.1': DFX_0_24_1_BETA_1
};

/** Imports of `module` that `profile` does not offer, as `ic0.<name>` (or `<module>.<name>`). */
export function importsOutside(
    imports: readonly { module: string; name: string }[],
    profile: SystemApiProfile
): string[] {
    return imports
        .filter((i) => i.module !== 'ic0' || !profile.functions.has(i.name))
        .map((i) => `${i.module}.${i.name}`);
}
