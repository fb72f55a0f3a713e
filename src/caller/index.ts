import {
    canisterCycleBalance,
    IDL,
    init,
    isController,
    msgCaller,
    postUpgrade,
    Principal,
    query,
    StableBTreeMap,
    time,
    trap,
    update
} from 'azle';

import { Call, CallError, CallResult, describeCallError, errorClass, isOutcomeUnknown } from '../lib';
import { accountKey } from '../ledger_mock/ledger';
import { Behaviour, CalleeReply } from '../untrusted_callee/types';
import { CallCalleeResult, CallerError, CallerStats, CallReport, Model, Outcome, Wait } from './types';
import { Journal } from './transfers/journal';
import { TransferDriver } from './transfers/driver';
import { TransferOp, TransferRequest, TransferSettings } from './transfers/types';
import { checkCanisterId, checkCycles, checkTimeout, checkTransfer } from './validate';

const CallFailure = IDL.Record({ class: IDL.Text, reject_code: IDL.Opt(IDL.Nat32), message: IDL.Text });
type CallFailure = { class: string; reject_code: [] | [number]; message: string };

const EchoResult = IDL.Variant({ Ok: IDL.Text, Err: CallFailure });
type EchoResult = { Ok: string } | { Err: CallFailure };

const RawWait = IDL.Variant({ Bounded: IDL.Record({ timeout_seconds: IDL.Nat32 }), Unbounded: IDL.Null });
type RawWait = { Bounded: { timeout_seconds: number } } | { Unbounded: null };
const RawResult = IDL.Variant({ Ok: IDL.Vec(IDL.Nat8), Err: CallFailure });
type RawResult = { Ok: Uint8Array } | { Err: CallFailure };

const HISTORY_PAGE_MAX = 100;

const TransferResponse = IDL.Variant({ Ok: TransferOp, Err: CallerError });
type TransferResponse = { Ok: TransferOp } | { Err: CallerError };

/**
 * Calls an untrusted callee with either response model and reports what happened: outcome,
 * error class, elapsed time and cycles. Its history lives in stable memory and survives upgrades.
 */
export default class {
    history = new StableBTreeMap<bigint, CallReport>(0);
    outstanding = 0;
    pings = 0n;
    journal = new Journal();
    driver = new TransferDriver(this.journal);

    @init([])
    initialize(): void {
        this.driver.startSweeper();
    }

    /** Timers do not survive an upgrade: every unresolved transfer is driven on again. */
    @postUpgrade([])
    resumeTransfers(): void {
        this.driver.resumeAll();
        this.driver.startSweeper();
    }

    /**
     * Pays `amount` to `to` on the configured ledger, safely under best-effort responses: the
     * operation is journaled in stable memory before the first call, every attempt carries the
     * same ICRC-1 idempotency key (memo + created_at_time), and timers retry until the ledger's
     * answer is known. Returns the operation after its first attempt; follow it with get_transfer.
     */
    @update([TransferRequest], TransferResponse)
    async transfer(request: TransferRequest): Promise<TransferResponse> {
        return this.startTransfer(request, 'bounded');
    }

    /** The same with one guaranteed-response call and no retries, for comparison: it can wait for ever. */
    @update([TransferRequest], TransferResponse)
    async transfer_unbounded(request: TransferRequest): Promise<TransferResponse> {
        return this.startTransfer(request, 'unbounded');
    }

    @query([IDL.Nat64], IDL.Opt(TransferOp))
    get_transfer(id: bigint): [] | [TransferOp] {
        const op = this.journal.get(id);
        return op === undefined ? [] : [op];
    }

    /** Operations whose outcome is not known yet (including Stuck ones). */
    @query([], IDL.Vec(TransferOp))
    unresolved_transfers(): TransferOp[] {
        return this.journal.unresolved();
    }

    @query([IDL.Nat64, IDL.Nat32], IDL.Vec(TransferOp))
    transfers_page(start: bigint, limit: number): TransferOp[] {
        return this.journal.page(start, Math.min(limit, HISTORY_PAGE_MAX));
    }

    /** Drives an operation now (a Stuck one gets a fresh round of retries): controllers only. */
    @update([IDL.Nat64], IDL.Opt(TransferOp))
    async retry_transfer(id: bigint): Promise<[] | [TransferOp]> {
        if (!isController(msgCaller())) trap('retry_transfer: only a controller of the caller may retry');
        const op = this.journal.get(id);
        if (op === undefined) return [];
        if ('Stuck' in op.state) {
            op.state = { Retrying: { attempt: op.attempts, next_at: time(), last_error: op.state.Stuck.last_error } };
            op.attempts = 0;
            this.journal.save(op);
        }
        const driven = await this.driver.drive(id);
        return driven === undefined ? [] : [driven];
    }

