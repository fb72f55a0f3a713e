import { IDL, Principal } from 'azle';

/** How long the caller is willing to wait. `int` so that a negative timeout is a typed error. */
export const Wait = IDL.Variant({
    Bounded: IDL.Record({ timeout_seconds: IDL.Int }),
    Unbounded: IDL.Null
});
export type Wait = { Bounded: { timeout_seconds: bigint } } | { Unbounded: null };

/** The response model a call used, with the timeout the system applied. */
export const Model = IDL.Variant({
    Bounded: IDL.Record({ timeout_seconds: IDL.Nat32 }),
    Unbounded: IDL.Null
});
export type Model = { Bounded: { timeout_seconds: number } } | { Unbounded: null };

export const Outcome = IDL.Variant({
    /** The callee replied. */
    Replied: IDL.Record({
        payload_size: IDL.Nat32,
        deadline_seen: IDL.Nat64,
        cycles_accepted: IDL.Nat,
        waited_rounds: IDL.Nat32,
        released: IDL.Bool
    }),
    /** The callee or the system rejected the call (codes 1-5). */
    Rejected: IDL.Record({ code: IDL.Nat32, message: IDL.Text }),
    /** SYS_UNKNOWN: the caller stopped waiting; the callee may or may not have acted. */
    Unknown: IDL.Text,
    /** The call could not be sent, or its reply was not understood. */
    Failed: IDL.Text
});
export type Outcome =
    | {
          Replied: {
              payload_size: number;
              deadline_seen: bigint;
              cycles_accepted: bigint;
              waited_rounds: number;
              released: boolean;
          };
      }
    | { Rejected: { code: number; message: string } }
    | { Unknown: string }
    | { Failed: string };

export const CallReport = IDL.Record({
    id: IDL.Nat64,
    callee: IDL.Principal,
    method: IDL.Text,
    model: Model,
    outcome: Outcome,
    /** CleanReject, OutcomeUnknown or Failed: what the caller may do next (src/lib/errors.ts). */
    error_class: IDL.Opt(IDL.Text),
    started_at: IDL.Nat64,
    finished_at: IDL.Nat64,
    elapsed_ns: IDL.Nat64,
    cycles_attached: IDL.Nat,
    cycles_refunded: IDL.Nat
});
export type CallReport = {
    id: bigint;
    callee: Principal;
    method: string;
    model: Model;
    outcome: Outcome;
    error_class: [] | [string];
    started_at: bigint;
    finished_at: bigint;
    elapsed_ns: bigint;
    cycles_attached: bigint;
    cycles_refunded: bigint;
};

export const CallerError = IDL.Variant({
    InvalidArgument: IDL.Text,
    NotAuthorized: IDL.Text
});
export type CallerError = { InvalidArgument: string } | { NotAuthorized: string };

export const CallCalleeResult = IDL.Variant({ Ok: CallReport, Err: CallerError });
export type CallCalleeResult = { Ok: CallReport } | { Err: CallerError };

export const CallerStats = IDL.Record({ completed: IDL.Nat64, outstanding: IDL.Nat32, pings: IDL.Nat64 });
export type CallerStats = { completed: bigint; outstanding: number; pings: bigint };
