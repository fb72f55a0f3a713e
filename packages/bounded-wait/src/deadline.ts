import { requireRewrite } from './rewrite_check.js';
import { MSG_DEADLINE_REQUEST } from './wire.js';

/**
 * `ic0.msg_deadline`: in a method called with a bounded wait, the time (ns since the epoch) after
 * which the caller stops waiting (call time + timeout); 0 for unbounded-wait calls, ingress
 * messages and queries. It stays the same after an `await`: the code there runs in a callback,
 * which sees the deadline of the call that started the method, not of the call it awaited.
 * A callee can use it to skip work its caller can no longer receive.
 *
 * Needs a module built by this project's build (the rewrite answers the request below); in a
 * plain `azle build` it throws MissingRewriteError instead of returning a wrong value.
 */
export function msgDeadline(): bigint {
    if (!requireRewrite('msgDeadline()')) return 0n; // at build time, while Azle extracts the Candid interface
    const ic = globalThis._azleIc;
    if (ic === undefined) return 0n;
    ic.debugPrint(MSG_DEADLINE_REQUEST);
    return ic.canisterVersion();
}

/** True while executing a call that was made with a bounded wait. */
export function isBoundedWaitCall(): boolean {
    return msgDeadline() !== 0n;
}
