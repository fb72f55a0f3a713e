/**
 * The network's keys: the BLS12-381 key that signs certificates (the root key clients fetch from
 * /api/v2/status) and one node's Ed25519 key that signs query responses. Both are derived from a
 * seed, so that a network started with the same seed has the same root key and ids.
 */
import { Principal } from '@dfinity/principal';
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/abstract/utils';
import { bls12_381 } from '@noble/curves/bls12-381';
import { ed25519 } from '@noble/curves/ed25519';
import { sha256 } from '@noble/hashes/sha256';

/**
 * DER prefix of an IC BLS12-381 public key: OIDs 1.3.6.1.4.1.44668.5.3.1.2.1 (BLS12-381 G2) and
 * 1.3.6.1.4.1.44668.5.3.2.1 around a 96-byte bit string (spec, "Certificate": the root key is
 * DER-encoded; agent-js `extractDER` and icp-cli's ROOT_KEY_LEN = 133 accept nothing else).
 */
const BLS_DER_PREFIX = Buffer.from('308182301d060d2b0601040182dc7c0503010201060c2b0601040182dc7c05030201036100', 'hex');

/** DER prefix of an Ed25519 public key, OID 1.3.101.112 (RFC 8410; clients require 44 bytes in all). */
export const ED25519_DER_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Domain separator of a certificate's signature: "\x0Dic-state-root" (spec, "Certificate"). */
const STATE_ROOT_DOMAIN = Buffer.from('\x0dic-state-root');
/** Domain separator of a node's query response signature: "\x0Bic-response" (spec, "Query call"). */
const RESPONSE_DOMAIN = Buffer.from('\x0bic-response');

const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

function derive(seed: number, purpose: string): Uint8Array {
    return sha256(new TextEncoder().encode(`ic emulator ${purpose} key, seed ${seed}`));
}

export class NetworkKeys {
    /** The root key in DER, 133 bytes: what /api/v2/status serves and every certificate is checked with. */
    readonly rootKeyDer: Uint8Array;
    /**
     * The subnet's id: the self-authenticating principal of the root key. Without a delegation,
     * every client derives the subnet id of a certificate that way (agent-js fetchNodeKeys,
     * ic-agent fetch_subnet_by_canister), as the IC's root (NNS) subnet id is derived.
     */
    readonly subnetId: Principal;
    /** The node key in DER, 44 bytes, and the node's id (the key's self-authenticating principal, as on the IC). */
    readonly nodeKeyDer: Uint8Array;
    readonly nodeId: Principal;

    private constructor(
        private readonly blsSecret: Uint8Array,
        private readonly nodeSecret: Uint8Array
    ) {
        this.rootKeyDer = concat(BLS_DER_PREFIX, bls12_381.shortSignatures.getPublicKey(blsSecret).toRawBytes(true));
        this.subnetId = Principal.selfAuthenticating(this.rootKeyDer);
        this.nodeKeyDer = concat(ED25519_DER_PREFIX, ed25519.getPublicKey(nodeSecret));
        this.nodeId = Principal.selfAuthenticating(this.nodeKeyDer);
    }

    static fromSeed(seed: number): NetworkKeys {
        const Fr = bls12_381.fields.Fr;
        const bls = numberToBytesBE(Fr.create(bytesToNumberBE(derive(seed, 'root'))), 32);
        return new NetworkKeys(bls, derive(seed, 'node'));
    }

    /** BLS min-sig signature (48 bytes, in G1) over "\x0Dic-state-root" ‖ root hash: a certificate's signature. */
    signStateRoot(rootHash: Uint8Array): Uint8Array {
        const message = concat(STATE_ROOT_DOMAIN, rootHash);
        return bls12_381.shortSignatures.sign(bls12_381.shortSignatures.hash(message), this.blsSecret).toRawBytes(true);
    }

    /** Ed25519 signature of the node over "\x0Bic-response" ‖ hash_of_map(response). */
    signResponse(responseHash: Uint8Array): Uint8Array {
        return ed25519.sign(concat(RESPONSE_DOMAIN, responseHash), this.nodeSecret);
    }
}
