import { canisterSelf, IDL, isController, msgCaller, query, time, trap, update } from 'azle';

import { Call } from '../lib';
import { Account, GetBlocksArgs, GetBlocksResult, MetadataValue, TransferArg, TransferResult } from './icrc1';
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

/**
 * An ICRC-1-shaped ledger: transfers with ICRC-1 deduplication, balances, supply, metadata, and
 * an ICRC-3-style block log for looking results up. Balances and blocks live in stable memory.
 * Its controllers can mint (for tests) and switch on faults that make the caller's life hard.
 */
export default class {
    ledger = new Ledger(FEE);
    faults: Faults = { commit_then_delay_rounds: 0, fail_before_commit: 0 };
    blockLog: BlockLog = { archived_below: 0n, max_blocks_per_request: Number(MAX_BLOCKS_PER_PAGE) };

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

    @query([Account], IDL.Nat)
    icrc1_balance_of(account: Account): bigint {
        if (malformedAccount(account) !== undefined) trap(`icrc1_balance_of: ${malformedAccount(account)}`);
        return this.ledger.balanceOf(account);
    }

    @query([], IDL.Nat)
    icrc1_total_supply(): bigint {
        return this.ledger.totalSupply();
    }

    @query([], IDL.Nat)
    icrc1_fee(): bigint {
        return FEE;
    }

    @query([], IDL.Text)
    icrc1_name(): string {
        return 'Mock Token';
    }

    @query([], IDL.Text)
    icrc1_symbol(): string {
        return 'MOCK';
    }

    @query([], IDL.Nat8)
    icrc1_decimals(): number {
        return 8;
    }

    @query([], IDL.Opt(Account))
    icrc1_minting_account(): [] | [Account] {
        return [];
    }

    @query([], IDL.Vec(IDL.Tuple(IDL.Text, MetadataValue)))
    icrc1_metadata(): [string, MetadataValue][] {
        return [
            ['icrc1:name', { Text: 'Mock Token' }],
            ['icrc1:symbol', { Text: 'MOCK' }],
            ['icrc1:decimals', { Nat: 8n }],
            ['icrc1:fee', { Nat: FEE }]
        ];
    }

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

    /** The archive's side of the block log: only blocks below `archived_below`. */
    @query([GetBlocksArgs], GetBlocksResult)
    icrc3_get_archived_blocks(ranges: GetBlocksArgs): GetBlocksResult {
        const length = this.ledger.logLength();
        return { log_length: length, blocks: this.serve(ranges, 0n, min(length, this.blockLog.archived_below)), archived_blocks: [] };
    }

    /** The block index of the transfer `from` made with exactly these arguments, if any (lookup by key). */
    @query([FindArg], IDL.Opt(IDL.Nat))
    find_transfer(request: { from: Account; arg: TransferArg }): [] | [bigint] {
        const index = this.ledger.find(request.from.owner, { ...request.arg, from_subaccount: request.from.subaccount });
        return index === undefined ? [] : [index];
    }

    /** Test-only minting, for the ledger's controllers. */
    @update([Account, IDL.Nat], IDL.Nat)
    mint(to: Account, amount: bigint): bigint {
        if (!isController(msgCaller())) trap('mint: only a controller of the ledger may mint');
        if (malformedAccount(to) !== undefined) trap(`mint: ${malformedAccount(to)}`);
        if (amount === 0n) trap('mint: the amount must be greater than 0');
        return this.ledger.mint(to, amount, time());
    }

    @update([Faults], IDL.Null)
    set_faults(faults: Faults): null {
        if (!isController(msgCaller())) trap('set_faults: only a controller of the ledger may set faults');
        this.faults = faults;
        return null;
    }

    /** Serves the log as a ledger with archives and capped responses would (controllers only). */
    @update([BlockLog], IDL.Null)
    set_block_log(shape: BlockLog): null {
        if (!isController(msgCaller())) trap('set_block_log: only a controller of the ledger may change how blocks are served');
        if (shape.max_blocks_per_request < 1 || shape.max_blocks_per_request > Number(MAX_BLOCKS_PER_PAGE)) {
            trap(`set_block_log: max_blocks_per_request must be 1 to ${MAX_BLOCKS_PER_PAGE}`);
        }
        this.blockLog = shape;
        return null;
    }

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