    @update([TransferSettings], IDL.Null)
    set_transfer_settings(settings: TransferSettings): null {
        if (!isController(msgCaller())) trap('set_transfer_settings: only a controller of the caller may change them');
        const ledger = settings.ledger[0];
        if (ledger !== undefined && checkCanisterId(ledger, 'ledger') !== undefined) trap('set_transfer_settings: the ledger must be a canister id');
        if (settings.max_attempts === 0) trap('set_transfer_settings: max_attempts must be at least 1');
        this.journal.settings = settings;
        return null;
    }

    @query([], TransferSettings)
    transfer_settings(): TransferSettings {
        return this.journal.settings;
    }

    /** Allows (or stops allowing) a principal to start transfers: controllers only. */
    @update([IDL.Principal, IDL.Bool], IDL.Null)
    authorize(principal: Principal, allowed: boolean): null {
        if (!isController(msgCaller())) trap('authorize: only a controller of the caller may authorize');
        this.journal.setAuthorized(principal, allowed);
        return null;
    }

    /** Calls `behave(behaviour, payload)` on the callee. Attaching cycles is for controllers only. */
    @update([IDL.Principal, Behaviour, IDL.Vec(IDL.Nat8), Wait, IDL.Nat], CallCalleeResult)
    async call_callee(callee: Principal, behaviour: Behaviour, payload: Uint8Array, wait: Wait, cycles: bigint): Promise<CallCalleeResult> {
        if (cycles > 0n && !isController(msgCaller())) {
            return { Err: { NotAuthorized: 'only a controller of the caller may attach cycles to a call' } };
        }
        const invalid =
            checkCanisterId(callee, 'callee') ??
            ('Bounded' in wait ? checkTimeout(wait.Bounded.timeout_seconds) : undefined) ??
            checkCycles(cycles, canisterCycleBalance());
        if (invalid !== undefined) return { Err: invalid };
        const call = start(callee, 'behave', wait).withArgs([Behaviour, IDL.Vec(IDL.Nat8)], [behaviour, payload]).withCycles(cycles);
        return { Ok: await this.track(callee, 'behave', call, cycles) };
    }

    /** Calls `work(payload)`: whatever the callee's controllers configured it to do. */
    @update([IDL.Principal, IDL.Vec(IDL.Nat8), Wait], CallCalleeResult)
    async call_work(callee: Principal, payload: Uint8Array, wait: Wait): Promise<CallCalleeResult> {
        const invalid = checkCanisterId(callee, 'callee') ?? ('Bounded' in wait ? checkTimeout(wait.Bounded.timeout_seconds) : undefined);
        if (invalid !== undefined) return { Err: invalid };
        const call = start(callee, 'work', wait).withArgs([IDL.Vec(IDL.Nat8)], [payload]);
        return { Ok: await this.track(callee, 'work', call, 0n) };
    }

    /**
     * As in DFINITY's Rust example: calls the callee's `deadline` method with a best-effort or a
     * guaranteed-response call and returns the deadline the callee saw (0 for guaranteed).
     */
    @update([IDL.Principal, IDL.Bool], IDL.Nat64)
    async demonstrate_deadlines(callee: Principal, useBestEffortResponse: boolean): Promise<bigint> {
        const call = useBestEffortResponse ? Call.boundedWait(callee, 'deadline') : Call.unboundedWait(callee, 'deadline');
        const result = await call.call(IDL.Nat64);
        if ('Err' in result) trap(`demonstrate_deadlines: ${describeCallError(result.Err)}`);
        return BigInt(result.Ok);
    }

    /**
     * As in DFINITY's Rust example: a 1-second bounded call to a callee that is busy for longer
     * ends in SYS_UNKNOWN. Returns true when it did.
     */
    @update([IDL.Principal], IDL.Bool)
    async demonstrate_timeouts(callee: Principal): Promise<boolean> {
        const result = await Call.boundedWait(callee, 'behave')
            .changeTimeout(1)
            .withArgs([Behaviour, IDL.Vec(IDL.Nat8)], [{ ReplyAfter: 10 }, new Uint8Array()])
            .call(CalleeReply);
        return 'Err' in result && isOutcomeUnknown(result.Err);
    }

    /** Completed calls, oldest first, from `start` (at most 100 per page). */
    @query([IDL.Nat64, IDL.Nat32], IDL.Vec(CallReport))
    history_page(start: bigint, limit: number): CallReport[] {
        const page: CallReport[] = [];
        for (let id = start; id < start + BigInt(Math.min(limit, HISTORY_PAGE_MAX)); id++) {
            const report = this.history.get(id);
            if (report === undefined) break;
            page.push(report);
        }
        return page;
    }

