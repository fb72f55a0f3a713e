import binaryen from 'binaryen';

import { SystemApiProfile } from '@response-models/system-api';
import { ensureIc0Import, functionImports, implementInModule, RewriteError } from './imports.js';

/**
 * In-module stand-ins for System API functions an older replica lacks. Each keeps the caller's
 * contract closely enough for what Azle's runtime (ic-cdk 0.18) uses them for.
 */
const STAND_INS: Record<string, (m: binaryen.Module) => { vars: binaryen.Type[]; body: binaryen.ExpressionRef }> = {
    /**
     * ic-cdk uses the liquid balance only for its pre-flight check before attaching cycles; the
     * full balance is an upper bound of it. The replica still refuses an unaffordable
     * call_perform, which ic-cdk reports as CallPerformFailed.
     */
    canister_liquid_cycle_balance128: (m) => {
        const balance = ensureIc0Import(m, 'canister_cycle_balance128');
        return { vars: [], body: m.call(balance, [m.local.get(0, binaryen.i32)], binaryen.none) };
    },
    /**
     * The cost of sending a request on a 13-node application subnet: a 260,000-cycle base fee
     * plus 1,000 cycles per byte of method name and payload (the interface spec's cycles cost
     * table), written as a little-endian u128 at dst.
     */
    cost_call: (m) => {
        const METHOD_SIZE = 0;
        const PAYLOAD_SIZE = 1;
        const DST = 2;
        const cost = m.i64.add(
            m.i64.const(260_000, 0),
            m.i64.mul(
                m.i64.const(1_000, 0),
                m.i64.add(m.local.get(METHOD_SIZE, binaryen.i64), m.local.get(PAYLOAD_SIZE, binaryen.i64))
            )
        );
        return {
            vars: [],
            body: m.block(null, [
                m.i64.store(0, 1, m.local.get(DST, binaryen.i32), cost),
                m.i64.store(8, 1, m.local.get(DST, binaryen.i32), m.i64.const(0, 0))
            ])
        };
    }
};

/**
 * Makes the module import only what `profile` offers: known gaps are filled in-module, anything
 * else fails the build with the list of offending imports.
 */
export function fitToProfile(m: binaryen.Module, profile: SystemApiProfile): void {
    for (const imp of functionImports(m)) {
        if (imp.module !== 'ic0' || profile.functions.has(imp.base)) continue;
        const standIn = STAND_INS[imp.base];
        if (standIn !== undefined) implementInModule(m, imp.base, () => standIn(m));
    }
    const outside = functionImports(m)
        .filter((i) => i.module !== 'ic0' || !profile.functions.has(i.base))
        .map((i) => `${i.module}.${i.base}`);
    if (outside.length > 0) {
        throw new RewriteError(
            `the module imports ${outside.join(', ')}, which the ${profile.name} System API does not offer and the rewrite cannot replace`
        );
    }
}
