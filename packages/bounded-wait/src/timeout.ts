/**
 * The replica caps every best-effort timeout at MAX_CALL_TIMEOUT (300 s): a larger value is
 * silently reduced. See `MAX_CALL_TIMEOUT_SECONDS` in the replica's system API
 * (dfinity/ic, rs/embedders/src/wasmtime_embedder/system_api) and the interface spec's
 * `ic0.call_with_best_effort_response`.
 */
export const MAX_CALL_TIMEOUT_SECONDS = 300;

/** ic-cdk 0.18's `Call::bounded_wait` timeout when none is given. */
export const DEFAULT_CALL_TIMEOUT_SECONDS = 300;

/**
 * The timeout the system will apply: whole seconds, at most MAX_CALL_TIMEOUT_SECONDS.
 * Zero is allowed (the call will almost always time out, as on the IC); negative, fractional
 * or non-finite values are programming errors and throw a RangeError.
 */
export function clampTimeout(seconds: number): number {
    if (!Number.isInteger(seconds) || seconds < 0) {
        throw new RangeError(
            `timeout must be a whole number of seconds >= 0, got ${String(seconds)}`
        );
    }
    return Math.min(seconds, MAX_CALL_TIMEOUT_SECONDS);
}
