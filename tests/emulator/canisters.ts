/**
 * Tiny WAT canisters for the conformance tests, compiled in the test with wabt. Replies are raw
 * bytes (not Candid) so each test reads exactly what the System API returned.
 */
import { Principal } from '@dfinity/principal';

import { wat } from '../support/wat';

/** Every ic0 import the test canisters use, with its wasm32 signature. */
const IMPORTS: Record<string, string> = {
    msg_arg_data_size: '(result i32)',
    msg_arg_data_copy: '(param i32 i32 i32)',
    msg_reply_data_append: '(param i32 i32)',
    msg_reply: '',
    msg_reject: '(param i32 i32)',
    msg_reject_code: '(result i32)',
    msg_reject_msg_size: '(result i32)',
    msg_reject_msg_copy: '(param i32 i32 i32)',
    msg_deadline: '(result i64)',
    msg_cycles_available128: '(param i32)',
    msg_cycles_accept128: '(param i64 i64 i32)',
    msg_cycles_refunded128: '(param i32)',
    canister_cycle_balance128: '(param i32)',
    call_new: '(param i32 i32 i32 i32 i32 i32 i32 i32)',
    call_on_cleanup: '(param i32 i32)',
    call_data_append: '(param i32 i32)',
    call_cycles_add128: '(param i64 i64)',
    call_with_best_effort_response: '(param i32)',
    call_perform: '(result i32)',
    canister_self_size: '(result i32)',
    canister_self_copy: '(param i32 i32 i32)',
    stable64_grow: '(param i64) (result i64)',
    stable64_read: '(param i64 i64 i64)',
    stable64_write: '(param i64 i64 i64)',
    global_timer_set: '(param i64) (result i64)',
    accept_message: '',
    time: '(result i64)',
    trap: '(param i32 i32)',
    debug_print: '(param i32 i32)'
};

const importLines = Object.entries(IMPORTS)
    .map(([name, sig]) => `(import "ic0" "${name}" (func $${name} ${sig}))`)
    .join('\n  ');

/** Escapes bytes for a WAT data string. */
export function watBytes(bytes: Uint8Array | string): string {
    const b = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
    return [...b].map((x) => `\\${x.toString(16).padStart(2, '0')}`).join('');
}

/** A module with all test imports, one page of memory and a reply helper, plus `body`. */
export function module(body: string): Uint8Array {
    return wat(`(module
  ${importLines}
  (memory (export "memory") 2)
  ;; Replies with memory[ptr, ptr+len).
  (func $reply_bytes (param $ptr i32) (param $len i32)
    (call $msg_reply_data_append (local.get $ptr) (local.get $len))
    (call $msg_reply))
  ;; Replies with one i64 (little-endian), staged at address 60000.
  (func $reply_i64 (param $v i64)
    (i64.store (i32.const 60000) (local.get $v))
    (call $reply_bytes (i32.const 60000) (i32.const 8)))
  ${body})`);
}

/**
 * A callee with one behaviour per method:
 * echo (replies with its argument), reject, trap, no_reply, deadline (replies msg_deadline),
 * accept_all (accepts every attached cycle, then replies with the amount), accept_none.
 */
export function calleeModule(): Uint8Array {
    return module(`
  (func (export "canister_update echo")
    (call $msg_arg_data_copy (i32.const 0) (i32.const 0) (call $msg_arg_data_size))
    (call $reply_bytes (i32.const 0) (call $msg_arg_data_size)))
  (data (i32.const 30000) "no thanks")
  (func (export "canister_update reject") (call $msg_reject (i32.const 30000) (i32.const 9)))
  (func (export "canister_update trap") unreachable)
  (func (export "canister_update no_reply"))
  (func (export "canister_update deadline") (call $reply_i64 (call $msg_deadline)))
  (func (export "canister_query deadline_query") (call $reply_i64 (call $msg_deadline)))
  (func (export "canister_update accept_all")
    (call $msg_cycles_available128 (i32.const 100))
    (call $msg_cycles_accept128 (i64.load (i32.const 108)) (i64.load (i32.const 100)) (i32.const 200))
    (call $reply_bytes (i32.const 200) (i32.const 8)))
  (func (export "canister_update accept_none") (call $reply_bytes (i32.const 0) (i32.const 0)))`);
}