    @query([], CallerStats)
    stats(): CallerStats {
        return { completed: BigInt(this.history.len()), outstanding: this.outstanding, pings: this.pings };
    }

    /** An update that does nothing but count: the caller keeps serving while calls are outstanding. */
    @update([], IDL.Nat64)
    ping(): bigint {
        return ++this.pings;
    }

    @update([IDL.Principal, IDL.Text, IDL.Nat32], EchoResult)
    async echo_bounded(callee: Principal, text: string, timeoutSeconds: number): Promise<EchoResult> {
        const result = await Call.boundedWait(callee, 'echo').changeTimeout(timeoutSeconds).withArgs([IDL.Text], [text]).call(IDL.Text);
        return 'Ok' in result ? result : { Err: failure(result.Err) };
    }

    @update([IDL.Principal, IDL.Text], EchoResult)
    async echo_unbounded(callee: Principal, text: string): Promise<EchoResult> {
        const result = await Call.unboundedWait(callee, 'echo').withArgs([IDL.Text], [text]).call(IDL.Text);
        return 'Ok' in result ? result : { Err: failure(result.Err) };
    }

    /** Any method of any canister, with raw Candid arguments: for the caller's controllers only. */
    @update([IDL.Principal, IDL.Text, IDL.Vec(IDL.Nat8), RawWait], RawResult)
    async call_raw(callee: Principal, method: string, arg: Uint8Array, wait: RawWait): Promise<RawResult> {
        if (!isController(msgCaller())) trap('call_raw: only a controller of this canister may call it');
        const call =
            'Bounded' in wait ? Call.boundedWait(callee, method).changeTimeout(wait.Bounded.timeout_seconds) : Call.unboundedWait(callee, method);
        const result = await call.withRawArgs(arg).callRaw();
        return 'Ok' in result ? result : { Err: failure(result.Err) };
    }

    private async startTransfer(request: TransferRequest, model: 'bounded' | 'unbounded'): Promise<TransferResponse> {
        const caller = msgCaller();
        if (!isController(caller) && !this.journal.isAuthorized(caller)) {
            return { Err: { NotAuthorized: `${caller.toText()} may not start transfers` } };
        }
        const settings = this.journal.settings;
        const ledger = settings.ledger[0];
        if (ledger === undefined) return { Err: { InvalidArgument: 'no ledger is configured (set_transfer_settings)' } };
        const invalid: CallerError | undefined = checkTransfer(request);
        if (invalid !== undefined) return { Err: invalid };
        const key = request.client_key[0];
        const knownId = key === undefined ? undefined : this.journal.byClientKey(key);
        const known = knownId === undefined ? undefined : this.journal.get(knownId);
        if (known !== undefined) {
            // A client key names one request: reusing it for another is a client bug, not a retry.
            const mismatch = differentRequest(known, request, caller, model);
            if (mismatch !== undefined) return { Err: { InvalidArgument: `client key already used for a different transfer: ${mismatch}` } };
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
            ledger_calls: 0,
            requested_by: caller,
            requested_at: now,
            resolved_at: [],
            log: []
        };
        this.journal.save(op);
        if (key !== undefined) this.journal.rememberClientKey(key, id);
        return { Ok: (await this.driver.drive(id)) ?? op };
    }

    private async track(callee: Principal, method: string, call: Call, cycles: bigint): Promise<CallReport> {
        const startedAt = time();
        this.outstanding++;
        let outcome: { result: CallResult<CalleeReply>; refunded: bigint };
        try {
            outcome = await call.callWithRefund(CalleeReply);
        } finally {
            this.outstanding--;
        }
        const finishedAt = time();
        const { result, refunded } = outcome;
        const report: CallReport = {
            id: BigInt(this.history.len()),
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
        };
        this.history.insert(report.id, report);
        return report;
    }
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

function start(callee: Principal, method: string, wait: Wait): Call {
    return 'Bounded' in wait
        ? Call.boundedWait(callee, method).changeTimeout(Number(wait.Bounded.timeout_seconds))
        : Call.unboundedWait(callee, method);
}

function modelOf(call: Call): Model {
    const timeout = call.timeoutSeconds;
    return timeout === undefined ? { Unbounded: null } : { Bounded: { timeout_seconds: timeout } };
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
    if (isOutcomeUnknown(e)) return { Unknown: describeCallError(e) };
    if (e.kind === 'CallRejected') return { Rejected: { code: e.rejectCode, message: e.rejectMessage } };
    return { Failed: describeCallError(e) };
}

function failure(error: CallError): CallFailure {
    return {
        class: errorClass(error),
        reject_code: error.kind === 'CallRejected' ? [error.rejectCode] : [],
        message: describeCallError(error)
    };
}
