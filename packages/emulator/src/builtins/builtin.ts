import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';

import { RejectCode } from '../errors.js';
import { Response } from '../subnet/messages.js';
import { ManagementHandler, Subnet } from '../subnet/subnet.js';

/**
 * A canister the emulator provides without wasm, in place of a system canister that tools expect
 * on a network (the cycles-minting canister, the cycles ledger). Updates arrive on the message
 * path of every canister (Subnet.builtinAt); queries are answered at once, like a canister's.
 */
export interface BuiltinCanister extends ManagementHandler {
    readonly id: Principal;
    /** Whether `method` is one of its update or query methods (undefined: it has no such method). */
    methodKind(method: string): 'update' | 'query' | undefined;
    /** Answers a query (non-replicated): reads state, changes nothing. */
    query(subnet: Subnet, caller: Principal, method: string, arg: Uint8Array): Response;
}

export const reply = (types: IDL.Type[], values: unknown[]): Response => ({ reply: new Uint8Array(IDL.encode(types, values)) });

/** A reject as a canister that cannot decode its argument gives it (CANISTER_ERROR, as a Candid decoding trap). */
export function decodeOrReject<T>(types: IDL.Type[], arg: Uint8Array, canister: Principal): T | Response {
    try {
        return IDL.decode(types, arg) as unknown as T;
    } catch (e) {
        return { reject: { code: RejectCode.CanisterError, message: `Error from Canister ${canister.toText()}: Canister called \`ic0.trap\` with message: failed to decode call arguments: ${(e as Error).message}` } };
    }
}

export const isResponse = (v: unknown): v is Response => typeof v === 'object' && v !== null && ('reply' in v || 'reject' in v);

/** The reject for a method a built-in lacks, worded as for any canister. */
export function noMethod(id: Principal, method: string, kind: 'update' | 'query'): Response {
    return { reject: { code: RejectCode.CanisterError, message: `Canister ${id.toText()} has no ${kind} method '${method}'` } };
}
