import { IDL, Principal } from 'azle';

import { Account } from '../../ledger_mock/icrc1';
import { Model } from '../types';

export const TransferRequest = IDL.Record({
    to: Account,
    amount: IDL.Nat,
    /**
     * The client's own idempotency key (1 to 64 bytes), scoped to the principal that sends it:
     * the same principal with the same key gets the same operation; another principal's equal
     * key is another key.
     */
    client_key: IDL.Opt(IDL.Vec(IDL.Nat8))
});
export type TransferRequest = { to: Account; amount: bigint; client_key: [] | [Uint8Array] };

/**
 * Where an operation stands. Committed and Failed are terminal (the ledger's answer is known)
 * and never change again; everything else is unresolved and will be driven on by timers, also
 * after an upgrade.
 */
export const TransferState = IDL.Variant({
    /** Journaled; no attempt made yet. */
    Pending: IDL.Null,
    /**
     * Attempt `attempt` owns the operation: only it may change the record. Its current ledger
     * call ends by `call_deadline` (bounded waits); an attempt whose callback never ran by then
     * (a trap, an upgrade) is taken over by the next.
     */
    InFlight: IDL.Record({ attempt: IDL.Nat32, call_deadline: IDL.Opt(IDL.Nat64) }),
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
    | { InFlight: { attempt: number; call_deadline: [] | [bigint] } }
    | { Retrying: { attempt: number; next_at: bigint; last_error: string } }
    | { Stuck: { last_error: string } }
    | { Committed: { block: bigint } }
    | { Failed: { error: string } };

/** One attempt: when it owned the operation, the ledger calls it made, and how it ended. */
export const AttemptRecord = IDL.Record({
    attempt: IDL.Nat32,
    started_at: IDL.Nat64,
    /** When the attempt gave the operation up; empty while it owns it. */
    ended_at: IDL.Opt(IDL.Nat64),
    ledger_calls: IDL.Nat32,
    outcome: IDL.Text
});
export type AttemptRecord = { attempt: number; started_at: bigint; ended_at: [] | [bigint]; ledger_calls: number; outcome: string };

/**
 * Where a lookup in the ledger's ICRC-3 log stands, kept in stable memory so that a failed call
 * is retried from there. Bisect finds the first block no older than the transfer could be
 * (blocks carry the ledger's time); Scan reads on from there until the transfer's window ends.
 */
export const LookupPhase = IDL.Variant({
    /** The first block at or after the window's start lies in [lo, hi]; hi is unknown until the first reply. */
    Bisect: IDL.Record({ lo: IDL.Nat, hi: IDL.Opt(IDL.Nat) }),
    /** Every block before `next` (from search_from on) has been read and is not ours. */
    Scan: IDL.Record({ next: IDL.Nat })
});
export type LookupPhase = { Bisect: { lo: bigint; hi: [] | [bigint] } } | { Scan: { next: bigint } };

/** A range of the log an archive canister holds, as the ledger pointed to it. */
export const KnownArchive = IDL.Record({ canister: IDL.Principal, start: IDL.Nat, end: IDL.Nat });
export type KnownArchive = { canister: Principal; start: bigint; end: bigint };

export const LookupProgress = IDL.Record({
    phase: LookupPhase,
    /** The log's length when the ledger last told it. */
    log_length: IDL.Opt(IDL.Nat),
    archives: IDL.Vec(KnownArchive),
    calls: IDL.Nat32
});
export type LookupProgress = { phase: LookupPhase; log_length: [] | [bigint]; archives: KnownArchive[]; calls: number };

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
    /** Attempts made; every attempt has its own number. */
    attempts: IDL.Nat32,
    /** The attempt number after which the operation is Stuck (a controller's retry extends it). */
    attempt_limit: IDL.Nat32,
    ledger_calls: IDL.Nat32,
    requested_by: IDL.Principal,
    requested_at: IDL.Nat64,
    resolved_at: IDL.Opt(IDL.Nat64),
    /**
     * Where the ledger's log stood, as far as the caller knew, before the first attempt: the
     * transfer's block, if there is one, is at or after it, so a lookup never reads below.
     */
    search_from: IDL.Nat,
    lookup: IDL.Opt(LookupProgress),
    /** The most recent attempts (at most 50), oldest first. */
    attempt_log: IDL.Vec(AttemptRecord),
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
    attempt_limit: number;
    ledger_calls: number;
    requested_by: Principal;
    requested_at: bigint;
    resolved_at: [] | [bigint];
    search_from: bigint;
    lookup: [] | [LookupProgress];
    attempt_log: AttemptRecord[];
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

/** The attempt that owns the operation, if one does. */
export function owner(state: TransferState): number | undefined {
    return 'InFlight' in state ? state.InFlight.attempt : undefined;
}
