import { canisterCycleBalance, IDL, init, inspectMessage, isController, msgCaller, postUpgrade, Principal, query, time, update } from 'azle';

import { CONTROLLERS_ONLY, invalidArgument, notAuthorized, requireController, Unit } from '../common/refusals';
import { acceptsIngress } from '../common/ingress_guard';
import { Call, CallError, CallResult, describeCallError, errorClass, isOutcomeUnknown, leaveCleanup, MAX_CALL_TIMEOUT_SECONDS } from '@response-models/bounded-wait';
import { accountKey } from '../ledger_mock/ledger';
import { Behaviour, CalleeReply } from '../untrusted_callee/types';
import { CallHistory } from './call_history';
import { OutstandingCalls } from './outstanding_calls';
import { TrustedCallees } from './trusted_callees';
import { CallCalleeResult, CallerError, CallerStats, CallFailure, CallReport, FanOut, Model, Outcome, Result, Wait } from './types';
import { affordable, Journal, UNRESOLVED_PAGE_MAX } from './transfers/journal';
import { TransferDriver } from './transfers/driver';
import { TransferOp, TransferRequest, TransferSettings } from './transfers/types';
import { checkCanisterId, checkCycles, checkMethodName, checkTimeout, checkTransfer } from './validate';

const RawWait = IDL.Variant({ Bounded: IDL.Record({ timeout_seconds: IDL.Nat32 }), Unbounded: IDL.Null });
type RawWait = { Bounded: { timeout_seconds: number } } | { Unbounded: null };

/** Most attempts a transfer may be given before it is Stuck. */
const MAX_ATTEMPTS_LIMIT = 1_000;
const PAGE_MAX = 100;
const ANONYMOUS = Principal.anonymous().toText();
const UNBOUNDED_RULE = 'only a controller may ask for an unbounded-wait call, and only to a callee the controllers trust (trust_callee)';

/** fan_out's bounds: calls made by one message (each costs the message instructions), and callees. */
const MAX_FAN_OUT_CALLS = 2_000;
const MAX_FAN_OUT_CALLEES = 100;

/** How long the callee of demonstrate_timeouts stays busy, in its rounds. */
const BUSY_ROUNDS = 30;

/**
 * Calls an untrusted callee with either response model and reports what happened, and pays on
 * a ledger safely under bounded waits.
 *
 * Who may do what: anyone may read, ping, and ask for bounded-wait calls (they cannot hold the
 * caller longer than 300 s; strangers have at most 1,000 outstanding, 100 each, and never crowd
 * out the controllers). An unbounded-wait call is made only when a controller asks for it, and
 * only to a callee the controllers trust (trust_callee). Attaching cycles, raw calls and all
 * settings are for controllers; transfers are for controllers and the principals they
 * authorize. A refusal is a typed Err and changes nothing.
 */
export default class {
    history = new CallHistory();
    trusted = new TrustedCallees();
    outstanding = new OutstandingCalls();
    pings = 0n;
    journal = new Journal();
    driver = new TransferDriver(this.journal);

    /** Ingress only: refuses an argument that would cost more to decode than its size (common/ingress_guard.ts). */
    @inspectMessage({ manual: true })
    inspect(): boolean {
        return acceptsIngress();
    }

    @init([])
    initialize(): void {
        this.driver.startSweeper();
    }

    /**
     * Timers do not survive an upgrade, and neither do the continuations of calls outstanding
     * when it happened (the interface spec allows upgrading a running canister; their responses
     * then reach the new module, which no longer knows them). Every attempt that owned a transfer
     * is over; every unresolved transfer is driven on again.
     */
    @postUpgrade([])
    resumeTransfers(): void {
        this.driver.loseAttemptsToUpgrade();
        this.driver.resumeAll();
        this.driver.startSweeper();
    }

