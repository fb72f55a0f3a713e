import { CallError, CallResult, describeCallError, errorClass, isOutcomeUnknown } from '@response-models/bounded-wait';
import { TransferError, TransferResult } from '../../ledger_mock/icrc1';

/** What one ledger call told us about the transfer. */
export type AttemptOutcome =
    | { kind: 'committed'; block: bigint }
    /** The ledger executed the transfer and refused it: nothing moved, and retrying will not help. */
    | { kind: 'refused'; error: string }
    /**
     * The transfer may or may not be on the ledger (or certainly is not yet): try again with the
     * same key. `maybeExecuted`: the ledger may have run it (SYS_UNKNOWN, an undecodable reply, a
     * response lost in the cleanup callback), so even a guaranteed-response call must not give up.
     */
    | { kind: 'retry'; error: string; maybeExecuted: boolean; inCleanup: boolean }
    /** The created_at_time left ICRC-1's window: only a lookup can tell whether it was committed. */
    | { kind: 'too old' };

/**
 * Classifies an icrc1_transfer result. Because every attempt sends identical arguments (same memo
 * and created_at_time), a retry of a committed transfer returns Duplicate, never a second block:
 * so every unclear case is a retry.
 */
export function classify(result: CallResult<TransferResult>): AttemptOutcome {
    if ('Err' in result) return callFailure(result.Err);
    const reply = result.Ok;
    if ('Ok' in reply) return { kind: 'committed', block: reply.Ok };
    return ledgerError(reply.Err);
}

function callFailure(error: CallError): AttemptOutcome {
    // CleanReject: not executed. OutcomeUnknown: maybe executed. Failed: the ledger ran and trapped or
    // rejected (a trap rolls its message back: ICRC-1 transfers commit in one message), or it
    // replied and the reply was lost to us. All are safe to retry with the same key.
    const maybeExecuted = isOutcomeUnknown(error) || error.kind === 'CandidDecodeFailed' || error.kind === 'CleanupCallback';
    return { kind: 'retry', error: `${errorClass(error)}: ${describeCallError(error)}`, maybeExecuted, inCleanup: error.kind === 'CleanupCallback' };
}

function ledgerError(error: TransferError): AttemptOutcome {
    if ('Duplicate' in error) return { kind: 'committed', block: error.Duplicate.duplicate_of };
    if ('TemporarilyUnavailable' in error) return { kind: 'retry', error: 'ledger temporarily unavailable', maybeExecuted: false, inCleanup: false };
    if ('TooOld' in error) return { kind: 'too old' };
    return { kind: 'refused', error: describeTransferError(error) };
}

export function describeTransferError(error: TransferError): string {
    if ('BadFee' in error) return `BadFee: expected fee ${error.BadFee.expected_fee}`;
    if ('BadBurn' in error) return `BadBurn: minimum ${error.BadBurn.min_burn_amount}`;
    if ('InsufficientFunds' in error) return `InsufficientFunds: balance ${error.InsufficientFunds.balance}`;
    if ('CreatedInFuture' in error) return `CreatedInFuture: ledger time ${error.CreatedInFuture.ledger_time}`;
    if ('GenericError' in error) return `GenericError ${error.GenericError.error_code}: ${error.GenericError.message}`;
    if ('Duplicate' in error) return `Duplicate of block ${error.Duplicate.duplicate_of}`;
    if ('TooOld' in error) return 'TooOld';
    return 'TemporarilyUnavailable';
}
