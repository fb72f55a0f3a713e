import { REWRITE_HANDSHAKE_ANSWER, REWRITE_HANDSHAKE_REQUEST } from './wire.js';

/**
 * Thrown by `msgDeadline()` and by a bounded-wait call in a module built without the build's
 * wasm rewrite (plain `azle build`): there the requests would silently go wrong (the canister
 * version returned as a deadline, a call to a method named `<method>\0<seconds>`).
 */
export class MissingRewriteError extends Error {
    constructor(feature: string) {
        super(
            `${feature} needs the bounded-wait wasm rewrite, and this module was built without it ` +
                '(plain `azle build`): build the canister with this project\'s build (`npm run build`), which runs it'
        );
        this.name = 'MissingRewriteError';
    }
}

/** Set once the module answered the handshake; a new module (upgrade) starts with a new heap. */
let confirmed = false;

/**
 * Asks the module whether it was rewritten (see wire.ts) and throws MissingRewriteError if not.
 * Returns false where there is no canister (Azle runs the code at build time to extract the
 * Candid interface): there is nothing to ask then.
 */
export function requireRewrite(feature: string): boolean {
    if (confirmed) return true;
    const ic = globalThis._azleIc;
    if (ic === undefined) return false;
    ic.debugPrint(REWRITE_HANDSHAKE_REQUEST);
    if (ic.canisterVersion() !== REWRITE_HANDSHAKE_ANSWER) throw new MissingRewriteError(feature);
    confirmed = true;
    return true;
}
