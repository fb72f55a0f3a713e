import binaryen from 'binaryen';

import { DFX_0_24_1_BETA_1, SystemApiProfile } from '@response-models/system-api';
import { installBoundedWaitChannel } from './bounded_wait_channel.js';
import { fitToProfile } from './compat_imports.js';
import { RewriteError } from './imports.js';
import { installRequestChannel } from './request_channel.js';
import { installTrapFirstLine } from './trap_first_line.js';

export { RewriteError } from './imports.js';

/** Custom section that marks a module as rewritten; its content is the rewrite's version. */
export const REWRITE_SECTION = 'response-models:rewrite';
const REWRITE_VERSION = '2';

export interface RewriteOptions {
    /** The System API the final module must fit (default: the dfx 0.24.1-beta.1 replica's). */
    profile?: SystemApiProfile;
}

/**
 * Adds bounded-wait calls, `msg_deadline` and the handshake the library checks for to an Azle
 * canister module, keeps JS stack traces out of trap messages, and fits its imports to the
 * target replica. Refuses a module it has already rewritten or whose imports it does not
 * recognise, so a change in Azle's template fails the build instead of producing a wrong canister.
 */
export function rewriteCanisterModule(wasm: Uint8Array, options: RewriteOptions = {}): Uint8Array {
    const profile = options.profile ?? DFX_0_24_1_BETA_1;
    let compiled: WebAssembly.Module;
    try {
        compiled = new WebAssembly.Module(new Uint8Array(wasm));
    } catch (e) {
        throw new RewriteError(`the input is not a valid wasm module: ${(e as Error).message}`);
    }
    if (WebAssembly.Module.customSections(compiled, REWRITE_SECTION).length > 0) {
        throw new RewriteError('the module was already rewritten (it carries the rewrite section)');
    }

    binaryen.setDebugInfo(false);
    const m = binaryen.readBinary(wasm);
    try {
        installBoundedWaitChannel(m);
        installRequestChannel(m);
        installTrapFirstLine(m); // after the request channel: it prints through the real debug_print
        fitToProfile(m, profile);
        m.addCustomSection(REWRITE_SECTION, new TextEncoder().encode(REWRITE_VERSION));
        if (!m.validate()) {
            throw new RewriteError('binaryen rejected the rewritten module (see the validation output above)');
        }
        return m.emitBinary();
    } finally {
        m.dispose();
    }
}