export interface CallPlan {
    readonly callee: Principal;
    readonly method: string;
    readonly payload?: Uint8Array;
    /** Seconds for call_with_best_effort_response; undefined for a guaranteed-response call. */
    readonly timeoutSeconds?: number;
    readonly cycles?: bigint;
    /** The reply callback traps (to exercise the cleanup callback). */
    readonly trapInReply?: boolean;
}

/**
 * A caller whose `go` method makes the planned call. When the response arrives the callback
 * replies to the ingress message with a Report (see parseReport). A cleanup callback records
 * that it ran; `cleanup_ran` reads that record.
 */
export function callerModule(plan: CallPlan): Uint8Array {
    const callee = plan.callee.toUint8Array();
    const method = new TextEncoder().encode(plan.method);
    const payload = plan.payload ?? new Uint8Array();
    const cycles = plan.cycles ?? 0n;
    return module(`
  (table 3 funcref)
  (elem (i32.const 0) $on_reply $on_reject $on_cleanup)
  (data (i32.const 0) "${watBytes(callee)}")
  (data (i32.const 100) "${watBytes(method)}")
  (data (i32.const 1000) "${watBytes(payload)}")
  (global $cleanup_ran (mut i32) (i32.const 0))
  (func (export "canister_update go")
    (call $call_new (i32.const 0) (i32.const ${callee.length}) (i32.const 100) (i32.const ${method.length})
                    (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 0))
    (call $call_on_cleanup (i32.const 2) (i32.const 0))
    ${payload.length > 0 ? `(call $call_data_append (i32.const 1000) (i32.const ${payload.length}))` : ''}
    ${cycles > 0n ? `(call $call_cycles_add128 (i64.const ${cycles >> 64n}) (i64.const ${cycles & 0xffff_ffff_ffff_ffffn}))` : ''}
    ${plan.timeoutSeconds !== undefined ? `(call $call_with_best_effort_response (i32.const ${plan.timeoutSeconds}))` : ''}
    (if (call $call_perform) (then unreachable)))
  ;; Report: code i32 | refunded u64 | msg_deadline i64 | time i64 | data (reply or reject message)
  (func $report (param $code i32) (param $data_len i32)
    (i32.store (i32.const 40000) (local.get $code))
    (call $msg_cycles_refunded128 (i32.const 50000))
    (i64.store (i32.const 40004) (i64.load (i32.const 50000)))
    (i64.store (i32.const 40012) (call $msg_deadline))
    (i64.store (i32.const 40020) (call $time))
    (call $reply_bytes (i32.const 40000) (i32.add (i32.const 28) (local.get $data_len))))
  (func $on_reply (param $env i32)
    ${plan.trapInReply === true ? 'unreachable' : ''}
    (call $msg_arg_data_copy (i32.const 40028) (i32.const 0) (call $msg_arg_data_size))
    (call $report (i32.const 0) (call $msg_arg_data_size)))
  (func $on_reject (param $env i32)
    (call $msg_reject_msg_copy (i32.const 40028) (i32.const 0) (call $msg_reject_msg_size))
    (call $report (call $msg_reject_code) (call $msg_reject_msg_size)))
  (func $on_cleanup (param $env i32) (global.set $cleanup_ran (i32.const 1)))
  (func (export "canister_query cleanup_ran") (call $reply_i64 (i64.extend_i32_u (global.get $cleanup_ran))))`);
}

export interface Report {
    readonly code: number;
    readonly refunded: bigint;
    readonly deadline: bigint;
    readonly time: bigint;
    readonly data: Uint8Array;
    readonly text: string;
}

export function parseReport(bytes: Uint8Array): Report {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const data = bytes.slice(28);
    return {
        code: view.getInt32(0, true),
        refunded: view.getBigUint64(4, true),
        deadline: view.getBigInt64(12, true),
        time: view.getBigInt64(20, true),
        data,
        text: new TextDecoder().decode(data)
    };
}

export function readI64(bytes: Uint8Array): bigint {
    return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigInt64(0, true);
}
