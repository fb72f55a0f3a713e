/**
 * Tiny WAT canisters for the conformance tests, compiled in the test with wabt. Replies are raw
 * bytes (not Candid) so each test reads exactly what the System API returned.
 */
import { Principal } from '@dfinity/principal';

import { ic0Module, watBytes } from '../src/testing/index.js';

export { watBytes };

/** A module with all test imports, one page of memory and a reply helper, plus `body`. */
export const module = ic0Module;

/**
 * A callee with one behaviour per method:
 * echo (replies with its argument), reject, trap, no_reply, deadline (replies msg_deadline),
 * accept_all (accepts every attached cycle, then replies with the amount), accept_none,
 * reply_then_accept (tries to accept after replying; late_cycles reports what it saw).
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
  (func (export "canister_update accept_none") (call $reply_bytes (i32.const 0) (i32.const 0)))
  ;; Replies, then asks what is available and accepts it all; the query reports both (low 64 bits).
  (global $late_available (mut i64) (i64.const -1))
  (global $late_accepted (mut i64) (i64.const -1))
  (func (export "canister_update reply_then_accept")
    (call $reply_bytes (i32.const 0) (i32.const 0))
    (call $msg_cycles_available128 (i32.const 100))
    (global.set $late_available (i64.load (i32.const 100)))
    (call $msg_cycles_accept128 (i64.const 0) (i64.const 1000000000000) (i32.const 200))
    (global.set $late_accepted (i64.load (i32.const 200))))
  (func (export "canister_query late_cycles")
    (i64.store (i32.const 300) (global.get $late_available))
    (i64.store (i32.const 308) (global.get $late_accepted))
    (call $reply_bytes (i32.const 300) (i32.const 16)))`);
}

/**
 * A canister whose `relay` method forwards its argument to `target`'s echo with a guaranteed call
 * and replies with the answer: it receives a request at once but replies only when `target` does.
 */