    /**
     * Pays `amount` to `to` on the configured ledger, safely under best-effort responses: the
     * operation is journaled in stable memory before the first call, every attempt carries the
     * same ICRC-1 idempotency key (memo + created_at_time), and timers retry until the ledger's
     * answer is known. Returns the operation after its first attempt; follow it with get_transfer.
     * Who: controllers and authorized principals. Cost: one journal entry, at most max_attempts
     * bounded-wait ledger calls.
     */
    @update([TransferRequest], Result(TransferOp))
    async transfer(request: TransferRequest): Promise<Result<TransferOp>> {
        return this.startTransfer(request, 'bounded', 'transfer');
    }

    /**
     * The same with one guaranteed-response call and no retries, for comparison: it can wait for
     * ever, so the configured ledger must be a trusted callee (trust_callee).
     * Who: controllers and authorized principals. Errors: NotAuthorized, InvalidArgument,
     * UnboundedWaitNotAllowed.
     */
    @update([TransferRequest], Result(TransferOp))
    async transfer_unbounded(request: TransferRequest): Promise<Result<TransferOp>> {
        return this.startTransfer(request, 'unbounded', 'transfer_unbounded');
    }

    /** One operation of the journal. Who: anyone (the ledger's block log is public too). */
    @query([IDL.Nat64], IDL.Opt(TransferOp))
    get_transfer(id: bigint): [] | [TransferOp] {
        const op = this.journal.get(id);
        return op === undefined ? [] : [op];
    }

    /**
     * Operations whose outcome is not known yet (Stuck ones too), oldest first: at most 100, fewer
     * when their logs are long (what one query can encode). Who: anyone.
     */
    @query([], IDL.Vec(TransferOp))
    unresolved_transfers(): TransferOp[] {
        return affordable(this.journal.unresolved(UNRESOLVED_PAGE_MAX));
    }

    /**
     * Operations from id `start` on: at most `limit` and 100, fewer when their logs are long (what
     * one query can encode); an empty page means no operation from `start` on. Who: anyone.
     */
    @query([IDL.Nat64, IDL.Nat32], IDL.Vec(TransferOp))
    transfers_page(start: bigint, limit: number): TransferOp[] {
        return affordable(this.journal.page(start, Math.min(limit, PAGE_MAX)));
    }

    /**
     * Drives an operation now; a Stuck one gets a fresh round of retries.
     * Who: controllers. Errors: NotAuthorized, InvalidArgument (no such operation).
     */
    @update([IDL.Nat64], Result(TransferOp))
    async retry_transfer(id: bigint): Promise<Result<TransferOp>> {
        const refused = requireController('retry_transfer');
        if (refused !== undefined) return { Err: refused };
        const op = this.journal.get(id);
        if (op === undefined) return { Err: invalidArgument('id', `no transfer has id ${id}`) };
        if ('Stuck' in op.state) {
            op.state = { Retrying: { attempt: op.attempts, next_at: time(), last_error: op.state.Stuck.last_error } };
            op.attempt_limit = op.attempts + this.journal.settings.max_attempts;
            this.journal.save(op);
        }
        return { Ok: (await this.driver.drive(id)) ?? op };
    }

    /**
     * Sets the ledger, the bounded-wait timeout (at least 1 s: a timeout of 0 s almost always
     * times out; capped at 300 s like every timeout, the answer shows the value applied) and the
     * attempts before a transfer is Stuck (1 to 1,000).
     * Who: controllers. Errors: NotAuthorized, InvalidArgument.
     */
    @update([TransferSettings], Result(TransferSettings))
    set_transfer_settings(settings: TransferSettings): Result<TransferSettings> {
        const refused = requireController('set_transfer_settings');
        if (refused !== undefined) return { Err: refused };
        const ledger = settings.ledger[0];
        const invalid =
            (ledger === undefined ? undefined : checkCanisterId(ledger, 'ledger')) ??
            (settings.timeout_seconds < 1 ? invalidArgument('timeout_seconds', 'at least 1: a timeout of 0 s almost always times out') : undefined) ??
            (settings.max_attempts < 1 || settings.max_attempts > MAX_ATTEMPTS_LIMIT
                ? invalidArgument('max_attempts', `1 to ${MAX_ATTEMPTS_LIMIT}, got ${settings.max_attempts}`)
                : undefined);
        if (invalid !== undefined) return { Err: invalid };
        const applied = { ...settings, timeout_seconds: Math.min(settings.timeout_seconds, MAX_CALL_TIMEOUT_SECONDS) };
        this.journal.settings = applied;
        return { Ok: applied };
    }

