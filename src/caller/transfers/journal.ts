import { Principal, StableBTreeMap } from 'azle';

import { u64Key } from '../../common/u64_key';
import { isTerminal, owner, TransferOp, TransferSettings } from './types';

const LOG_MAX = 20;
const ATTEMPT_LOG_MAX = 50;
/** Most operations unresolved_transfers returns. */
export const UNRESOLVED_PAGE_MAX = 100;
/**
 * What a query reply of operations may hold, counted in operations, attempt records and log lines:
 * encoding one costs Azle about 5-10 M instructions, and a query stops at 5 B (100 operations with
 * 450 attempts and as many log lines hit that, measured). 300 keeps a reply near 2 B; one
 * operation holds at most 1 + ATTEMPT_LOG_MAX + LOG_MAX = 71, so a reply always has one.
 */
const REPLY_ENTRIES_MAX = 300;

/** The longest prefix of `ops` whose reply a query can afford (at least one operation). */
export function affordable(ops: readonly TransferOp[]): TransferOp[] {
    let entries = 0;
    const out: TransferOp[] = [];
    for (const op of ops) {
        entries += 1 + op.attempt_log.length + op.log.length;
        if (entries > REPLY_ENTRIES_MAX && out.length > 0) break;
        out.push(op);
    }
    return out;
}

export const DEFAULT_SETTINGS: TransferSettings = { ledger: [], timeout_seconds: 10, max_attempts: 40 };

function hex(bytes: Uint8Array): string {
    return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The caller's transfer journal in stable memory: every operation is recorded before its first
 * ledger call, and every state change is written before the next call, so an upgrade or a trap
 * never loses track of a transfer.
 *
 * Writes follow two rules that make "one attempt at a time" hold by construction: a record
 * owned by an attempt (InFlight) is changed only through `update` by that attempt, and a
 * terminal record (Committed, Failed) is never written again.
 */
export class Journal {
    private readonly ops = new StableBTreeMap<bigint, TransferOp>(1, u64Key);
    /** "<principal hex>:<key hex>" -> operation id: keys are scoped to the principal that used them. */
    private readonly clientKeys = new StableBTreeMap<string, bigint>(2);
    private readonly authorized = new StableBTreeMap<string, boolean>(3);
    private readonly config = new StableBTreeMap<string, TransferSettings>(4);
    /** Ids of the operations not yet resolved, so that sweeps do not read the whole journal. */
    private readonly open = new StableBTreeMap<bigint, boolean>(5, u64Key);
    /** Per ledger: the length its log had at least reached, as far as this caller has seen. */
    private readonly tips = new StableBTreeMap<string, bigint>(8);

    get settings(): TransferSettings {
        return this.config.get('settings') ?? DEFAULT_SETTINGS;
    }

    set settings(value: TransferSettings) {
        this.config.insert('settings', value);
    }

    nextId(): bigint {
        return BigInt(this.ops.len());
    }

    get(id: bigint): TransferOp | undefined {
        return this.ops.get(id);
    }

    /** Records a new operation, or a change made by no attempt (a controller's retry). Never overwrites a terminal record. */
    save(op: TransferOp): boolean {
        const stored = this.ops.get(op.id);
        if (stored !== undefined && isTerminal(stored.state)) return false;
        this.ops.insert(op.id, op);
        if (isTerminal(op.state)) this.open.remove(op.id);
        else this.open.insert(op.id, true);
        return true;
    }

    /**
     * Changes the record only if attempt `attempt` still owns it: reads it afresh (another
     * attempt may have taken over while this one awaited), applies `change`, writes it. Returns
     * the record as written, or undefined if the attempt no longer owns it.
     */
    update(id: bigint, attempt: number, change: (op: TransferOp) => void): TransferOp | undefined {
        const op = this.ops.get(id);
        if (op === undefined || owner(op.state) !== attempt) return undefined;
        change(op);
        this.save(op);
        return op;
    }

    note(op: TransferOp, line: string): void {
        op.log = [...op.log, line].slice(-LOG_MAX);
    }

    /** Opens the attempt log entry of a new attempt. */
    beginAttempt(op: TransferOp, attempt: number, now: bigint): void {
        op.attempt_log = [...op.attempt_log, { attempt, started_at: now, ended_at: [] as [] | [bigint], ledger_calls: 0, outcome: '' }].slice(-ATTEMPT_LOG_MAX);
    }

    /** Counts a ledger call of the attempt that owns `op`. */
    countCall(op: TransferOp): void {
        op.ledger_calls++;
        const entry = op.attempt_log.at(-1);
        if (entry !== undefined && entry.ended_at.length === 0) entry.ledger_calls++;
    }

    /** Closes the attempt log entry of `attempt`. */
    endAttempt(op: TransferOp, attempt: number, now: bigint, outcome: string): void {
        const entry = op.attempt_log.find((a) => a.attempt === attempt);
        if (entry !== undefined && entry.ended_at.length === 0) {
            entry.ended_at = [now];
            entry.outcome = outcome;
        }
    }

    /** The operation `principal` made with `key`, if any. */
    byClientKey(principal: Principal, key: Uint8Array): bigint | undefined {
        return this.clientKeys.get(clientKeyOf(principal, key));
    }

    rememberClientKey(principal: Principal, key: Uint8Array, id: bigint): void {
        this.clientKeys.insert(clientKeyOf(principal, key), id);
    }

    /** A block index the ledger's log has certainly reached (0 if this caller has seen none). */
    ledgerTip(ledger: Principal): bigint {
        return this.tips.get(ledger.toText()) ?? 0n;
    }

    /** The ledger's log has reached at least `length` blocks. */
    noteLedgerLength(ledger: Principal, length: bigint): void {
        if (length > this.ledgerTip(ledger)) this.tips.insert(ledger.toText(), length);
    }

    /** Unresolved operations, oldest first: all of them, or the first `limit`. */
    unresolved(limit?: number): TransferOp[] {
        return this.open.keys(0, limit).flatMap((id) => this.ops.get(id) ?? []);
    }

    page(start: bigint, limit: number): TransferOp[] {
        const page: TransferOp[] = [];
        for (let id = start; id < start + BigInt(limit); id++) {
            const op = this.ops.get(id);
            if (op === undefined) break;
            page.push(op);
        }
        return page;
    }

    isAuthorized(p: Principal): boolean {
        return this.authorized.get(p.toText()) === true;
    }

    setAuthorized(p: Principal, allowed: boolean): void {
        if (allowed) this.authorized.insert(p.toText(), true);
        else this.authorized.remove(p.toText());
    }
}

function clientKeyOf(principal: Principal, key: Uint8Array): string {
    return `${hex(principal.toUint8Array())}:${hex(key)}`;
}
