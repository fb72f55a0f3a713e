/**
 * Requests to the IC HTTP interface built by hand, to send what no agent sends: tampered
 * content, forged or misplaced signatures, expiries out of range, oversized bodies.
 */
import { IC_REQUEST_DOMAIN_SEPARATOR, requestIdOf, SignIdentity } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { encodeWithSelfDescribedTag } from '@dfinity/cbor';
import { Principal } from '@dfinity/principal';

export type Content = Record<string, unknown>;

const MINUTE_NS = 60_000_000_000n;

/** A call's content, to `canister` from `sender`, expiring `expiresInNs` from `nowNs`. */
export function callContent(canister: Principal, method: string, sender: Principal, nowNs: bigint, expiresInNs = 4n * MINUTE_NS, arg = new Uint8Array(IDL.encode([], []))): Content {
    return {
        request_type: 'call',
        canister_id: canister.toUint8Array(),
        method_name: method,
        arg,
        sender: sender.toUint8Array(),
        ingress_expiry: nowNs + expiresInNs,
        nonce: new Uint8Array(16).fill(7)
    };
}

/** The envelope `identity` signs for `content` (over "\x0Aic-request" ‖ request id). */
export async function signed(identity: SignIdentity, content: Content): Promise<Content> {
    const rid = requestIdOf(content);
    const sig = await identity.sign(new Uint8Array([...IC_REQUEST_DOMAIN_SEPARATOR, ...rid]));
    return { content, sender_pubkey: identity.getPublicKey().toDer(), sender_sig: sig };
}

export function cbor(value: Content): Uint8Array {
    return encodeWithSelfDescribedTag(value as never);
}

/** POSTs `body` to `path`; returns the status and the body as text. */
export async function post(url: string, path: string, body: Uint8Array, contentType = 'application/cbor'): Promise<{ status: number; text: string; bytes: Uint8Array }> {
    const res = await fetch(new URL(path, url), { method: 'POST', headers: { 'content-type': contentType }, body: new Uint8Array(body) });
    const bytes = new Uint8Array(await res.arrayBuffer());
    return { status: res.status, text: new TextDecoder().decode(bytes), bytes };
}

/** A read_state request's content for `paths`. */
export function readStateContent(paths: Uint8Array[][], sender: Principal, nowNs: bigint): Content {
    return { request_type: 'read_state', paths, sender: sender.toUint8Array(), ingress_expiry: nowNs + 4n * MINUTE_NS };
}

/** A query's content. */
export function queryContent(canister: Principal, method: string, sender: Principal, nowNs: bigint, arg = new Uint8Array(IDL.encode([], []))): Content {
    return { request_type: 'query', canister_id: canister.toUint8Array(), method_name: method, arg, sender: sender.toUint8Array(), ingress_expiry: nowNs + 4n * MINUTE_NS };
}
