/**
 * Hand-written canisters for tests: a module importing the System API functions tests use, with
 * a memory and a reply helper, around a body of WebAssembly text.
 */
import { wat } from './wat.js';

/** The ic0 imports every test module gets, with their wasm32 signatures. */
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
    stable_size: '(result i32)',
    stable_grow: '(param i32) (result i32)',
    stable_read: '(param i32 i32 i32)',
    stable64_size: '(result i64)',
    stable64_grow: '(param i64) (result i64)',
    stable64_read: '(param i64 i64 i64)',
    stable64_write: '(param i64 i64 i64)',
    global_timer_set: '(param i64) (result i64)',
    accept_message: '',
    time: '(result i64)',
    canister_version: '(result i64)',
    trap: '(param i32 i32)',
    debug_print: '(param i32 i32)',
    performance_counter: '(param i32) (result i64)'
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
export function ic0Module(body: string): Uint8Array {
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
