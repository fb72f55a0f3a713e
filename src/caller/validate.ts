import { Principal } from 'azle';

import { invalidArgument, isCanisterId } from '../common/refusals';
import { MAX_TOKENS, SUBACCOUNT_BYTES } from '../ledger_mock/icrc1';
import { MAX_CALL_TIMEOUT_SECONDS } from '@response-models/bounded-wait';
import { TransferRequest } from './transfers/types';
import { CallerError } from './types';

const MAX_CLIENT_KEY_BYTES = 64;
/** Longest method name call_raw sends; no method of the IC's interfaces comes close. */
export const MAX_METHOD_NAME_BYTES = 1_024;

const U32_MAX = 0xffff_ffffn;
const U128_MAX = (1n << 128n) - 1n;

export function checkCanisterId(p: Principal, field: string): CallerError | undefined {
    return isCanisterId(p.toUint8Array()) ? undefined : invalidArgument(field, `${p.toText()} is not a canister id`);
}

/**
 * The System API takes the timeout as a u32 and caps it at 300 s: anything a u32 holds is
 * accepted (and capped, the answer shows the applied value); anything else is a mistake.
 */
export function checkTimeout(seconds: bigint, field = 'timeout_seconds'): CallerError | undefined {
    if (seconds < 0n || seconds > U32_MAX) return invalidArgument(field, `between 0 and ${U32_MAX} (values above ${MAX_CALL_TIMEOUT_SECONDS} are capped), got ${seconds}`);
    return undefined;
}

export function checkCycles(cycles: bigint, balance: bigint): CallerError | undefined {
    if (cycles < 0n || cycles > U128_MAX) return invalidArgument('cycles', `must fit in u128, got ${cycles}`);
    if (cycles > balance) return invalidArgument('cycles', `cannot attach ${cycles} cycles with a balance of ${balance}`);
    return undefined;
}

export function checkMethodName(method: string): CallerError | undefined {
    const bytes = new TextEncoder().encode(method).length;
    if (bytes === 0) return invalidArgument('method', 'must not be empty');
    if (bytes > MAX_METHOD_NAME_BYTES) return invalidArgument('method', `at most ${MAX_METHOD_NAME_BYTES} bytes, got ${bytes}`);
    // The library reserves NUL for its timeout marker (Call throws a TypeError on it).
    if (method.includes('\u0000')) return invalidArgument('method', 'must not contain a NUL character');
    return undefined;
}

/** A transfer the ledger could never accept is refused before anything is journaled. */
export function checkTransfer(request: TransferRequest): CallerError | undefined {
    if (request.amount === 0n) return invalidArgument('amount', 'must be greater than 0');
    if (request.amount > MAX_TOKENS) return invalidArgument('amount', `at most ${MAX_TOKENS} (ledger tokens are u64)`);
    const sub = request.to.subaccount[0];
    if (sub !== undefined && sub.length !== SUBACCOUNT_BYTES) {
        return invalidArgument('to.subaccount', `${SUBACCOUNT_BYTES} bytes, got ${sub.length}`);
    }
    const key = request.client_key[0];
    if (key !== undefined && (key.length === 0 || key.length > MAX_CLIENT_KEY_BYTES)) {
        return invalidArgument('client_key', `1 to ${MAX_CLIENT_KEY_BYTES} bytes, got ${key.length}`);
    }
    return undefined;
}