    /** Who: anyone. */
    @query([], TransferSettings)
    transfer_settings(): TransferSettings {
        return this.journal.settings;
    }

    /**
     * Allows (or stops allowing) a principal to start transfers. The anonymous principal cannot
     * be allowed: that would allow everyone. Who: controllers. Errors: NotAuthorized, InvalidArgument.
     */
    @update([IDL.Principal, IDL.Bool], Unit(CallerError))
    authorize(principal: Principal, allowed: boolean): Result<null> {
        const refused = requireController('authorize');
        if (refused !== undefined) return { Err: refused };
        if (allowed && principal.toText() === ANONYMOUS) return { Err: invalidArgument('principal', 'the anonymous principal would let everyone transfer') };
        this.journal.setAuthorized(principal, allowed);
        return { Ok: null };
    }

    /**
     * Trusts (or stops trusting) a callee to answer: only trusted callees may receive
     * unbounded-wait calls (and only when a controller asks for one), because a callee that never
     * answers keeps the caller from stopping and upgrading. At most 100. Who: controllers.
     * Errors: NotAuthorized, InvalidArgument.
     */
    @update([IDL.Principal, IDL.Bool], Unit(CallerError))
    trust_callee(callee: Principal, trusted: boolean): Result<null> {
        const refused = requireController('trust_callee');
        if (refused !== undefined) return { Err: refused };
        const invalid = checkCanisterId(callee, 'callee');
        if (invalid !== undefined) return { Err: invalid };
        if (!this.trusted.set(callee, trusted)) return { Err: invalidArgument('callee', 'the list of trusted callees is full') };
        return { Ok: null };
    }

    /** The callees unbounded-wait calls may go to. Who: anyone. */
    @query([], IDL.Vec(IDL.Principal))
    trusted_callees(): Principal[] {
        return this.trusted.list();
    }

    /**
     * Calls `behave(behaviour, payload)` on the callee and reports what happened.
     * Who: anyone for bounded waits; unbounded waits only for controllers, to trusted callees;
     * attaching cycles only for controllers. Cost: one outstanding call (strangers: 1,000 at
     * once, 100 each) and a history entry (texts cut at 1 KiB, the last 10,000 kept).
     * Errors: NotAuthorized, InvalidArgument, UnboundedWaitNotAllowed, TooManyOutstandingCalls.
     */
    @update([IDL.Principal, Behaviour, IDL.Vec(IDL.Nat8), Wait, IDL.Nat], CallCalleeResult)
    async call_callee(callee: Principal, behaviour: Behaviour, payload: Uint8Array, wait: Wait, cycles: bigint): Promise<CallCalleeResult> {
        if (cycles > 0n && !isController(msgCaller())) {
            return { Err: notAuthorized('call_callee', 'only a controller of this canister may attach cycles') };
        }
        const refused = this.checkCall(callee, wait) ?? checkCycles(cycles, canisterCycleBalance());
        if (refused !== undefined) return { Err: refused };
        const call = start(callee, 'behave', wait).withArgs([Behaviour, IDL.Vec(IDL.Nat8)], [behaviour, payload]).withCycles(cycles);
        return { Ok: await this.track(callee, 'behave', call, cycles) };
    }

