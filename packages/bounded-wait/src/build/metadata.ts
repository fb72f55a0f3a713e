import { concat, lebEncode } from '@dfinity/candid';

/**
 * Canister metadata in the module: the Candid interface as a public custom section named
 * `icp:public candid:service` (spec, "Canister metadata"). Tools read it through read_state to
 * type arguments and results: `icp canister call` prints records with their field names only
 * when it finds it. dfx adds the same section at deploy (dfx.json `metadata`); icp-cli installs
 * pre-built modules as they are, so the build adds it.
 */
export const CANDID_SERVICE_SECTION = 'icp:public candid:service';

/** `wasm` with a custom section (id 0) `name` holding `content`, appended after the last section. */
export function withCustomSection(wasm: Uint8Array, name: string, content: Uint8Array): Uint8Array {
    const nameBytes = new TextEncoder().encode(name);
    const payload = concat(lebEncode(nameBytes.length), nameBytes, content);
    const header = concat(Uint8Array.of(0), lebEncode(payload.length));
    return concat(wasm, header, payload);
}

/** The module with its Candid interface as public metadata. */
export function withCandidMetadata(wasm: Uint8Array, did: string): Uint8Array {
    return withCustomSection(wasm, CANDID_SERVICE_SECTION, new TextEncoder().encode(did));
}
