import { Principal } from '@dfinity/principal';

export const MANAGEMENT_CANISTER = Principal.fromText('aaaaa-aa');

/**
 * Canister ids as a dfx 0.24 local replica hands them out: the first is
 * bkyz2-fmaaa-aaaaa-qaaaq-cai (u64 0x8000000000100001), then sequentially.
 */
const FIRST_LOCAL_CANISTER = 0x8000_0000_0010_0001n;

export function canisterIdFromIndex(index: number): Principal {
    const bytes = new Uint8Array(10);
    new DataView(bytes.buffer).setBigUint64(0, FIRST_LOCAL_CANISTER + BigInt(index));
    bytes[8] = 0x01; // opaque id class
    bytes[9] = 0x01;
    return Principal.fromUint8Array(bytes);
}

const texts = new WeakMap<Principal, string>();

/**
 * A principal's text form, computed once per Principal object: the emulator looks canisters and
 * queue pairs up by it for every message, and Principal.toText hashes (CRC32) and base32-encodes.
 */
export function textOf(principal: Principal): string {
    let text = texts.get(principal);
    if (text === undefined) {
        text = principal.toText();
        texts.set(principal, text);
    }
    return text;
}
