import { Principal } from 'azle';

import { SUBACCOUNT_BYTES } from '../ledger_mock/icrc1';
import { TransferRequest } from './transfers/types';
import { CallerError } from './types';

const MAX_CLIENT_KEY_BYTES = 64;

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

/** A transfer the ledger could never accept is refused before anything is journaled. */
export function checkTransfer(request: TransferRequest): CallerError | undefined {
    if (request.amount === 0n) return { InvalidArgument: 'the amount must be greater than 0' };
    const sub = request.to.subaccount[0];
    if (sub !== undefined && sub.length !== SUBACCOUNT_BYTES) {
        return { InvalidArgument: `a subaccount has ${SUBACCOUNT_BYTES} bytes, got ${sub.length}` };
    }
    const key = request.client_key[0];
    if (key !== undefined && (key.length === 0 || key.length > MAX_CLIENT_KEY_BYTES)) {
        return { InvalidArgument: `a client key has 1 to ${MAX_CLIENT_KEY_BYTES} bytes, got ${key.length}` };
    }
    return undefined;
}
