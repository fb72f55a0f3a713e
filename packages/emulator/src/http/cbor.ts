/**
 * CBOR as the IC HTTP interface uses it: requests and responses are CBOR, and the replica writes
 * the self-describe tag 55799 (d9 d9 f7) in front of every CBOR body and certificate (dfinity/ic,
 * rs/http_endpoints/public/src/common.rs, `into_cbor`: `ser.self_describe()`).
 *
 * The codec is @dfinity/cbor: the one @dfinity/agent and @icp-sdk/core decode with, maintained by
 * DFINITY next to them, so what this server writes is read by the very code its clients run. It
 * reads the self-describe tag, gives integers beyond 2^53 as bigint and byte strings as
 * Uint8Array, and has no dependencies.
 */
import { decode, encodeWithSelfDescribedTag } from '@dfinity/cbor';

/** Decodes a CBOR body; throws CborError for anything that is not well-formed CBOR. */
export function decodeCbor(bytes: Uint8Array): unknown {
    try {
        return decode(bytes);
    } catch (e) {
        throw new CborError((e as Error).message);
    }
}

/** Encodes a value as CBOR behind the self-describe tag. */
export function encodeCbor(value: unknown): Uint8Array {
    return encodeWithSelfDescribedTag(value as never);
}

export class CborError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'CborError';
    }
}
