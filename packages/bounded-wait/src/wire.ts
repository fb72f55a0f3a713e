/**
 * The private channel between this library and the build's wasm rewrite (build/rewrite).
 *
 * Azle 0.33 issues every inter-canister call as an unbounded wait and exposes no `ic0.msg_deadline`.
 * The library asks the rewritten module for both through values Azle passes to `ic0` unchanged:
 * - a bounded-wait call travels as the method name `<method>\0<seconds>`; the wrapper around
 *   `ic0.call_new` strips the suffix and calls `ic0.call_with_best_effort_response(seconds)`;
 * - `ic0.debug_print` of one of the requests below arms a flag, and the next
 *   `ic0.canister_version` call answers the request instead of returning the version.
 * The handshake is how the library knows the rewrite is there: a module built without it
 * returns the canister version, which never comes near REWRITE_HANDSHAKE_ANSWER.
 * This file imports nothing so that the build tool can share it.
 */

/** Separates the method name from the timeout. No method name this library sends contains it. */
export const TIMEOUT_SEPARATOR = '\u0000';

/** Most decimal digits the rewrite accepts after the separator (u32 seconds). */
export const MAX_TIMEOUT_DIGITS = 10;

/** The exact bytes written to `ic0.debug_print` to request `ic0.msg_deadline` once. */
export const MSG_DEADLINE_REQUEST = '\u0000msg_deadline';

/** The exact bytes written to `ic0.debug_print` to ask whether the module was rewritten. */
export const REWRITE_HANDSHAKE_REQUEST = '\u0000response-models:rewrite?';

/** What a rewritten module's `ic0.canister_version` answers to the handshake: "rwrt", channel version 1. */
export const REWRITE_HANDSHAKE_ANSWER = 0x7277_7274_0000_0001n;

/** The method name as sent to Azle for a bounded-wait call. */
export function boundedMethodName(method: string, timeoutSeconds: number): string {
    return `${method}${TIMEOUT_SEPARATOR}${timeoutSeconds}`;
}
