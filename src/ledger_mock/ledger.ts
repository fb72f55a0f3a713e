import { Principal, StableBTreeMap } from 'azle';

import { u64Key } from '../common/u64_key';

import {
    Account,
    MAX_MEMO_BYTES,
    MAX_TOKENS,
    PERMITTED_DRIFT_NS,
    SUBACCOUNT_BYTES,
    TransferArg,
    TransferError,
    TX_WINDOW_NS,
    Value
} from './icrc1';

/** One entry of the block log. */
export interface Block {
    kind: 'mint' | 'xfer';
    from: Account | undefined;
    to: Account;
    amount: bigint;
    fee: bigint;
    memo: Uint8Array | undefined;
    created_at_time: bigint | undefined;
    timestamp: bigint;
}

const ZERO_SUBACCOUNT = new Uint8Array(SUBACCOUNT_BYTES);

function hex(bytes: Uint8Array): string {
    return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Accounts with no subaccount and with the all-zero subaccount are the same account (ICRC-1). */
export function accountKey(a: Account): string {
    return `${a.owner.toText()}.${hex(a.subaccount[0] ?? ZERO_SUBACCOUNT)}`;
}

/** `count` mint blocks of 1 token each to `to`, all at `timestamp`: a long log, stored as one entry. */
export interface BlockRun {
    readonly count: bigint;
    readonly to: Account;
    readonly timestamp: bigint;
}

/** The i-th block of a run: an ordinary mint block. */
export function runBlock(run: BlockRun): Block {
    return { kind: 'mint', from: undefined, to: run.to, amount: 1n, fee: 0n, memo: undefined, created_at_time: undefined, timestamp: run.timestamp };
}

/** Runs by start, with a lookup of the run that holds a block. */
export class Runs {
    constructor(private readonly map: StableBTreeMap<bigint, BlockRun>) {}

    add(start: bigint, run: BlockRun): void {
        this.map.insert(start, run);
    }

    all(): [bigint, BlockRun][] {
        return this.map.items();
    }

    /** The run holding block `id`, from a list read once per message. */
    static find(runs: [bigint, BlockRun][], id: bigint): BlockRun | undefined {
        return runs.find(([start, run]) => start <= id && id < start + run.count)?.[1];
    }
}

export function malformedAccount(a: Account): string | undefined {
    const sub = a.subaccount[0];
    if (sub !== undefined && sub.length !== SUBACCOUNT_BYTES) {
        return `a subaccount has ${SUBACCOUNT_BYTES} bytes, got ${sub.length}`;
    }
    return undefined;
}

/**
 * Balances, the block log and the deduplication index, all in stable memory so that they survive
 * upgrades. Implements ICRC-1's transfer rules; the canister class only adds access control and faults.
 */
export class Ledger {
    private readonly balances = new StableBTreeMap<string, bigint>(0);
    private readonly blocks = new StableBTreeMap<bigint, Block>(1);
    /** Transaction identity (caller + arguments) -> block index, for transfers with created_at_time. */
    private readonly dedup = new StableBTreeMap<string, bigint>(2);
    private readonly totals = new StableBTreeMap<string, bigint>(3);
    /** Blocks generated in bulk (generate_blocks), one entry per run. */
    readonly runs = new Runs(new StableBTreeMap<bigint, BlockRun>(6, u64Key));

    constructor(readonly fee: bigint) {}

    balanceOf(account: Account): bigint {
        return this.balances.get(accountKey(account)) ?? 0n;
    }

    totalSupply(): bigint {
        return this.totals.get('supply') ?? 0n;
    }

    /** Blocks ever appended, archived ones included. */
    logLength(): bigint {
        return this.totals.get('length') ?? BigInt(this.blocks.len());
    }

    /** A block this ledger still holds (not moved to an archive); `runs` saves reading the runs again. */
    block(index: bigint, runs: [bigint, BlockRun][] = this.runs.all()): Block | undefined {
        const stored = this.blocks.get(index);
        if (stored !== undefined) return stored;
        const run = Runs.find(runs, index);
        return run === undefined ? undefined : runBlock(run);
    }

    /** Forgets a block that an archive now holds. */
    forget(index: bigint): void {
        this.blocks.remove(index);
    }

    /** Appends `count` mint blocks of 1 token to `to` as one run; returns the new log length. */
    generate(to: Account, count: bigint, now: bigint): bigint {
        const start = this.logLength();
        this.credit(to, count);
        this.totals.insert('supply', this.totalSupply() + count);
        this.runs.add(start, { count, to, timestamp: now });
        this.totals.insert('length', start + count);
        return start + count;
    }

    mint(to: Account, amount: bigint, now: bigint): bigint {
        this.credit(to, amount);
        this.totals.insert('supply', this.totalSupply() + amount);
        return this.append({ kind: 'mint', from: undefined, to, amount, fee: 0n, memo: undefined, created_at_time: undefined, timestamp: now });
    }

    /** Checks a transfer without changing anything: the error it would get, if any. */
    check(caller: Principal, arg: TransferArg, now: bigint): TransferError | undefined {
        const generic = (error_code: bigint, message: string): TransferError => ({ GenericError: { error_code, message } });
        const malformed = malformedAccount(arg.to) ?? (arg.from_subaccount[0] !== undefined && arg.from_subaccount[0].length !== SUBACCOUNT_BYTES
            ? `a subaccount has ${SUBACCOUNT_BYTES} bytes, got ${arg.from_subaccount[0].length}`
            : undefined);
        if (malformed !== undefined) return generic(1n, `malformed account: ${malformed}`);
        const memo = arg.memo[0];
        if (memo !== undefined && memo.length > MAX_MEMO_BYTES) return generic(2n, `the memo has ${memo.length} bytes; at most ${MAX_MEMO_BYTES} are allowed`);
        if (arg.amount === 0n) return generic(3n, 'the amount must be greater than 0');
        // No one can have so many tokens (the real ledgers' answer to an amount beyond u64).
        if (arg.amount > MAX_TOKENS) return { InsufficientFunds: { balance: this.balanceOf(fromAccount(caller, arg)) } };
        if (arg.fee[0] !== undefined && arg.fee[0] !== this.fee) return { BadFee: { expected_fee: this.fee } };
        const createdAt = arg.created_at_time[0];
        if (createdAt !== undefined) {
            if (createdAt + TX_WINDOW_NS + PERMITTED_DRIFT_NS < now) return { TooOld: null };
            if (createdAt > now + PERMITTED_DRIFT_NS) return { CreatedInFuture: { ledger_time: now } };
            const duplicate = this.dedup.get(txKey(caller, arg));
            if (duplicate !== undefined) return { Duplicate: { duplicate_of: duplicate } };
        }
        const balance = this.balanceOf(fromAccount(caller, arg));
        if (balance < arg.amount + this.fee) return { InsufficientFunds: { balance } };
        return undefined;
    }

    /** Applies a transfer that `check` accepted; returns its block index. */
    apply(caller: Principal, arg: TransferArg, now: bigint): bigint {
        const from = fromAccount(caller, arg);
        this.debit(from, arg.amount + this.fee);
        this.credit(arg.to, arg.amount);
        this.totals.insert('supply', this.totalSupply() - this.fee); // the fee is burnt
        this.totals.insert('fees', (this.totals.get('fees') ?? 0n) + this.fee);
        const index = this.append({
            kind: 'xfer',
            from,
            to: arg.to,
            amount: arg.amount,
            fee: this.fee,
            memo: arg.memo[0],
            created_at_time: arg.created_at_time[0],
            timestamp: now
        });
        if (arg.created_at_time[0] !== undefined) this.dedup.insert(txKey(caller, arg), index);
        return index;
    }

    /** The block of a transfer with this identity, if the log has one. */
    find(caller: Principal, arg: TransferArg): bigint | undefined {
        return this.dedup.get(txKey(caller, arg));
    }

    private credit(a: Account, amount: bigint): void {
        this.balances.insert(accountKey(a), this.balanceOf(a) + amount);
    }

    private debit(a: Account, amount: bigint): void {
        this.balances.insert(accountKey(a), this.balanceOf(a) - amount);
    }

    private append(block: Block): bigint {
        const index = this.logLength();
        this.blocks.insert(index, block);
        this.totals.insert('length', index + 1n);
        return index;
    }
}

export function fromAccount(caller: Principal, arg: TransferArg): Account {
    return { owner: caller, subaccount: arg.from_subaccount };
}

/** ICRC-1 deduplication identity: the caller and every argument, including memo and created_at_time. */
function txKey(caller: Principal, arg: TransferArg): string {
    return [
        accountKey(fromAccount(caller, arg)),
        accountKey(arg.to),
        arg.amount.toString(),
        arg.fee[0]?.toString() ?? '-',
        arg.memo[0] === undefined ? '-' : hex(arg.memo[0]),
        arg.created_at_time[0]?.toString() ?? '-'
    ].join('|');
}

/** The ICRC-3 representation of a block (the ICRC-1 transaction schema: btype-less "tx" map). */
export function blockValue(block: Block): Value {
    const account = (a: Account): Value => ({
        Array: [{ Blob: a.owner.toUint8Array() }, ...(a.subaccount[0] === undefined ? [] : [{ Blob: a.subaccount[0] }])]
    });
    const tx: [string, Value][] = [
        ['op', { Text: block.kind === 'mint' ? 'mint' : 'xfer' }],
        ['to', account(block.to)],
        ['amt', { Nat: block.amount }]
    ];
    if (block.from !== undefined) tx.push(['from', account(block.from)]);
    if (block.kind === 'xfer') tx.push(['fee', { Nat: block.fee }]);
    if (block.memo !== undefined) tx.push(['memo', { Blob: block.memo }]);
    if (block.created_at_time !== undefined) tx.push(['ts', { Nat: block.created_at_time }]);
    return { Map: [['ts', { Nat: block.timestamp }], ['tx', { Map: tx }]] };
}
