import { canisterSelf, IDL, msgCaller, query, time, trap, update } from 'azle';

import { InvalidArgument, invalidArgument, NotAuthorized, requireController, Unit } from '../common/refusals';
import { Call } from '../lib';
import { Account, GetBlocksArgs, GetBlocksResult, MAX_TOKENS, MetadataValue, TransferArg, TransferResult } from './icrc1';
import { blockValue, Ledger, malformedAccount } from './ledger';

const FEE = 10_000n;
const MAX_BLOCKS_PER_PAGE = 2_000n;

const Faults = IDL.Record({
    /** Every transfer commits, then waits this many self-call round trips before replying. */
    commit_then_delay_rounds: IDL.Nat32,
    /** The next N transfers trap before committing anything. */
    fail_before_commit: IDL.Nat32
});
type Faults = { commit_then_delay_rounds: number; fail_before_commit: number };

/**
 * How the block log is served, as real ICRC-3 ledgers do: old blocks move to archives and each
 * response is capped. Here the ledger is its own archive (`icrc3_get_archived_blocks`).
 */
const BlockLog = IDL.Record({
    /** Blocks below this index are only in the archive: responses point there instead. */
    archived_below: IDL.Nat,
    /** Most blocks one call returns (1 to 2,000). */
    max_blocks_per_request: IDL.Nat32
});
type BlockLog = { archived_below: bigint; max_blocks_per_request: number };

const FindArg = IDL.Record({ from: Account, arg: TransferArg });

/** Why the ledger refused a controller's request. A refusal changes nothing. */
const AdminError = IDL.Variant({
    NotAuthorized: NotAuthorized,
    InvalidArgument: InvalidArgument,
    /** Minting `amount` would take the total supply past what the ledger's u64 tokens hold. */
    SupplyLimitExceeded: IDL.Record({ max_supply: IDL.Nat, supply: IDL.Nat })
});
type AdminError =
    | { NotAuthorized: NotAuthorized }
    | { InvalidArgument: InvalidArgument }
    | { SupplyLimitExceeded: { max_supply: bigint; supply: bigint } };
type Result<T> = { Ok: T } | { Err: AdminError };

/**
 * An ICRC-1-shaped ledger: transfers with ICRC-1 deduplication, balances, supply, metadata, and
 * an ICRC-3-style block log for looking results up. Balances and blocks live in stable memory.
 * Tokens are u64, as in the ICP ledger and the ICRC-1 ledger's default build.
 *
 * Who may do what: anyone may transfer from their own accounts and read everything, as on a real
 * ledger; only its controllers mint (they are its minter) and switch on the faults that make
 * the caller's life hard.
 */
export default class {
    ledger = new Ledger(FEE);
    faults: Faults = { commit_then_delay_rounds: 0, fail_before_commit: 0 };
    blockLog: BlockLog = { archived_below: 0n, max_blocks_per_request: Number(MAX_BLOCKS_PER_PAGE) };

    /** ICRC-1 transfer from the caller's account. Who: anyone. */
    @update([TransferArg], TransferResult)
    async icrc1_transfer(arg: TransferArg): Promise<TransferResult> {
        const caller = msgCaller();
        const now = time();
        if (this.faults.fail_before_commit > 0) {
            this.faults.fail_before_commit--;
            // The decrement above is rolled back with the trap; count it in a separate message.
            await Call.unboundedWait(canisterSelf(), 'noop').call(IDL.Null);
            trap('ledger fault: failed before commit');
        }
        const error = this.ledger.check(caller, arg, now);
        if (error !== undefined) return { Err: error };
        const index = this.ledger.apply(caller, arg, now);
        for (let i = 0; i < this.faults.commit_then_delay_rounds; i++) {
            await Call.unboundedWait(canisterSelf(), 'noop').call(IDL.Null); // committed; the reply waits
        }
        return { Ok: index };
    }

    /**
     * Who: anyone. A subaccount that is not 32 bytes is rejected, as a real ledger's Candid
     * decoding rejects it (the reply type leaves no room for an error).
     */
    @query([Account], IDL.Nat)
    icrc1_balance_of(account: Account): bigint {
        const malformed = malformedAccount(account);
        if (malformed !== undefined) trap(`icrc1_balance_of: ${malformed}`);
        return this.ledger.balanceOf(account);
    }

    /** Who: anyone. */
    @query([], IDL.Nat)
    icrc1_total_supply(): bigint {
        return this.ledger.totalSupply();
    }

    /** Who: anyone. */
    @query([], IDL.Nat)
    icrc1_fee(): bigint {
        return FEE;
    }

    /** Who: anyone. */
    @query([], IDL.Text)
    icrc1_name(): string {
        return 'Mock Token';
    }

    /** Who: anyone. */
    @query([], IDL.Text)
    icrc1_symbol(): string {
        return 'MOCK';
    }

    /** Who: anyone. */
    @query([], IDL.Nat8)
    icrc1_decimals(): number {
        return 8;
    }

    /** Who: anyone. */
    @query([], IDL.Opt(Account))
    icrc1_minting_account(): [] | [Account] {
        return [];
    }

