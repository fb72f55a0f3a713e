/**
 * Who sent a request, proven: the sender's signature over the request id (Ed25519, ECDSA on
 * secp256k1 or P-256), through a chain of delegations if there is one, and the request's expiry.
 * The rules, their order and their limits are the replica's (dfinity/ic,
 * rs/validator/src/ingress_validation.rs, `validate_request`: nonce, expiry, user id and
 * signature with delegations, then the canister among the delegation targets); the signature
 * schemes and domain separators are the interface spec's ("Authentication", "Signatures").
 */
import { createPublicKey, verify as nodeVerify } from 'node:crypto';

import { hashOfMap } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';
import { p256 } from '@noble/curves/p256';
import { secp256k1 } from '@noble/curves/secp256k1';
import { sha256 } from '@noble/hashes/sha256';

import {
    anonymousWithSignature,
    delegationCycle,
    delegationExpired,
    HttpError,
    invalidDelegation,
    invalidExpiry,
    invalidSignature,
    missingSignature,
    nonceTooBig,
    notADelegationTarget,
    tooManyDelegations,
    tooManyTargets,
    userIdMismatch
} from './errors.js';
import { ED25519_DER_PREFIX } from './keys.js';
import { Request, SignedDelegation } from './request.js';

/** "\x0Aic-request": what a sender signs, before the request id. */
const REQUEST_DOMAIN = Buffer.from('\x0aic-request');
/** "\x1Aic-request-auth-delegation": what a delegating key signs, before the delegation's hash. */
const DELEGATION_DOMAIN = Buffer.from('\x1aic-request-auth-delegation');

/** DER prefixes of ECDSA keys (RFC 5480): id-ecPublicKey with secp256k1 (1.3.132.0.10) or prime256v1 (1.2.840.10045.3.1.7). */
const SECP256K1_DER_PREFIX = Buffer.from('3056301006072a8648ce3d020106052b8104000a034200', 'hex');
const P256_DER_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');

const NS_PER_SECOND = 1_000_000_000n;
/** ic_limits: MAX_INGRESS_TTL (5 min) plus PERMITTED_DRIFT_AT_VALIDATOR (30 s): how far ahead an expiry may lie. */
export const MAX_EXPIRY_AHEAD_NS = (5n * 60n + 30n) * NS_PER_SECOND;
const MAX_DELEGATIONS = 20;
const MAX_TARGETS = 1000;
const MAX_NONCE_BYTES = 32;

export interface Sender {
    readonly principal: Principal;
    /** The canisters the delegations allow, by principal text; undefined for all. */
    readonly targets: ReadonlySet<string> | undefined;
}

const startsWith = (b: Uint8Array, prefix: Buffer) => b.length > prefix.length && Buffer.from(b.subarray(0, prefix.length)).equals(prefix);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/**
 * Verifies `signature` by the DER public key `key` over `payload`. Ed25519, the key agents use
 * most, goes through node:crypto (OpenSSL; about ten times faster here than a JS implementation,
 * and every signed request pays it); ECDSA through @noble/curves, over SHA-256(payload), 64 bytes
 * r‖s, accepting signatures that are not low-S, as WebCrypto (P-256) does not normalise them.
 * Returns why it failed, or undefined.
 */
function verify(key: Uint8Array, signature: Uint8Array, payload: Uint8Array): string | undefined {
    try {
        if (startsWith(key, ED25519_DER_PREFIX) && key.length === 44) {
            const ok = signature.length === 64 && nodeVerify(null, payload, createPublicKey({ key: Buffer.from(key), format: 'der', type: 'spki' }), signature);
            return ok ? undefined : basic('Ed25519', key, signature);
        }
        if (startsWith(key, SECP256K1_DER_PREFIX) && key.length === 88) {
            return secp256k1.verify(signature, sha256(payload), key.subarray(23), { lowS: false }) ? undefined : basic('ECDSA secp256k1', key, signature);
        }
        if (startsWith(key, P256_DER_PREFIX) && key.length === 91) {
            return p256.verify(signature, sha256(payload), key.subarray(26), { lowS: false }) ? undefined : basic('ECDSA P-256', key, signature);
        }
    } catch (e) {
        return `Invalid basic signature: ${(e as Error).message}`;
    }
    return `Invalid public key: unsupported algorithm or malformed key ${hex(key)}`;
}