    /**
     * Calls `work(payload)`: whatever the callee's controllers configured it to do.
     * Who: as call_callee (anyone; unbounded waits only for controllers, to trusted callees), without cycles.
     */
    @update([IDL.Principal, IDL.Vec(IDL.Nat8), Wait], CallCalleeResult)
    async call_work(callee: Principal, payload: Uint8Array, wait: Wait): Promise<CallCalleeResult> {
        const refused = this.checkCall(callee, wait);
        if (refused !== undefined) return { Err: refused };
        const call = start(callee, 'work', wait).withArgs([IDL.Vec(IDL.Nat8)], [payload]);
        return { Ok: await this.track(callee, 'work', call, 0n) };
    }

    /**
     * As in DFINITY's Rust example: calls the callee's `deadline` method with a best-effort or a
     * guaranteed-response call and returns the deadline the callee saw (0 for guaranteed).
     * Who: anyone; the guaranteed-response call only for controllers, to a trusted callee.
     */
    @update([IDL.Principal, IDL.Bool], Result(IDL.Nat64))
    async demonstrate_deadlines(callee: Principal, useBestEffortResponse: boolean): Promise<Result<bigint>> {
        const wait: Wait = useBestEffortResponse ? { Bounded: { timeout_seconds: BigInt(MAX_CALL_TIMEOUT_SECONDS) } } : { Unbounded: null };
        const refused = this.checkCall(callee, wait);
        if (refused !== undefined) return { Err: refused };
        const result = endIfCleanup(await this.counted(wait, () => start(callee, 'deadline', wait).call(IDL.Nat64)));
        return 'Ok' in result ? { Ok: BigInt(result.Ok) } : { Err: { CallFailed: failure(result.Err) } };
    }

    /**
     * As in DFINITY's Rust example: a 1-second bounded call to a callee that is busy for longer
     * ends in SYS_UNKNOWN. Returns true when it did. Who: anyone. The callee is busy for 30 of its
     * rounds: several seconds on any network (a local one may run ten rounds a second), so that
     * the 1 s deadline, which is kept in whole seconds, always passes first.
     */
    @update([IDL.Principal], Result(IDL.Bool))
    async demonstrate_timeouts(callee: Principal): Promise<Result<boolean>> {
        const oneSecond: Wait = { Bounded: { timeout_seconds: 1n } };
        const refused = this.checkCall(callee, oneSecond);
        if (refused !== undefined) return { Err: refused };
        const result = endIfCleanup(
            await this.counted(oneSecond, () =>
                Call.boundedWait(callee, 'behave')
                    .changeTimeout(1)
                    .withArgs([Behaviour, IDL.Vec(IDL.Nat8)], [{ ReplyAfter: BUSY_ROUNDS }, new Uint8Array()])
                    .call(CalleeReply)
            )
        );
        return { Ok: 'Err' in result && isOutcomeUnknown(result.Err) };
    }

    /** Reports of calls made on request, oldest first, from `start` (at most 100; the last 10,000 are kept). Who: anyone. */
    @query([IDL.Nat64, IDL.Nat32], IDL.Vec(CallReport))
    history_page(start: bigint, limit: number): CallReport[] {
        return this.history.page(start, limit);
    }

    /** Who: anyone. */
    @query([], CallerStats)
    stats(): CallerStats {
        return { completed: this.history.completed, outstanding: this.outstanding.count, pings: this.pings };
    }

    /** An update that does nothing but count: the caller keeps serving while calls are outstanding. Who: anyone. */
    @update([], IDL.Nat64)
    ping(): bigint {
        return ++this.pings;
    }

