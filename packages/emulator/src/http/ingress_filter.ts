/**
 * What the replica refuses before a call enters the ingress queue: a "non-replicated rejection"
 * that changes nothing (v2: a 200 with the reject in the body; v3/v4: status
 * non_replicated_rejection). The checks are the replica's `should_accept_ingress_message`
 * (dfinity/ic, rs/execution_environment/src/canister_manager.rs and execution_environment.rs):
 * the canister must exist, be running, have a module and the method; calls to the management
 * canister must come from a controller of the canister they name, and some of its methods only
 * from canisters.
 */
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';

import { RejectCode } from '../errors.js';
import { MANAGEMENT_CANISTER } from '../ids.js';
import { Subnet } from '../subnet/subnet.js';
import { BuiltinCanister } from '../builtins/builtin.js';
import { visibleTo } from '../management/settings.js';
import { ErrorCode, errorCodeText } from './error_codes.js';

export interface Rejection {
    readonly reject_code: number;
    readonly reject_message: string;
    readonly error_code: string;
}

const reject = (code: number, errorCode: number, message: string): Rejection => ({ reject_code: code, reject_message: message, error_code: errorCodeText(errorCode) });

/** Management methods only controllers of the named canister may call by ingress. */
const CONTROLLERS_ONLY = new Set([
    'canister_status',
    'start_canister',
    'stop_canister',
    'uninstall_code',
    'delete_canister',
    'update_settings',
    'install_code',
    'install_chunked_code',
    'upload_chunk',
    'stored_chunks',
    'clear_chunk_store',
    'take_canister_snapshot',
    'load_canister_snapshot',
    'list_canister_snapshots',
    'delete_canister_snapshot'
]);

/** Management methods that "cannot be called by external users via ingress messages" (spec). */
const CANISTERS_ONLY = new Set([
    'create_canister',
    'raw_rand',
    'deposit_cycles',
    'http_request',
    'ecdsa_public_key',
    'sign_with_ecdsa',
    'schnorr_public_key',
    'sign_with_schnorr',
    'bitcoin_get_balance',
    'bitcoin_get_utxos',
    'bitcoin_send_transaction',
    'bitcoin_get_current_fee_percentiles',
    'node_metrics_history'
]);

/**
 * The canister a management call is about: its argument's `canister_id` (`target_canister` for
 * install_chunked_code), the effective canister id (spec, "Effective canister id").
 */
export function managementTarget(method: string, arg: Uint8Array): Principal | undefined {
    const field = method === 'install_chunked_code' ? 'target_canister' : 'canister_id';
    try {
        const [record] = IDL.decode([IDL.Record({ [field]: IDL.Principal })], arg) as unknown as [Record<string, Principal>];
        return record[field];
    } catch {
        return undefined;
    }
}

export function filterIngress(subnet: Subnet, builtins: ReadonlyMap<string, BuiltinCanister>, sender: Principal, canisterId: Principal, method: string, arg: Uint8Array): Rejection | undefined {
    if (canisterId.compareTo(MANAGEMENT_CANISTER) === 'eq') {
        if (CANISTERS_ONLY.has(method)) return reject(RejectCode.CanisterReject, ErrorCode.CanisterRejectedMessage, `Only canisters can call ic00 method ${method}`);
        if (!CONTROLLERS_ONLY.has(method)) return undefined;
        const target = managementTarget(method, arg);
        if (target === undefined) return undefined; // the management canister itself answers the malformed argument
        const canister = subnet.canister(target);
        if (canister === undefined) return reject(RejectCode.DestinationInvalid, ErrorCode.CanisterNotFound, `Canister ${target.toText()} not found`);
        // canister_status is also open to whoever the canister's status_visibility names (spec).
        const allowed = method === 'canister_status' ? visibleTo(canister.settings.status_visibility, sender, canister.controllers) : canister.controllers.some((c) => c.compareTo(sender) === 'eq');
        if (!allowed) {
            return reject(RejectCode.CanisterError, ErrorCode.CanisterInvalidController, `Only controllers of canister ${target.toText()} can call ic00 method ${method}`);
        }
        return undefined;
    }
    const builtin = builtins.get(canisterId.toText());
    if (builtin !== undefined) {
        if (builtin.methodKind(method) !== undefined) return undefined;
        return reject(RejectCode.CanisterError, ErrorCode.CanisterMethodNotFound, `Canister ${canisterId.toText()} has no update method '${method}'`);
    }
    const canister = subnet.canister(canisterId);
    if (canister === undefined) return reject(RejectCode.DestinationInvalid, ErrorCode.CanisterNotFound, `Canister ${canisterId.toText()} not found`);
    if (canister.status === 'stopped') return reject(RejectCode.CanisterError, ErrorCode.CanisterStopped, `Canister ${canisterId.toText()} is stopped`);
    if (canister.status === 'stopping') return reject(RejectCode.CanisterError, ErrorCode.CanisterStopping, `Canister ${canisterId.toText()} is stopping`);
    if (canister.installed === undefined) {
        return reject(
            RejectCode.CanisterError,
            ErrorCode.CanisterWasmModuleNotFound,
            `Error from Canister ${canisterId.toText()}: Attempted to execute a message, but the canister contains no Wasm module.`
        );
    }
    if (!canister.hasExport(`canister_update ${method}`) && !canister.hasExport(`canister_query ${method}`)) {
        return reject(RejectCode.CanisterError, ErrorCode.CanisterMethodNotFound, `Canister ${canisterId.toText()} has no update method '${method}'`);
    }
    return undefined;
}
