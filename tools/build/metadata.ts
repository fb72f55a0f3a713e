/**
 * Canister metadata in the module: the Candid interface as a public custom section named
 * `icp:public candid:service` (spec, "Canister metadata"). Tools read it through read_state to
 * type arguments and results: `icp canister call` prints records with their field names only
 * when it finds it. dfx adds the same section at deploy (dfx.json `metadata`); icp-cli installs
 * pre-built modules as they are, so the build adds it.
 */
export const CANDID_SERVICE_SECTION = 'icp:public candid:service';

/** Unsigned LEB128, as wasm writes sizes. */
function leb128(value: number): number[] {
    const out: number[] = [];
    do {
        let b = value & 0x7f;
        value = Math.floor(value / 128);
        if (value !== 0) b |= 0x80;
        out.push(b);
    } while (value !== 0);
    return out;
}

/** `wasm` with a custom section (id 0) `name` holding `content`, appended after the last section. */
export function withCustomSection(wasm: Uint8Array, name: string, content: Uint8Array): Uint8Array {
    const nameBytes = new TextEncoder().encode(name);
    const payload = [...leb128(nameBytes.length), ...nameBytes, ...content];
    const header = [0, ...leb128(payload.length)];
    const out = new Uint8Array(wasm.length + header.length + payload.length);
    out.set(wasm, 0);
    out.set(header, wasm.length);
    out.set(payload, wasm.length + header.length);
    return out;
}

/** The module with its Candid interface as public metadata. */
export function withCandidMetadata(wasm: Uint8Array, did: string): Uint8Array {
    return withCustomSection(wasm, CANDID_SERVICE_SECTION, new TextEncoder().encode(did));
}
