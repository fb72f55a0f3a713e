import { Principal } from 'azle';

import { CallerError } from './types';

const U32_MAX = 0xffff_ffffn;
const U128_MAX = (1n << 128n) - 1n;

/** A canister id is 10 bytes ending in the opaque-id class byte 0x01 (interface spec, "Principals"). */
export function checkCanisterId(p: Principal, what: string): CallerError | undefined {
    const bytes = p.toUint8Array();
    if (bytes.length !== 10 || bytes[9] !== 0x01) {
        return { InvalidArgument: `${what} ${p.toText()} is not a canister id` };
    }
    return undefined;
}

/** The System API takes the timeout as a u32 (and caps it at 300 s); anything else is a mistake. */
export function checkTimeout(seconds: bigint): CallerError | undefined {
    if (seconds < 0n || seconds > U32_MAX) {
        return { InvalidArgument: `timeout_seconds must be between 0 and ${U32_MAX}, got ${seconds}` };
    }
    return undefined;
}

export function checkCycles(cycles: bigint, balance: bigint): CallerError | undefined {
    if (cycles < 0n || cycles > U128_MAX) return { InvalidArgument: `cycles must fit in u128, got ${cycles}` };
    if (cycles > balance) return { InvalidArgument: `cannot attach ${cycles} cycles with a balance of ${balance}` };
    return undefined;
}