    /**
     * Makes `calls` calls of `work` at once, spread over `callees` in turn, and replies as soon
     * as they are made, with how many it made: each then ends on its own and is recorded in the
     * history, where a call the system refused to enqueue (call_perform failed: 500 calls are
     * already outstanding to that callee) shows as Failed. For load tests: what a caller with
     * thousands of calls open costs, and whether it still stops.
     * Who: controllers (unbounded waits to trusted callees only). Cost: up to 2,000 calls a
     * message, each an outstanding call and a history entry. Errors: NotAuthorized, InvalidArgument,
     * UnboundedWaitNotAllowed.
     */
    @update([FanOut], Result(IDL.Nat32))
    fan_out(args: FanOut): Result<number> {
        if (!isController(msgCaller())) return { Err: notAuthorized('fan_out', CONTROLLERS_ONLY) };
        if (args.callees.length < 1 || args.callees.length > MAX_FAN_OUT_CALLEES) {
            return { Err: invalidArgument('callees', `1 to ${MAX_FAN_OUT_CALLEES}, got ${args.callees.length}`) };
        }
        if (args.calls < 1 || args.calls > MAX_FAN_OUT_CALLS) return { Err: invalidArgument('calls', `1 to ${MAX_FAN_OUT_CALLS}, got ${args.calls}`) };
        for (const callee of args.callees) {
            const refused = this.checkCall(callee, args.wait);
            if (refused !== undefined) return { Err: refused };
        }
        for (let i = 0; i < args.calls; i++) {
            const callee = args.callees[i % args.callees.length];
            // Not awaited: the reply goes out now; each call's callback records its outcome.
            void this.track(callee, 'work', start(callee, 'work', args.wait).withArgs([IDL.Vec(IDL.Nat8)], [new Uint8Array()]), 0n);
        }
        return { Ok: args.calls };
    }

    /** `echo(text)` on the callee with a bounded wait (timeout capped at 300 s). Who: anyone. */
    @update([IDL.Principal, IDL.Text, IDL.Nat32], Result(IDL.Text))
    async echo_bounded(callee: Principal, text: string, timeoutSeconds: number): Promise<Result<string>> {
        return this.echo(callee, text, { Bounded: { timeout_seconds: BigInt(timeoutSeconds) } });
    }

    /** `echo(text)` on the callee with an unbounded wait. Who: controllers, to trusted callees only. */
    @update([IDL.Principal, IDL.Text], Result(IDL.Text))
    async echo_unbounded(callee: Principal, text: string): Promise<Result<string>> {
        return this.echo(callee, text, { Unbounded: null });
    }

    /**
     * Any method of any canister, with raw Candid arguments. Who: controllers; unbounded waits
     * only to trusted callees. Errors: NotAuthorized, InvalidArgument, UnboundedWaitNotAllowed,
     * CallFailed.
     */
    @update([IDL.Principal, IDL.Text, IDL.Vec(IDL.Nat8), RawWait], Result(IDL.Vec(IDL.Nat8)))
    async call_raw(callee: Principal, method: string, arg: Uint8Array, wait: RawWait): Promise<Result<Uint8Array>> {
        if (!isController(msgCaller())) return { Err: notAuthorized('call_raw', CONTROLLERS_ONLY) };
        const asWait: Wait = 'Bounded' in wait ? { Bounded: { timeout_seconds: BigInt(wait.Bounded.timeout_seconds) } } : { Unbounded: null };
        const refused = checkMethodName(method) ?? this.checkCall(callee, asWait, false);
        if (refused !== undefined) return { Err: refused };
        const result = endIfCleanup(await this.counted(asWait, () => start(callee, method, asWait).withRawArgs(arg).callRaw()));
        return 'Ok' in result ? result : { Err: { CallFailed: failure(result.Err) } };
    }

    private async echo(callee: Principal, text: string, wait: Wait): Promise<Result<string>> {
        const refused = this.checkCall(callee, wait);
        if (refused !== undefined) return { Err: refused };
        const result = endIfCleanup(await this.counted(wait, () => start(callee, 'echo', wait).withArgs([IDL.Text], [text]).call(IDL.Text)));
        return 'Ok' in result ? result : { Err: { CallFailed: failure(result.Err) } };
    }