export function relayModule(target: Principal): Uint8Array {
    const id = target.toUint8Array();
    return module(`
  (table 2 funcref)
  (elem (i32.const 0) $forward_reply $forward_reject)
  (data (i32.const 0) "${watBytes(id)}")
  (data (i32.const 100) "echo")
  (func (export "canister_update relay")
    (call $msg_arg_data_copy (i32.const 1000) (i32.const 0) (call $msg_arg_data_size))
    (call $call_new (i32.const 0) (i32.const ${id.length}) (i32.const 100) (i32.const 4)
                    (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 0))
    (call $call_data_append (i32.const 1000) (call $msg_arg_data_size))
    (if (call $call_perform) (then unreachable)))
  (func $forward_reply (param i32)
    (call $msg_arg_data_copy (i32.const 1000) (i32.const 0) (call $msg_arg_data_size))
    (call $reply_bytes (i32.const 1000) (call $msg_arg_data_size)))
  (func $forward_reject (param i32) (call $msg_reject (i32.const 100) (i32.const 4)))`);
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

/**
 * A canister with state in all three places a trap must roll back: a mutable global, the heap
 * (address 500) and stable memory (offset 0). `read` replies with the three as i64s.
 */
export function statefulModule(): Uint8Array {
    return module(`
  (global $g (mut i64) (i64.const 0))
  (func $bump
    (global.set $g (i64.add (global.get $g) (i64.const 1)))
    (i64.store (i32.const 500) (i64.add (i64.load (i32.const 500)) (i64.const 1)))
    (call $stable64_read (i64.const 600) (i64.const 0) (i64.const 8))
    (i64.store (i32.const 600) (i64.add (i64.load (i32.const 600)) (i64.const 1)))
    (call $stable64_write (i64.const 0) (i64.const 600) (i64.const 8)))
  (func $reply_state
    (i64.store (i32.const 700) (global.get $g))
    (i64.store (i32.const 708) (i64.load (i32.const 500)))
    (call $stable64_read (i64.const 716) (i64.const 0) (i64.const 8))
    (call $reply_bytes (i32.const 700) (i32.const 24)))
  (data (i32.const 800) "explicit")
  (func (export "canister_init") (drop (call $stable64_grow (i64.const 1))))
  (func (export "canister_update bump") (call $bump) (call $reply_bytes (i32.const 0) (i32.const 0)))
  (func (export "canister_update bump_then_trap") (call $bump) unreachable)
  (func (export "canister_update bump_then_ic0_trap") (call $bump) (call $trap (i32.const 800) (i32.const 8)))
  (func (export "canister_update grow_then_trap")
    (drop (memory.grow (i32.const 4)))
    (drop (call $stable64_grow (i64.const 2)))
    (call $bump)
    unreachable)
  (func (export "canister_update pages") (call $reply_i64 (i64.extend_i32_u (memory.size))))
  (func (export "canister_query read") (call $reply_state))
  (func (export "canister_query bump_query") (call $bump) (call $reply_state))`);
}

/**
 * Raw access to stable memory through both APIs. Arguments are little-endian integers:
 * grow64 (i64 pages), grow32 (i32 pages), write (i64 offset, then the bytes to write),
 * write_then_trap (the same, then traps), read (i64 offset, i64 length, at most 64 KiB),
 * read32 (i32 offset, i32 length). size32 and size64 take none. Numbers come back as one i64.
 */
export function stableModule(): Uint8Array {
    return module(`
  (func $arg (call $msg_arg_data_copy (i32.const 0) (i32.const 0) (call $msg_arg_data_size)))
  (func $write_arg
    (call $arg)
    (call $stable64_write (i64.load (i32.const 0)) (i64.const 8) (i64.extend_i32_u (i32.sub (call $msg_arg_data_size) (i32.const 8)))))
  (func (export "canister_update grow64") (call $arg) (call $reply_i64 (call $stable64_grow (i64.load (i32.const 0)))))
  (func (export "canister_update grow32") (call $arg) (call $reply_i64 (i64.extend_i32_s (call $stable_grow (i32.load (i32.const 0))))))
  (func (export "canister_query size32") (call $reply_i64 (i64.extend_i32_u (call $stable_size))))
  (func (export "canister_query size64") (call $reply_i64 (call $stable64_size)))
  (func (export "canister_update write") (call $write_arg) (call $reply_bytes (i32.const 0) (i32.const 0)))
  (func (export "canister_update write_then_trap") (call $write_arg) unreachable)
  (func (export "canister_query read")
    (call $arg)
    (call $stable64_read (i64.const 16) (i64.load (i32.const 0)) (i64.load (i32.const 8)))
    (call $reply_bytes (i32.const 16) (i32.wrap_i64 (i64.load (i32.const 8)))))
  (func (export "canister_query read32")
    (call $arg)
    (call $stable_read (i32.const 16) (i32.load (i32.const 0)) (i32.load (i32.const 4)))
    (call $reply_bytes (i32.const 16) (i32.load (i32.const 4))))`);
}

/** Arms the global timer 5 s after install; each firing counts and records the time. */
export function timerModule(): Uint8Array {
    return module(`
  (global $fired (mut i64) (i64.const 0))
  (global $at (mut i64) (i64.const 0))
  (func (export "canister_init") (drop (call $global_timer_set (i64.add (call $time) (i64.const 5000000000)))))
  (func (export "canister_global_timer")
    (global.set $fired (i64.add (global.get $fired) (i64.const 1)))
    (global.set $at (call $time)))
  (func (export "canister_update rearm_in_3s")
    (call $reply_i64 (call $global_timer_set (i64.add (call $time) (i64.const 3000000000)))))
  (func (export "canister_update cancel") (call $reply_i64 (call $global_timer_set (i64.const 0))))
  (func (export "canister_query fired") (call $reply_i64 (global.get $fired)))
  (func (export "canister_query fired_at") (call $reply_i64 (global.get $at)))`);
}

/**
 * Records the canister_version its init and post_upgrade see (`seen`), and reads it now (`now`).
 * `counter` is a heap value `bump` increments, to tell one state from another.
 */
export function versionModule(): Uint8Array {
    return module(`
  (global $seen (mut i64) (i64.const -1))
  (func (export "canister_init") (global.set $seen (call $canister_version)))
  (func (export "canister_post_upgrade") (global.set $seen (call $canister_version)))
  (func (export "canister_query seen") (call $reply_i64 (global.get $seen)))
  (func (export "canister_query now") (call $reply_i64 (call $canister_version)))
  (func (export "canister_update bump")
    (i64.store (i32.const 500) (i64.add (i64.load (i32.const 500)) (i64.const 1)))
    (call $reply_bytes (i32.const 0) (i32.const 0)))
  (func (export "canister_query counter") (call $reply_i64 (i64.load (i32.const 500))))`);
}

/** System API calls made where the spec does not allow them. */
export function wrongContextModule(): Uint8Array {
    return module(`
  (table 1 funcref)
  (elem (i32.const 0) $noop)
  (func $noop (param i32))
  (func (export "canister_update reject_code_in_update") (drop (call $msg_reject_code)))
  (func (export "canister_update refunded_in_update") (call $msg_cycles_refunded128 (i32.const 0)))
  (func (export "canister_update accept_message_in_update") (call $accept_message))
  (func (export "canister_update reply_twice") (call $reply_bytes (i32.const 0) (i32.const 0)) (call $msg_reply))
  (func (export "canister_query call_in_query")
    (call $canister_self_copy (i32.const 0) (i32.const 0) (call $canister_self_size))
    (call $call_new (i32.const 0) (call $canister_self_size) (i32.const 0) (i32.const 0)
                    (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)))
  (func (export "canister_update perform_without_new") (drop (call $call_perform)))
  (func (export "canister_update print_out_of_range")
    (call $debug_print (i32.const 0x7ffffff0) (i32.const 64))
    (call $reply_bytes (i32.const 0) (i32.const 0)))
  (func (export "canister_update ok") (call $reply_bytes (i32.const 0) (i32.const 0)))`);
}

/** A module whose init replies: only allowed in an update, so installing it fails. */
export function replyInInitModule(): Uint8Array {
    return module(`(func (export "canister_init") (call $msg_reply))`);
}

/**
 * `loop` calls itself again from every reply callback, forever (`fanout` 1), or with `fanout` 2
 * calls per callback, doubling the work each hop.
 */
export function selfCallModule(fanout: 1 | 2): Uint8Array {
    const oneCall = `
    (call $call_new (i32.const 0) (call $canister_self_size) (i32.const 100) (i32.const 4)
                    (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))
    (drop (call $call_perform))`;
    return module(`
  (table 1 funcref)
  (elem (i32.const 0) $again)
  (data (i32.const 100) "loop")
  (func $calls
    (call $canister_self_copy (i32.const 0) (i32.const 0) (call $canister_self_size))
    ${fanout === 2 ? oneCall + oneCall : oneCall})
  (func $again (param i32) (call $calls))
  (func (export "canister_update loop") (call $calls))
  (func (export "canister_update ok") (call $reply_bytes (i32.const 0) (i32.const 0)))`);
}
