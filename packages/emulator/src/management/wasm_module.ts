import { gunzipSync } from 'node:zlib';

/**
 * The largest uncompressed module, and the chunk store's capacity: WASM_MAX_SIZE, 100 MiB
 * (dfinity/ic, rs/config/src/embedders.rs: "also used as the maximum size for the Wasm chunk
 * store of each canister").
 */
export const WASM_MAX_SIZE = 100 * 1024 * 1024;

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];
/** gzip's magic number 1f 8b and 08, DEFLATE (dfinity/ic, rs/embedders/src/wasm_utils/decoding.rs). */
const GZIP_MAGIC = [0x1f, 0x8b, 0x08];

/** A module the management canister refuses, with the replica's text. */
export class ModuleError extends Error {}

const startsWith = (bytes: Uint8Array, magic: number[]) => magic.every((b, i) => bytes[i] === b);

/**
 * The wasm a `wasm_module` holds: itself, or, if it starts with 1f 8b 08, its gzip content
 * (spec: install_code). The uncompressed size is read from the gzip footer and checked before
 * anything is inflated, as the replica does.
 */
export function decodeModule(bytes: Uint8Array): Uint8Array {
    if (startsWith(bytes, WASM_MAGIC)) {
        if (bytes.length > WASM_MAX_SIZE) throw new ModuleError(tooLarge(bytes.length));
        return bytes;
    }
    if (!startsWith(bytes, GZIP_MAGIC)) throw new ModuleError('Canister\'s Wasm module is not valid: unsupported canister module format');
    if (bytes.length < 16) throw new ModuleError('Canister\'s Wasm module is not valid: invalid Wasm module: gzip stream is too short');
    const declared = new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 4, 4).getUint32(0, true);
    if (declared > WASM_MAX_SIZE) throw new ModuleError(tooLarge(declared));
    let inflated: Buffer;
    try {
        inflated = gunzipSync(bytes, { maxOutputLength: WASM_MAX_SIZE + 1 });
    } catch (e) {
        throw new ModuleError(`Canister's Wasm module is not valid: invalid Wasm module: ${(e as Error).message}`);
    }
    if (inflated.length !== declared) {
        throw new ModuleError(`Canister's Wasm module is not valid: specified uncompressed size ${declared} does not match extracted size ${inflated.length}`);
    }
    return new Uint8Array(inflated);
}

function tooLarge(size: number): string {
    return `Canister's Wasm module is not valid: Wasm module size of ${size} exceeds the maximum allowed size of ${WASM_MAX_SIZE}.`;
}
