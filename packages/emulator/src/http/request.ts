/**
 * Decoding of a request body into an envelope and its content (spec, "Envelope", "Request:
 * Call", "Request: Query call", "Request: Read state"; dfinity/ic, rs/types/types/src/messages/
 * http.rs `HttpRequestEnvelope`), and its request id: the representation-independent hash of the
 * content, computed with agent-js's own `requestIdOf` over the fields exactly as they arrived
 * (fields this server does not know, such as `sender_info`, are part of the id too).
 */
import { requestIdOf } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';

import { CborError, decodeCbor } from './cbor.js';
import { badCallEnvelope, HttpError, malformedRequest, notCbor } from './errors.js';

export type RequestType = 'call' | 'query' | 'read_state';

export interface Delegation {
    readonly pubkey: Uint8Array;
    readonly expiration: bigint;
    readonly targets: readonly Uint8Array[] | undefined;
    /** The delegation map as it arrived: what its signature covers. */
    readonly map: Record<string, unknown>;
}

export interface SignedDelegation {
    readonly delegation: Delegation;
    readonly signature: Uint8Array;
}

interface Common {
    readonly requestId: Uint8Array;
    readonly sender: Principal;
    readonly ingressExpiry: bigint;
    readonly nonce: Uint8Array | undefined;
    readonly senderPubkey: Uint8Array | undefined;
    readonly senderSig: Uint8Array | undefined;
    readonly senderDelegation: readonly SignedDelegation[] | undefined;
}

export interface CallRequest extends Common {
    readonly type: 'call' | 'query';
    readonly canisterId: Principal;
    readonly methodName: string;
    readonly arg: Uint8Array;
}

export interface ReadStateRequest extends Common {
    readonly type: 'read_state';
    readonly paths: Uint8Array[][];
}

export type Request = CallRequest | ReadStateRequest;

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);

class ShapeError extends Error {}

function bytes(map: Record<string, unknown>, field: string): Uint8Array {
    const v = map[field];
    if (!(v instanceof Uint8Array)) throw new ShapeError(v === undefined ? `missing field \`${field}\`` : `invalid type for \`${field}\`: expected a byte string`);
    return v;
}
function optionalBytes(map: Record<string, unknown>, field: string): Uint8Array | undefined {
    return map[field] === undefined ? undefined : bytes(map, field);
}
function text(map: Record<string, unknown>, field: string): string {
    const v = map[field];
    if (typeof v !== 'string') throw new ShapeError(v === undefined ? `missing field \`${field}\`` : `invalid type for \`${field}\`: expected a text string`);
    return v;
}
function nat(map: Record<string, unknown>, field: string): bigint {
    const v = map[field];
    if (typeof v === 'bigint' && v >= 0n) return v;
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
    throw new ShapeError(v === undefined ? `missing field \`${field}\`` : `invalid type for \`${field}\`: expected an unsigned integer`);
}
function principal(map: Record<string, unknown>, field: string): Principal {
    const b = bytes(map, field);
    if (b.length > 29) throw new ShapeError(`invalid principal in \`${field}\`: longer than 29 bytes`);
    return Principal.fromUint8Array(b);
}

function delegations(v: unknown): SignedDelegation[] {
    if (!Array.isArray(v)) throw new ShapeError('invalid type for `sender_delegation`: expected an array');
    return v.map((entry) => {
        if (!isMap(entry) || !isMap(entry.delegation)) throw new ShapeError('invalid signed delegation');
        const d = entry.delegation;
        const targets = d.targets;
        if (targets !== undefined && (!Array.isArray(targets) || !targets.every((t) => t instanceof Uint8Array))) throw new ShapeError('invalid delegation targets');
        return {
            delegation: { pubkey: bytes(d, 'pubkey'), expiration: nat(d, 'expiration'), targets: targets as Uint8Array[] | undefined, map: d },
            signature: bytes(entry, 'signature')
        };
    });
}

/**
 * The request in a body, checked against the endpoint's request type. Throws HttpError 400 with
 * the replica's text for a body that is not CBOR, not of the expected shape, or whose
 * authentication fields do not fit together (a key without a signature or the reverse).
 */
export function parseRequest(body: Uint8Array, expected: RequestType): Request {
    let decoded: unknown;
    try {
        decoded = decodeCbor(body);
    } catch (e) {
        if (e instanceof CborError) throw notCbor(e.message);
        throw e;
    }
    let request: Request;
    try {
        if (!isMap(decoded) || !isMap(decoded.content)) throw new ShapeError('missing field `content`');
        const content = decoded.content;
        const type = text(content, 'request_type');
        if (type !== expected) throw new ShapeError(`unknown variant \`${type}\`, expected \`${expected}\``);
        let requestId: Uint8Array;
        try {
            requestId = requestIdOf(content);
        } catch (e) {
            throw new ShapeError(`a field cannot be hashed: ${(e as Error).message}`);
        }
        const common: Common = {
            requestId,
            sender: principal(content, 'sender'),
            ingressExpiry: nat(content, 'ingress_expiry'),
            nonce: optionalBytes(content, 'nonce'),
            senderPubkey: optionalBytes(decoded, 'sender_pubkey'),
            senderSig: optionalBytes(decoded, 'sender_sig'),
            senderDelegation: decoded.sender_delegation === undefined ? undefined : delegations(decoded.sender_delegation)
        };
        if (type === 'read_state') {
            const paths = content.paths;
            if (!Array.isArray(paths) || !paths.every((p) => Array.isArray(p) && p.every((l) => l instanceof Uint8Array))) {
                throw new ShapeError('invalid type for `paths`: expected an array of arrays of byte strings');
            }
            request = { ...common, type, paths: paths as Uint8Array[][] };
        } else {
            request = { ...common, type, canisterId: principal(content, 'canister_id'), methodName: text(content, 'method_name'), arg: bytes(content, 'arg') };
        }
    } catch (e) {
        if (e instanceof ShapeError) throw notCbor(e.message);
        throw e;
    }
    // http.rs `to_authentication`: a key and a signature (and perhaps delegations), or none of them.
    const hasKey = request.senderPubkey !== undefined;
    const hasSig = request.senderSig !== undefined;
    if (hasKey !== hasSig || (!hasKey && request.senderDelegation !== undefined)) {
        const detail = `missing pubkey or signature: Got (pubkey: ${hasKey}, signature: ${hasSig}, delegation: ${request.senderDelegation !== undefined})`;
        throw expected === 'call' ? badCallEnvelope(detail) : malformedRequest(detail);
    }
    return request;
}

export { HttpError };