    /**
     * The rules every call made on request follows: a well-formed target (a canister id unless
     * `canisterOnly` is false), a timeout a u32 holds, an unbounded wait only for a controller and
     * only to a trusted callee, and room among the outstanding calls.
     */
    private checkCall(callee: Principal, wait: Wait, canisterOnly = true): CallerError | undefined {
        const invalid = (canisterOnly ? checkCanisterId(callee, 'callee') : undefined) ?? ('Bounded' in wait ? checkTimeout(wait.Bounded.timeout_seconds) : undefined);
        if (invalid !== undefined) return invalid;
        const caller = msgCaller();
        const controller = isController(caller);
        if ('Unbounded' in wait && !(controller && this.trusted.has(callee))) return { UnboundedWaitNotAllowed: { callee, rule: UNBOUNDED_RULE } };
        const full = this.outstanding.refusal(caller, controller);
        return full === undefined ? undefined : { TooManyOutstandingCalls: full };
    }

    /** Counts a call made on request as outstanding while it runs (see OutstandingCalls). */
    private async counted<T>(wait: Wait, make: () => Promise<T>): Promise<T> {
        const caller = msgCaller();
        const timeout = 'Bounded' in wait ? Math.min(Number(wait.Bounded.timeout_seconds), MAX_CALL_TIMEOUT_SECONDS) : undefined;
        const id = this.outstanding.begin(caller, isController(caller), timeout);
        try {
            return await make();
        } finally {
            this.outstanding.end(id);
        }
    }

    private async startTransfer(request: TransferRequest, model: 'bounded' | 'unbounded', method: string): Promise<Result<TransferOp>> {
        const caller = msgCaller();
        if (!isController(caller) && !this.journal.isAuthorized(caller)) {
            return { Err: notAuthorized(method, 'only controllers and the principals they authorize may start transfers') };
        }
        const settings = this.journal.settings;
        const ledger = settings.ledger[0];
        if (ledger === undefined) return { Err: invalidArgument('settings.ledger', 'no ledger is configured (set_transfer_settings)') };
        if (model === 'unbounded' && !this.trusted.has(ledger)) {
            return { Err: { UnboundedWaitNotAllowed: { callee: ledger, rule: 'transfer_unbounded waits for ever: the ledger must be a trusted callee (trust_callee)' } } };
        }
        const invalid: CallerError | undefined = checkTransfer(request);
        if (invalid !== undefined) return { Err: invalid };
        const key = request.client_key[0];
        const knownId = key === undefined ? undefined : this.journal.byClientKey(caller, key);
        const known = knownId === undefined ? undefined : this.journal.get(knownId);
        if (known !== undefined) {
            // A client key names one request: reusing it for another is a client bug, not a retry.
            const mismatch = differentRequest(known, request, caller, model);
            if (mismatch !== undefined) return { Err: invalidArgument('client_key', `already used for a different transfer: ${mismatch}`) };
            // The client retried its own request: the same operation, driven by whoever already drives it.
            return { Ok: (await this.driver.drive(known.id)) ?? known };
        }
        this.driver.sweepIfDue(time());
        const id = this.journal.nextId();
        const now = time();
        const op: TransferOp = {
            id,
            ledger,
            to: request.to,
            amount: request.amount,
            memo: memoFor(id),
            created_at_time: now,
            model: model === 'bounded' ? { Bounded: { timeout_seconds: settings.timeout_seconds } } : { Unbounded: null },
            state: { Pending: null },
            attempts: 0,
            attempt_limit: settings.max_attempts,
            ledger_calls: 0,
            requested_by: caller,
            requested_at: now,
            resolved_at: [],
            search_from: this.journal.ledgerTip(ledger),
            lookup: [],
            attempt_log: [],
            log: []
        };
        this.journal.save(op);
        if (key !== undefined) this.journal.rememberClientKey(caller, key, id);
        return { Ok: (await this.driver.drive(id)) ?? op };
    }

