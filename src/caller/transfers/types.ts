import { IDL, Principal } from 'azle';

import { Account } from '../../ledger_mock/icrc1';
import { Model } from '../types';

export const TransferRequest = IDL.Record({
    to: Account,
    amount: IDL.Nat,
    /** The client's own idempotency key (at most 64 bytes): the same key returns the same operation. */
    client_key: IDL.Opt(IDL.Vec(IDL.Nat8))
});
export type TransferRequest = { to: Account; amount: bigint; client_key: [] | [Uint8Array] };

/**
 * Where an operation stands. Committed and Failed are terminal (the ledger's answer is known);
 * everything else is unresolved and will be driven on by timers, also after an upgrade.
 */
export const TransferState = IDL.Variant({
    /** Journaled; no ledger call made yet. */
    Pending: IDL.Null,
    /** A ledger call is outstanding. */
    InFlight: IDL.Record({ attempt: IDL.Nat32 }),
    /** The last attempt's outcome is unknown or it was not executed; another comes at `next_at`. */
    Retrying: IDL.Record({ attempt: IDL.Nat32, next_at: IDL.Nat64, last_error: IDL.Text }),
    /** Retries are exhausted while the outcome is still unknown: a controller must retry it. */
    Stuck: IDL.Record({ last_error: IDL.Text }),
    /** The ledger holds the transfer in this block. */
    Committed: IDL.Record({ block: IDL.Nat }),
    /** The ledger refused the transfer: nothing moved. */
    Failed: IDL.Record({ error: IDL.Text })
});
export type TransferState =
    | { Pending: null }
    | { InFlight: { attempt: number } }
    | { Retrying: { attempt: number; next_at: bigint; last_error: string } }
    | { Stuck: { last_error: string } }
    | { Committed: { block: bigint } }
    | { Failed: { error: string } };

export const TransferOp = IDL.Record({
    id: IDL.Nat64,
    ledger: IDL.Principal,
    to: Account,
    amount: IDL.Nat,
    /** The idempotency key sent to the ledger: ICRC-1 deduplicates on memo + created_at_time. */
    memo: IDL.Vec(IDL.Nat8),
    created_at_time: IDL.Nat64,
    model: Model,
    state: TransferState,
    attempts: IDL.Nat32,
    ledger_calls: IDL.Nat32,
    requested_by: IDL.Principal,
    requested_at: IDL.Nat64,
    resolved_at: IDL.Opt(IDL.Nat64),
    log: IDL.Vec(IDL.Text)
});
export type TransferOp = {
    id: bigint;
    ledger: Principal;
    to: Account;
    amount: bigint;
    memo: Uint8Array;
    created_at_time: bigint;
    model: Model;
    state: TransferState;
    attempts: number;
    ledger_calls: number;
    requested_by: Principal;
    requested_at: bigint;
    resolved_at: [] | [bigint];
    log: string[];
};

export const TransferSettings = IDL.Record({
    ledger: IDL.Opt(IDL.Principal),
    timeout_seconds: IDL.Nat32,
    max_attempts: IDL.Nat32
});
export type TransferSettings = { ledger: [] | [Principal]; timeout_seconds: number; max_attempts: number };

export function isTerminal(state: TransferState): boolean {
    return 'Committed' in state || 'Failed' in state;
}
