import { IDL } from 'azle';

import { InvalidArgument, NotAuthorized } from '../common/refusals';
import { candidType } from '@response-models/bounded-wait';

/**
 * What the callee does with a call. The caller's tests and demo pick one per call; `work` uses the
 * behaviour the callee's controllers configured, as a real untrusted canister would.
 */
export const Behaviour = IDL.Variant({
    /** Replies at once with the payload. */
    Echo: IDL.Null,
    /** Rejects (CANISTER_REJECT) with this message. */
    Reject: IDL.Text,
    /** Traps (CANISTER_ERROR) with this message. */
    Trap: IDL.Text,
    /** Keeps the call open, round after round, until `release` or `max_rounds` rounds. */
    Hang: IDL.Record({ max_rounds: IDL.Opt(IDL.Nat32) }),
    /** Replies after this many rounds: a busy callee. */
    ReplyAfter: IDL.Nat32,
    /** Replies with this many bytes (at most 2,000,000: the IC's response limit is 2 MiB); more is rejected. */
    LargeReply: IDL.Nat32,
    /** Accepts every attached cycle, then hangs like `Hang`. */
    AcceptCyclesThenHang: IDL.Record({ max_rounds: IDL.Opt(IDL.Nat32) }),
    /** Accepts every attached cycle and replies. */
    AcceptCycles: IDL.Null
});
export type Behaviour =
    | { Echo: null }
    | { Reject: string }
    | { Trap: string }
    | { Hang: { max_rounds: [] | [number] } }
    | { ReplyAfter: number }
    | { LargeReply: number }
    | { AcceptCyclesThenHang: { max_rounds: [] | [number] } }
    | { AcceptCycles: null };

/** What the callee replies when it does reply. */
export const CalleeReply = candidType<CalleeReply>(
    IDL.Record({
    payload: IDL.Vec(IDL.Nat8),
    /** `ic0.msg_deadline` as the callee saw it: 0 under unbounded wait. */
    deadline: IDL.Nat64,
    cycles_accepted: IDL.Nat,
    /** Rounds the callee waited before replying. */
    waited_rounds: IDL.Nat32,
    /** True when `release` ended the wait. */
    released: IDL.Bool
    })
);
export type CalleeReply = {
    payload: Uint8Array;
    deadline: bigint;
    cycles_accepted: bigint;
    waited_rounds: number;
    released: boolean;
};

export const CalleeConfig = IDL.Record({
    behaviour: Behaviour,
    /** Most rounds any wait lasts, so a hang cannot run for ever (default 10,000; 1 to 1,000,000). */
    max_hang_rounds: IDL.Nat32,
    /** Most calls that may wait at once; more are rejected (default 1,000; 1 to 100,000). */
    max_waiting: IDL.Nat32
});
export type CalleeConfig = { behaviour: Behaviour; max_hang_rounds: number; max_waiting: number };

/** Why the callee refused a controller's request. A refusal changes nothing. */
export const CalleeError = IDL.Variant({ NotAuthorized: NotAuthorized, InvalidArgument: InvalidArgument });
export type CalleeError = { NotAuthorized: NotAuthorized } | { InvalidArgument: InvalidArgument };

export const CalleeStats = IDL.Record({
    hanging: IDL.Nat32,
    released_total: IDL.Nat32,
    calls_total: IDL.Nat64
});
export type CalleeStats = { hanging: number; released_total: number; calls_total: bigint };

export const MAX_REPLY_BYTES = 2_000_000;