    private async track(callee: Principal, method: string, call: Call, cycles: bigint): Promise<CallReport> {
        const startedAt = time();
        const timeout = call.timeoutSeconds;
        const wait: Wait = timeout === undefined ? { Unbounded: null } : { Bounded: { timeout_seconds: BigInt(timeout) } };
        const { result, refunded } = await this.counted(wait, () => call.callWithRefund(CalleeReply));
        const finishedAt = time();
        const report = this.history.record({
            callee,
            method,
            model: modelOf(call),
            outcome: outcomeOf(result),
            error_class: 'Err' in result ? [errorClass(result.Err)] : [],
            started_at: startedAt,
            finished_at: finishedAt,
            elapsed_ns: finishedAt - startedAt,
            cycles_attached: cycles,
            cycles_refunded: refunded
        });
        endIfCleanup(result); // recorded; a reply would trap in the cleanup callback and undo it
        return report;
    }
}

/**
 * A call whose error came in the cleanup callback (the code handling its reply trapped) leaves
 * the method running there, where it may not reply: the outstanding count and any record are
 * kept, and the message ends without a reply (the system answers the request CANISTER_ERROR).
 */
function endIfCleanup<T>(result: CallResult<T>): CallResult<T> {
    if ('Err' in result && result.Err.kind === 'CleanupCallback') leaveCleanup();
    return result;
}

/** Why `request` from `caller` is not the request that made `op`, if it is not. */
function differentRequest(op: TransferOp, request: TransferRequest, caller: Principal, model: 'bounded' | 'unbounded'): string | undefined {
    if (op.requested_by.toText() !== caller.toText()) return 'another principal made it';
    if (op.amount !== request.amount) return `amount ${op.amount}, not ${request.amount}`;
    if (accountKey(op.to) !== accountKey(request.to)) return 'another recipient';
    if (('Bounded' in op.model) !== (model === 'bounded')) return 'the other response model';
    return undefined;
}

/** The ICRC-1 memo that identifies operation `id` of this caller: "xfer" and the id, big-endian. */
function memoFor(id: bigint): Uint8Array {
    const memo = new Uint8Array(12);
    memo.set([0x78, 0x66, 0x65, 0x72]);
    new DataView(memo.buffer).setBigUint64(4, id);
    return memo;
}

/** A call of the requested model; the timeout is a u32 already checked, and the library caps it at 300 s. */
function start(callee: Principal, method: string, wait: Wait): Call {
    return 'Bounded' in wait
        ? Call.boundedWait(callee, method).changeTimeout(Number(wait.Bounded.timeout_seconds))
        : Call.unboundedWait(callee, method);
}

function modelOf(call: Call): Model {
    const timeout = call.timeoutSeconds;
    return timeout === undefined ? { Unbounded: null } : { Bounded: { timeout_seconds: timeout } };
}

/** Most bytes of callee-chosen text (reject messages, errors) the caller keeps or passes on. */
const TEXT_MAX = 1_024;

/** A text a callee chose, cut to TEXT_MAX bytes: it goes into the history and into replies. */
function clip(text: string): string {
    if (new TextEncoder().encode(text).length <= TEXT_MAX) return text;
    let cut = text.slice(0, TEXT_MAX);
    while (new TextEncoder().encode(cut).length > TEXT_MAX - 3) cut = cut.slice(0, -1);
    return `${cut}...`;
}

function outcomeOf(result: CallResult<CalleeReply>): Outcome {
    if ('Ok' in result) {
        const r = result.Ok;
        return {
            Replied: {
                payload_size: r.payload.length,
                deadline_seen: r.deadline,
                cycles_accepted: r.cycles_accepted,
                waited_rounds: r.waited_rounds,
                released: r.released
            }
        };
    }
    const e = result.Err;
    if (isOutcomeUnknown(e)) return { Unknown: clip(describeCallError(e)) };
    if (e.kind === 'CallRejected') return { Rejected: { code: e.rejectCode, message: clip(e.rejectMessage) } };
    return { Failed: clip(describeCallError(e)) };
}

function failure(error: CallError): CallFailure {
    return {
        class: errorClass(error),
        reject_code: error.kind === 'CallRejected' ? [error.rejectCode] : [],
        message: clip(describeCallError(error))
    };
}
