import { HostTrap } from '../errors.js';
import { ApiEnv, Ic0Function, MAX_U64, u128, u32, u64 } from './env.js';

const STATUS_CODE = { running: 1, stopping: 2, stopped: 3 } as const;

function noEnvVar(which: number | string): never {
    throw new HostTrap(`no environment variable ${typeof which === 'number' ? `at index ${which}` : `named '${which}'`}`);
}

/** canister_*, cycles, timer, time, certified data and the other facts about the canister. */
export function canisterApi(env: ApiEnv): Record<string, Ic0Function> {
    const self = () => env.canister.id.toUint8Array();
    const subnet = () => env.subnet.subnetId.toUint8Array();
    const timerNow = (): bigint => env.state().globalTimer ?? env.canister.globalTimer;

    return {
        canister_self_size: () => self().length,
        canister_self_copy: (dst: number, offset: number, size: number) =>
            env.copyOut('ic0.canister_self_copy', self(), u32(dst), u32(offset), u32(size)),
        subnet_self_size: () => subnet().length,
        subnet_self_copy: (dst: number, offset: number, size: number) =>
            env.copyOut('ic0.subnet_self_copy', subnet(), u32(dst), u32(offset), u32(size)),
        root_key_size: () => env.subnet.rootKey.length,
        root_key_copy: (dst: number, offset: number, size: number) =>
            env.copyOut('ic0.root_key_copy', env.subnet.rootKey, u32(dst), u32(offset), u32(size)),
        canister_cycle_balance: () => {
            const b = env.state().balance;
            if (b > MAX_U64) throw new HostTrap('ic0.canister_cycle_balance: the balance does not fit in 64 bits');
            return b;
        },
        canister_cycle_balance128: (dst: number) => env.writeU128(u32(dst), env.state().balance),
        // No freezing threshold or reservations here: all of the balance is liquid.
        canister_liquid_cycle_balance128: (dst: number) => env.writeU128(u32(dst), env.state().balance),
        cycles_burn128: (high: bigint, low: bigint, dst: number) => {
            const s = env.state();
            const requested = u128(high, low);
            const burnt = requested < s.balance ? requested : s.balance;
            s.spent += burnt;
            env.writeU128(u32(dst), burnt);
        },
        canister_status: () => STATUS_CODE[env.canister.status],
        canister_version: () => env.canister.version,
        time: () => env.state().init.time,
        global_timer_set: (timestamp: bigint) => {
            const s = env.state();
            const previous = timerNow();
            s.globalTimer = u64(timestamp);
            return previous;
        },
        // 0: this execution's instructions; 1: the call context's, over all its executions
        // (spec: Performance counter; the replica's ic0_performance_counter_helper).
        performance_counter: (type: number) => {
            if (type !== 0 && type !== 1) throw new HostTrap(`Error getting performance counter type ${type}`);
            const used = env.canister.instructionsUsed();
            return type === 0 ? used : (env.current()?.init.contextInstructions ?? 0n) + used;
        },
        // Allowed in the start function too (spec: "* s"), which runs replicated, at install.
        in_replicated_execution: () => {
            const s = env.current();
            return s !== undefined && (s.context === 'NRQ' || s.context === 'F') ? 0 : 1;
        },
        certified_data_set: (src: number, size: number) => {
            if (u32(size) > 32) throw new HostTrap('ic0.certified_data_set: at most 32 bytes may be certified');
            env.state().certifiedData = env.read(u32(src), u32(size));
        },
        cost_create_canister: (dst: number) => env.writeU128(u32(dst), 0n),
        cost_http_request: (_request: bigint, _response: bigint, dst: number) => env.writeU128(u32(dst), 0n),
        cost_sign_with_ecdsa: (_src: number, _size: number, _curve: number, dst: number) => (env.writeU128(u32(dst), 0n), 0),
        cost_sign_with_schnorr: (_src: number, _size: number, _alg: number, dst: number) => (env.writeU128(u32(dst), 0n), 0),
        cost_vetkd_derive_key: (_src: number, _size: number, _curve: number, dst: number) => (env.writeU128(u32(dst), 0n), 0),
        // No environment variables are set on emulated canisters.
        env_var_count: () => 0,
        env_var_name_size: (index: number) => noEnvVar(index),
        env_var_name_copy: (index: number) => noEnvVar(index),
        env_var_name_exists: (src: number, size: number) => (env.text(u32(src), u32(size)), 0),
        env_var_value_size: (src: number, size: number) => noEnvVar(env.text(u32(src), u32(size))),
        env_var_value_copy: (src: number, size: number) => noEnvVar(env.text(u32(src), u32(size))),
        debug_print: (src: number, size: number) => {
            // Never traps: an out-of-range message is replaced by a note (spec: "Debugging aids").
            let text: string;
            try {
                text = env.text(u32(src), u32(size));
            } catch {
                text = `[debug_print: range [${u32(src)}, ${u32(src) + u32(size)}) is outside the heap]`;
            }
            // The start function has no execution state (spec: "* s" allows it): its lines go
            // to the log of the install that runs it.
            const s = env.current();
            if (s !== undefined) s.debugLog.push(text);
            else env.canister.startLog.push(text);
        },
        trap: (src: number, size: number) => {
            throw new HostTrap(`Canister called \`ic0.trap\` with message: '${env.text(u32(src), u32(size))}'`);
        }
    };
}
