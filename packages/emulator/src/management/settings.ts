import { Principal } from '@dfinity/principal';

import { CanisterSettings, DefiniteCanisterSettings, Visibility } from './candid.js';

/** A canister's settings besides its controllers, which the canister keeps apart. */
export type SettingsState = Omit<DefiniteCanisterSettings, 'controllers'>;

/** MAX_ALLOWED_CONTROLLERS_COUNT (dfinity/ic, rs/types/management_canister_types). */
export const MAX_CONTROLLERS = 10;
/** MAX_ENVIRONMENT_VARIABLES and the name and value lengths (dfinity/ic, rs/config/src/execution_environment.rs). */
const MAX_ENVIRONMENT_VARIABLES = 20;
const MAX_ENVIRONMENT_VARIABLE_BYTES = 128;

const CONTROLLERS: Visibility = { controllers: null };

/**
 * What a new canister gets (spec: freezing_threshold 2592000 s, reserved_cycles_limit 5 T; the
 * replica's DEFAULT_WASM_MEMORY_LIMIT of 3 GiB). The emulator keeps every setting and reports it;
 * it enforces none but the controllers and the visibilities (see its README's limits).
 */
export function defaultSettings(): SettingsState {
    return {
        compute_allocation: 0n,
        memory_allocation: 0n,
        freezing_threshold: 2_592_000n,
        reserved_cycles_limit: 5_000_000_000_000n,
        minimum_incoming_canister_call_cycles: 0n,
        log_visibility: CONTROLLERS,
        log_memory_limit: 4_096n,
        snapshot_visibility: CONTROLLERS,
        status_visibility: CONTROLLERS,
        wasm_memory_limit: 3n * 2n ** 30n,
        wasm_memory_threshold: 0n,
        environment_variables: []
    };
}

/** Settings with every field absent ("not including a setting means not changing that field"). */
export function noSettings(controllers?: Principal[]): Required<CanisterSettings> {
    return {
        controllers: controllers === undefined ? [] : [controllers],
        compute_allocation: [],
        memory_allocation: [],
        freezing_threshold: [],
        reserved_cycles_limit: [],
        minimum_incoming_canister_call_cycles: [],
        log_visibility: [],
        log_memory_limit: [],
        snapshot_visibility: [],
        status_visibility: [],
        wasm_memory_limit: [],
        wasm_memory_threshold: [],
        environment_variables: []
    };
}

/** Why `update` is not valid, in the replica's words, or undefined. */
export function invalidSettings(update: CanisterSettings): string | undefined {
    const controllers = update.controllers[0];
    if (controllers !== undefined && controllers.length > MAX_CONTROLLERS) {
        return `Could not validate the settings: 'controllers' length exceeds maximum size allowed of ${MAX_CONTROLLERS}.`;
    }
    if ((update.compute_allocation?.[0] ?? 0n) > 100n) return 'Could not validate the settings: compute_allocation must be between 0 and 100.';
    const vars = update.environment_variables?.[0];
    if (vars !== undefined) {
        if (vars.length > MAX_ENVIRONMENT_VARIABLES) return `Could not validate the settings: too many environment variables: ${vars.length} (at most ${MAX_ENVIRONMENT_VARIABLES}).`;
        const long = vars.find((v) => Buffer.byteLength(v.name) > MAX_ENVIRONMENT_VARIABLE_BYTES || Buffer.byteLength(v.value) > MAX_ENVIRONMENT_VARIABLE_BYTES);
        if (long !== undefined) return `Could not validate the settings: environment variable names and values are at most ${MAX_ENVIRONMENT_VARIABLE_BYTES} bytes.`;
    }
    return undefined;
}

/** `current` with the fields `update` carries replaced. */
export function applySettings(current: SettingsState, update: CanisterSettings): SettingsState {
    const next = { ...current };
    const set = <K extends keyof SettingsState>(key: K, value: [] | [SettingsState[K]] | undefined) => {
        if (value !== undefined && value.length === 1) next[key] = value[0];
    };
    set('compute_allocation', update.compute_allocation);
    set('memory_allocation', update.memory_allocation);
    set('freezing_threshold', update.freezing_threshold);
    set('reserved_cycles_limit', update.reserved_cycles_limit);
    set('minimum_incoming_canister_call_cycles', update.minimum_incoming_canister_call_cycles);
    set('log_visibility', update.log_visibility);
    set('log_memory_limit', update.log_memory_limit);
    set('snapshot_visibility', update.snapshot_visibility);
    set('status_visibility', update.status_visibility);
    set('wasm_memory_limit', update.wasm_memory_limit);
    set('wasm_memory_threshold', update.wasm_memory_threshold);
    set('environment_variables', update.environment_variables);
    return next;
}

/** Whether `who` may see what a visibility setting guards (controllers always may). */
export function visibleTo(visibility: Visibility, who: Principal, controllers: readonly Principal[]): boolean {
    if (controllers.some((c) => c.compareTo(who) === 'eq')) return true;
    if ('public' in visibility) return true;
    if ('allowed_viewers' in visibility) return visibility.allowed_viewers.some((v) => v.compareTo(who) === 'eq');
    return false;
}