function basic(algorithm: string, key: Uint8Array, signature: Uint8Array): string {
    return `Invalid basic signature: ${algorithm} signature could not be verified: public key ${hex(key)}, signature ${hex(signature)}`;
}

/**
 * Checks that `request` may be accepted at `nowNs` and returns its sender. Anonymous queries and
 * read_state requests may carry any expiry (the spec allows it: "for anonymous query and
 * read_state requests, an implementation may accept any expiry"): clients read the network's
 * time that way after its clock jumped forward. Throws HttpError 400 with the replica's text.
 */
export function authenticate(request: Request, nowNs: bigint): Sender {
    if (request.nonce !== undefined && request.nonce.length > MAX_NONCE_BYTES) throw nonceTooBig(request.nonce.length);
    const anonymous = request.sender.isAnonymous();
    if (!(anonymous && request.type !== 'call')) checkExpiry(request.ingressExpiry, nowNs);
    if (anonymous) {
        if (request.senderPubkey !== undefined) throw anonymousWithSignature();
        return { principal: request.sender, targets: undefined };
    }
    if (request.senderPubkey === undefined || request.senderSig === undefined) throw missingSignature(request.sender);
    if (Principal.selfAuthenticating(request.senderPubkey).compareTo(request.sender) !== 'eq') throw userIdMismatch(request.sender, request.senderPubkey);
    const { signer, targets } = checkDelegations(request.senderPubkey, request.senderDelegation ?? [], nowNs);
    const failure = verify(signer, request.senderSig, Buffer.concat([REQUEST_DOMAIN, request.requestId]));
    if (failure !== undefined) throw invalidSignature(failure);
    // A management call is checked against the canister it is about, by its caller (see call.ts).
    if (request.type !== 'read_state' && targets !== undefined && request.canisterId.toText() !== 'aaaaa-aa' && !targets.has(request.canisterId.toText())) {
        throw notADelegationTarget(request.canisterId);
    }
    return { principal: request.sender, targets };
}

/** Valid iff now <= expiry <= now + 5 min 30 s (ingress_validation.rs `validate_ingress_expiry`). */
export function checkExpiry(expiry: bigint, nowNs: bigint): void {
    const max = nowNs + MAX_EXPIRY_AHEAD_NS;
    if (expiry < nowNs || expiry > max) throw invalidExpiry(nowNs, max, expiry);
}

/**
 * A chain of delegations from the sender's key: each signed by the key before it, unexpired,
 * no key twice, at most 20 links and 1000 targets each; the targets of the links intersect.
 * Returns the key that must sign the request and the targets left.
 */
function checkDelegations(senderKey: Uint8Array, chain: readonly SignedDelegation[], nowNs: bigint): { signer: Uint8Array; targets: Set<string> | undefined } {
    if (chain.length > MAX_DELEGATIONS) throw tooManyDelegations(chain.length);
    for (const { delegation } of chain) {
        if (delegation.expiration < nowNs) throw delegationExpired(delegation.expiration, nowNs);
    }
    const seen = new Set<string>([hex(senderKey)]);
    for (const { delegation } of chain) {
        if (seen.has(hex(delegation.pubkey))) throw delegationCycle(delegation.pubkey);
        seen.add(hex(delegation.pubkey));
    }
    for (const { delegation } of chain) {
        if (delegation.targets !== undefined && delegation.targets.length > MAX_TARGETS) throw tooManyTargets(delegation.targets.length);
    }
    let signer = senderKey;
    let targets: Set<string> | undefined;
    for (const { delegation, signature } of chain) {
        let hash: Uint8Array;
        try {
            hash = hashOfMap(delegation.map);
        } catch (e) {
            throw invalidDelegation(`the delegation cannot be hashed: ${(e as Error).message}`);
        }
        const failure = verify(signer, signature, Buffer.concat([DELEGATION_DOMAIN, hash]));
        if (failure !== undefined) throw invalidDelegation(failure);
        if (delegation.targets !== undefined) {
            const these = new Set(delegation.targets.map((t) => Principal.fromUint8Array(t).toText()));
            targets = targets === undefined ? these : new Set([...targets].filter((t) => these.has(t)));
        }
        signer = delegation.pubkey;
    }
    return { signer, targets };
}

export { HttpError };
