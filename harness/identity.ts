/**
 * Identities the harness signs with, read from the PEM files dfx and icp-cli keep: Ed25519
 * (PKCS#8, what `dfx identity new` wrote before 0.9 and `icp identity import` accepts) and
 * secp256k1 (SEC1 "EC PRIVATE KEY", what both tools create today). @dfinity/identity 3.4.3 reads
 * neither format, and has no secp256k1 identity, so secp256k1 signing is done here with noble.
 */
import { createPrivateKey, generateKeyPairSync, KeyObject } from 'node:crypto';

import { DerEncodedPublicKey, PublicKey, Signature, SignIdentity } from '@dfinity/agent';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { Principal } from '@dfinity/principal';
import { secp256k1 } from '@noble/curves/secp256k1';
import { sha256 } from '@noble/hashes/sha256';

/** RFC 5480 SubjectPublicKeyInfo prefix of an uncompressed secp256k1 key (id-ecPublicKey, secp256k1). */
const SECP256K1_SPKI_PREFIX = Buffer.from('3056301006072a8648ce3d020106052b8104000a034200', 'hex');

/** An ECDSA secp256k1 identity: signs SHA-256 of the payload, 64 bytes r‖s (spec, "Signatures"). */
export class Secp256k1Identity extends SignIdentity {
    private readonly der: DerEncodedPublicKey;

    constructor(private readonly secret: Uint8Array) {
        super();
        const raw = secp256k1.getPublicKey(secret, false);
        this.der = new Uint8Array(Buffer.concat([SECP256K1_SPKI_PREFIX, raw])) as DerEncodedPublicKey;
    }

    getPublicKey(): PublicKey {
        return { toDer: () => this.der, derKey: this.der };
    }

    getPrincipal(): Principal {
        return Principal.selfAuthenticating(this.der);
    }

    async sign(blob: Uint8Array): Promise<Signature> {
        return secp256k1.sign(sha256(blob), this.secret).toCompactRawBytes() as Signature;
    }
}

function secretOf(key: KeyObject, type: 'ed25519' | 'secp256k1'): Uint8Array {
    const jwk = key.export({ format: 'jwk' });
    if (jwk.d === undefined) throw new Error(`the ${type} PEM holds no private key`);
    return new Uint8Array(Buffer.from(jwk.d, 'base64url'));
}

/** The identity a PEM private key file holds (Ed25519 or secp256k1); throws for any other key. */
export function identityFromPem(pem: string): SignIdentity {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType === 'ed25519') return Ed25519KeyIdentity.fromSecretKey(secretOf(key, 'ed25519'));
    if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'secp256k1') return new Secp256k1Identity(secretOf(key, 'secp256k1'));
    throw new Error(`unsupported key in PEM (${key.asymmetricKeyType ?? 'unknown'}): use an Ed25519 or secp256k1 identity`);
}

/** A new Ed25519 key as a PKCS#8 PEM file's text, for `dfx identity import` / `icp identity import --from-pem`. */
export function newEd25519Pem(): string {
    return generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}
