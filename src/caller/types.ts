import { IDL, Principal } from 'azle';

import { InvalidArgument, NotAuthorized } from '../common/refusals';

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
    /** CleanReject, OutcomeUnknown or Failed: what the caller may do next (@response-models/bounded-wait, errors). */
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

/** A call that was made and failed: `class` is CleanReject, OutcomeUnknown or Failed (@response-models/bounded-wait, errors). */
export const CallFailure = IDL.Record({ class: IDL.Text, reject_code: IDL.Opt(IDL.Nat32), message: IDL.Text });
export type CallFailure = { class: string; reject_code: [] | [number]; message: string };

/** Why the caller refused a request, or how a call it made on request failed. A refusal changes nothing. */
export const CallerError = IDL.Variant({
    NotAuthorized: NotAuthorized,
    InvalidArgument: InvalidArgument,
    /**
     * An unbounded-wait call not asked for by a controller, or to a callee the controllers do
     * not trust (see trust_callee): it could keep the caller from ever stopping. `rule` says who may.
     */
    UnboundedWaitNotAllowed: IDL.Record({ callee: IDL.Principal, rule: IDL.Text }),
    /** `limit` calls made on request (for strangers in all, or for this principal) are outstanding; bounded-wait ones end within 300 s. */
    TooManyOutstandingCalls: IDL.Record({ limit: IDL.Nat32 }),
    /** The call was made and failed. */
    CallFailed: CallFailure
});
export type CallerError =
    | { NotAuthorized: NotAuthorized }
    | { InvalidArgument: InvalidArgument }
    | { UnboundedWaitNotAllowed: { callee: Principal; rule: string } }
    | { TooManyOutstandingCalls: { limit: number } }
    | { CallFailed: CallFailure };

/** `variant { Ok : T; Err : CallerError }` */
export function Result(ok: IDL.Type): IDL.VariantClass {
    return IDL.Variant({ Ok: ok, Err: CallerError });
}
export type Result<T> = { Ok: T } | { Err: CallerError };

export const CallCalleeResult = Result(CallReport);
export type CallCalleeResult = Result<CallReport>;

export const CallerStats = IDL.Record({
    /** Calls made on request since install (the history keeps the most recent ones). */
    completed: IDL.Nat64,
    /** Calls made on request that are still waiting for a response (ended ones whose handling trapped drop out a minute past their deadline). */
    outstanding: IDL.Nat32,
    pings: IDL.Nat64
});
export type CallerStats = { completed: bigint; outstanding: number; pings: bigint };

/** What fan_out makes: `calls` calls of `work` with `wait`, spread over `callees` in turn. */
export const FanOut = IDL.Record({ callees: IDL.Vec(IDL.Principal), calls: IDL.Nat32, wait: Wait });
export type FanOut = { callees: Principal[]; calls: number; wait: Wait };
