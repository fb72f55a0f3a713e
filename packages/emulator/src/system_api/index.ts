import { SystemApiProfile } from '@response-models/system-api';
import { HostTrap } from '../errors.js';
import { CONTEXTS, contextName } from '../execution/contexts.js';
import { ExecutionState } from '../execution/execution_state.js';
import { callApi } from './calls.js';
import { canisterApi } from './canister.js';
import { ApiEnv, CanisterView, Ic0Function, SubnetView } from './env.js';
import { messageApi } from './message.js';
import { systemApiCost } from './overhead.js';
import { stableApi } from './stable.js';

export type { CanisterView, Limits, SubnetView } from './env.js';

/** Thrown at install when a module imports what the profile does not offer. */
export class ImportError extends Error {}

/**
 * The `ic0` import object for one canister instance. Every function first checks that the current
 * execution context may call it (the spec's context table) and traps otherwise.
 */
export function buildIc0(
    imports: readonly WebAssembly.ModuleImportDescriptor[],
    profile: SystemApiProfile,
    canister: CanisterView,
    subnet: SubnetView,
    current: () => ExecutionState | undefined
): Record<string, Ic0Function> {
    const env = new ApiEnv(canister, subnet, current);
    const all: Record<string, Ic0Function> = {
        ...messageApi(env),
        ...callApi(env),
        ...canisterApi(env),
        ...stableApi(env)
    };
    const ic0: Record<string, Ic0Function> = {};
    for (const imp of imports) {
        if (imp.module !== 'ic0' || imp.kind !== 'function' || !profile.functions.has(imp.name) || !(imp.name in all)) {
            throw new ImportError(
                `Wasm module has an invalid import section. Module imports function '${imp.name}' from '${imp.module}' that is not exported by the runtime.`
            );
        }
        const fn = all[imp.name] as (...args: unknown[]) => unknown;
        const allowed = CONTEXTS[imp.name];
        const name = imp.name;
        const cost = systemApiCost(name);
        ic0[name] = ((...args: unknown[]) => {
            const s = current();
            const context = s === undefined ? 's' : s.context;
            if (!allowed.has(context)) {
                throw new HostTrap(`"ic0.${name}" cannot be executed in ${contextName(context)} mode`);
            }
            canister.charge(cost(args));
            return fn(...args);
        }) as Ic0Function;
    }
    return ic0;
}