    /** Who: anyone. */
    @query([], IDL.Vec(IDL.Tuple(IDL.Text, MetadataValue)))
    icrc1_metadata(): [string, MetadataValue][] {
        return [
            ['icrc1:name', { Text: 'Mock Token' }],
            ['icrc1:symbol', { Text: 'MOCK' }],
            ['icrc1:decimals', { Nat: 8n }],
            ['icrc1:fee', { Nat: FEE }]
        ];
    }

    /** Who: anyone. */
    @query([], IDL.Vec(IDL.Record({ name: IDL.Text, url: IDL.Text })))
    icrc1_supported_standards(): { name: string; url: string }[] {
        return [
            { name: 'ICRC-1', url: 'https://github.com/dfinity/ICRC-1/tree/main/standards/ICRC-1' },
            { name: 'ICRC-3', url: 'https://github.com/dfinity/ICRC-1/tree/main/standards/ICRC-3' }
        ];
    }

    /**
     * The block log (ICRC-3 values): at most `max_blocks_per_request` blocks per call; blocks
     * below `archived_below` are left to the archive, which `archived_blocks` points to.
     * Who: anyone.
     */
    @query([GetBlocksArgs], GetBlocksResult)
    icrc3_get_blocks(ranges: GetBlocksArgs): GetBlocksResult {
        const length = this.ledger.logLength();
        const archivedBelow = this.blockLog.archived_below;
        const archived: GetBlocksResult['archived_blocks'] = [];
        for (const { start, length: wanted } of ranges) {
            const end = min(start + wanted, min(length, archivedBelow));
            if (start < end) archived.push({ args: [{ start, length: end - start }], callback: [canisterSelf(), 'icrc3_get_archived_blocks'] });
        }
        return { log_length: length, blocks: this.serve(ranges, archivedBelow, length), archived_blocks: archived };
    }

    /** The archive's side of the block log: only blocks below `archived_below`. Who: anyone. */
    @query([GetBlocksArgs], GetBlocksResult)
    icrc3_get_archived_blocks(ranges: GetBlocksArgs): GetBlocksResult {
        const length = this.ledger.logLength();
        return { log_length: length, blocks: this.serve(ranges, 0n, min(length, this.blockLog.archived_below)), archived_blocks: [] };
    }

    /** The block index of the transfer `from` made with exactly these arguments, if any (lookup by key). Who: anyone. */
    @query([FindArg], IDL.Opt(IDL.Nat))
    find_transfer(request: { from: Account; arg: TransferArg }): [] | [bigint] {
        const index = this.ledger.find(request.from.owner, { ...request.arg, from_subaccount: request.from.subaccount });
        return index === undefined ? [] : [index];
    }

    /**
     * Creates `amount` new tokens on `to`; returns the block index. The total supply stays within
     * u64, as the ledger's tokens are u64. Who: controllers (the minter).
     */
    @update([Account, IDL.Nat], IDL.Variant({ Ok: IDL.Nat, Err: AdminError }))
    mint(to: Account, amount: bigint): Result<bigint> {
        const refused = requireController('mint');
        if (refused !== undefined) return { Err: refused };
        const malformed = malformedAccount(to);
        if (malformed !== undefined) return { Err: invalidArgument('to.subaccount', malformed) };
        if (amount === 0n) return { Err: invalidArgument('amount', 'must be greater than 0') };
        const supply = this.ledger.totalSupply();
        if (supply + amount > MAX_TOKENS) return { Err: { SupplyLimitExceeded: { max_supply: MAX_TOKENS, supply } } };
        return { Ok: this.ledger.mint(to, amount, time()) };
    }

    /** Who: controllers. */
    @update([Faults], Unit(AdminError))
    set_faults(faults: Faults): Result<null> {
        const refused = requireController('set_faults');
        if (refused !== undefined) return { Err: refused };
        this.faults = faults;
        return { Ok: null };
    }

    /** Serves the log as a ledger with archives and capped responses would. Who: controllers. */
    @update([BlockLog], Unit(AdminError))
    set_block_log(shape: BlockLog): Result<null> {
        const refused = requireController('set_block_log');
        if (refused !== undefined) return { Err: refused };
        if (shape.max_blocks_per_request < 1 || shape.max_blocks_per_request > Number(MAX_BLOCKS_PER_PAGE)) {
            return { Err: invalidArgument('max_blocks_per_request', `1 to ${MAX_BLOCKS_PER_PAGE}, got ${shape.max_blocks_per_request}`) };
        }
        this.blockLog = shape;
        return { Ok: null };
    }

    /** A self-call target for the delay fault. Who: anyone (it does nothing). */
    @update([], IDL.Null)
    noop(): null {
        return null;
    }

    /** Blocks of `ranges` within [from, to), at most max_blocks_per_request in all. */
    private serve(ranges: GetBlocksArgs, from: bigint, to: bigint): GetBlocksResult['blocks'] {
        const blocks: GetBlocksResult['blocks'] = [];
        const budget = this.blockLog.max_blocks_per_request;
        for (const { start, length: wanted } of ranges) {
            for (let id = start > from ? start : from; id < min(start + wanted, to) && blocks.length < budget; id++) {
                const block = this.ledger.block(id);
                if (block !== undefined) blocks.push({ id, block: blockValue(block) });
            }
        }
        return blocks;
    }
}

function min(a: bigint, b: bigint): bigint {
    return a < b ? a : b;
}

