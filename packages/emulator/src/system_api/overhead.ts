/**
 * What a System API call costs in instructions, charged to the same counter as the wasm code
 * (dfinity/ic, rs/embedders/src/wasmtime_embedder/system_api_complexity.rs, `overhead`, and
 * linker.rs, `charge_for_system_api_call`: the overhead plus one instruction per byte copied,
 * fifty (BYTE_TRANSMISSION_COST_FACTOR) per byte for calls that send bytes on: call arguments,
 * replies, rejects, logs and traps). Stable memory calls cost what the replica's native stable
 * memory charges (`overhead_native`).
 */

const OVERHEAD: Record<string, number> = {
    call_new: 1_500,
    call_perform: 5_000,
    is_controller: 1_000,
    performance_counter: 200,
    debug_print: 100,
    stable_read: 20,
    stable_write: 20,
    stable_size: 20,
    stable_grow: 100,
    stable64_read: 20,
    stable64_write: 20,
    stable64_size: 20,
    stable64_grow: 100
};
const DEFAULT_OVERHEAD = 500;

/** For calls that move bytes: which argument is the size, and what each byte costs. */
const BYTES: Record<string, { readonly arg: number; readonly factor: number }> = {
    msg_arg_data_copy: { arg: 2, factor: 1 },
    msg_caller_copy: { arg: 2, factor: 1 },
    msg_method_name_copy: { arg: 2, factor: 1 },
    msg_reject_msg_copy: { arg: 2, factor: 1 },
    canister_self_copy: { arg: 2, factor: 1 },
    data_certificate_copy: { arg: 2, factor: 1 },
    call_data_append: { arg: 1, factor: 50 },
    certified_data_set: { arg: 1, factor: 1 },
    msg_reply_data_append: { arg: 1, factor: 50 },
    msg_reject: { arg: 1, factor: 50 },
    debug_print: { arg: 1, factor: 50 },
    trap: { arg: 1, factor: 50 },
    is_controller: { arg: 1, factor: 1 },
    root_key_copy: { arg: 2, factor: 1 },
    subnet_self_copy: { arg: 2, factor: 1 },
    stable_read: { arg: 2, factor: 1 },
    stable_write: { arg: 2, factor: 1 },
    stable64_read: { arg: 2, factor: 1 },
    stable64_write: { arg: 2, factor: 1 }
};

/** The instructions a call to `name` with `args` costs. */
export function systemApiCost(name: string): (args: readonly unknown[]) => bigint {
    const overhead = BigInt(OVERHEAD[name] ?? DEFAULT_OVERHEAD);
    const bytes = BYTES[name];
    if (bytes === undefined) return () => overhead;
    const factor = BigInt(bytes.factor);
    return (args) => {
        const size = args[bytes.arg];
        const n = typeof size === 'bigint' ? BigInt.asUintN(64, size) : BigInt((size as number) >>> 0);
        return overhead + n * factor;
    };
}
