import { canisterSelf, IDL, inspectMessage, msgCaller, Principal, query, time, trap, update } from 'azle';

import { InvalidArgument, invalidArgument, NotAuthorized, requireController, Unit } from '../common/refusals';
import { acceptsIngress } from '../common/ingress_guard';
import { Call } from '@response-models/bounded-wait';
import { ArchiveChunk, BlockLog } from './block_log';
import { Account, GetBlocksArgs, GetBlocksResult, MAX_TOKENS, MetadataValue, TransferArg, TransferResult } from './icrc1';
import { Ledger, malformedAccount } from './ledger';

const FEE = 10_000n;
/**
 * Most blocks one icrc3_get_blocks response carries, and the default. Real ledgers serve up to
 * 2,000; this one is TypeScript, and reading and encoding a block costs it about 12 M
 * instructions (measured on the emulator, which counts as the replica does), so 250 stay well
 * within a query's 5 B and the default of 100 leaves room for the rest of the message.
 */
const MAX_BLOCKS_PER_PAGE = 250n;
const DEFAULT_BLOCKS_PER_PAGE = 100;
/** Most blocks one generate_blocks call appends (stored as one run: the limit only keeps tests honest). */
const MAX_GENERATED_PER_CALL = 1_000_000;
/** Most stored blocks and runs one append_blocks call takes. */
const MAX_APPENDED_PER_CALL = 10_000;
/** How long the ledger waits for its archive to take a chunk. */
const ARCHIVE_TIMEOUT_SECONDS = 60;
/** The largest fault: a delay of more rounds would hold transfers for hours. */
const MAX_FAULT = 1_000;
/** One round: the management canister answers raw_rand in the round after it is called. */
async function waitOneRound(): Promise<void> {
    const result = await Call.unboundedWait('aaaaa-aa', 'raw_rand').call(IDL.Vec(IDL.Nat8));
    if ('Err' in result) trap('waiting a round failed');
}

/** The account generate_blocks mints to: the ledger's own, subaccount 0xff...ff. */
function fillerAccount(): Account {
    return { owner: canisterSelf(), subaccount: [new Uint8Array(32).fill(0xff)] };
}

const Faults = IDL.Record({
    /** Every transfer commits, then waits this many rounds before replying. */
    commit_then_delay_rounds: IDL.Nat32,
    /** The next N transfers trap before committing anything. */
    fail_before_commit: IDL.Nat32
});
type Faults = { commit_then_delay_rounds: number; fail_before_commit: number };

/** How the block log is served, as real ICRC-3 ledgers do: each response is capped. */
const BlockLogShape = IDL.Record({
    /** Most blocks one call returns (1 to 250; 100 by default). */
    max_blocks_per_request: IDL.Nat32
});
type BlockLogShape = { max_blocks_per_request: number };


const FindArg = IDL.Record({ from: Account, arg: TransferArg });

/** Why the ledger refused a controller's request. A refusal changes nothing. */
const AdminError = IDL.Variant({
    NotAuthorized: NotAuthorized,
    InvalidArgument: InvalidArgument,
    /** Minting `amount` would take the total supply past what the ledger's u64 tokens hold. */
    SupplyLimitExceeded: IDL.Record({ max_supply: IDL.Nat, supply: IDL.Nat }),
    /** The archive did not take a chunk; blocks below `archived_below` were moved, the rest stay here. */
    ArchiveFailed: IDL.Record({ archived_below: IDL.Nat, message: IDL.Text })
});
type AdminError =
    | { NotAuthorized: NotAuthorized }
    | { InvalidArgument: InvalidArgument }
    | { SupplyLimitExceeded: { max_supply: bigint; supply: bigint } }
    | { ArchiveFailed: { archived_below: bigint; message: string } };
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
    log = new BlockLog(this.ledger);
    faults: Faults = { commit_then_delay_rounds: 0, fail_before_commit: 0 };
    shape: BlockLogShape = { max_blocks_per_request: DEFAULT_BLOCKS_PER_PAGE };

    /** Ingress only: refuses an argument that would cost more to decode than its size (common/ingress_guard.ts). */
    @inspectMessage({ manual: true })
    inspect(): boolean {
        return acceptsIngress();
    }

    /** ICRC-1 transfer from the caller's account. Who: anyone. */
    @update([TransferArg], TransferResult)
    async icrc1_transfer(arg: TransferArg): Promise<TransferResult> {
        const caller = msgCaller();
        const now = time();
        if (this.faults.fail_before_commit > 0) {
            this.faults.fail_before_commit--;
            // The decrement above is rolled back with the trap; commit it in a message of its own.
            await waitOneRound();
            trap('ledger fault: failed before commit');
        }
        const error = this.ledger.check(caller, arg, now);
        if (error !== undefined) return { Err: error };
        const index = this.ledger.apply(caller, arg, now);
        for (let i = 0; i < this.faults.commit_then_delay_rounds; i++) await waitOneRound(); // committed; the reply waits
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
     * The block log (ICRC-3 values): at most `max_blocks_per_request` blocks per call; blocks on
     * archive canisters are pointed to in `archived_blocks` (callback `icrc3_get_blocks` there).
     * An archive serves the blocks it holds the same way. Who: anyone.
     */
    @query([GetBlocksArgs], GetBlocksResult)
    icrc3_get_blocks(ranges: GetBlocksArgs): GetBlocksResult {
        return this.log.get(ranges, this.shape.max_blocks_per_request);
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

    /** Faults for the next transfers, each at most 1,000. Who: controllers. */
    @update([Faults], Unit(AdminError))
    set_faults(faults: Faults): Result<null> {
        const refused = requireController('set_faults');
        if (refused !== undefined) return { Err: refused };
        if (faults.commit_then_delay_rounds > MAX_FAULT) return { Err: invalidArgument('commit_then_delay_rounds', `at most ${MAX_FAULT}, got ${faults.commit_then_delay_rounds}`) };
        if (faults.fail_before_commit > MAX_FAULT) return { Err: invalidArgument('fail_before_commit', `at most ${MAX_FAULT}, got ${faults.fail_before_commit}`) };
        this.faults = faults;
        return { Ok: null };
    }

    /** Caps the blocks one icrc3_get_blocks call returns, as real ledgers do. Who: controllers. */
    @update([BlockLogShape], Unit(AdminError))
    set_block_log(shape: BlockLogShape): Result<null> {
        const refused = requireController('set_block_log');
        if (refused !== undefined) return { Err: refused };
        if (shape.max_blocks_per_request < 1 || shape.max_blocks_per_request > Number(MAX_BLOCKS_PER_PAGE)) {
            return { Err: invalidArgument('max_blocks_per_request', `1 to ${MAX_BLOCKS_PER_PAGE}, got ${shape.max_blocks_per_request}`) };
        }
        this.shape = shape;
        return { Ok: null };
    }

    /**
     * Appends `count` mint blocks of 1 token each to the ledger's own filler account (subaccount
     * 0xff..ff), all at the current time: a long log for tests, stored as one run (at most
     * 1,000,000 blocks per call). Returns the log length. Who: controllers.
     */
    @update([IDL.Nat32], IDL.Variant({ Ok: IDL.Nat, Err: AdminError }))
    generate_blocks(count: number): Result<bigint> {
        const refused = requireController('generate_blocks');
        if (refused !== undefined) return { Err: refused };
        if (count < 1 || count > MAX_GENERATED_PER_CALL) return { Err: invalidArgument('count', `1 to ${MAX_GENERATED_PER_CALL}, got ${count}`) };
        const supply = this.ledger.totalSupply();
        if (supply + BigInt(count) > MAX_TOKENS) return { Err: { SupplyLimitExceeded: { max_supply: MAX_TOKENS, supply } } };
        return { Ok: this.ledger.generate(fillerAccount(), BigInt(count), time()) };
    }

    /**
     * Moves the blocks below `up_to` that are still here to the archive canister `archive` (whose
     * controllers must include this ledger), at most 1,000 stored blocks per call, as real ledgers
     * move old blocks to their archives. Returns the new archived boundary. Who: controllers.
     */
    @update([IDL.Principal, IDL.Nat], IDL.Variant({ Ok: IDL.Nat, Err: AdminError }))
    async archive_blocks(archive: Principal, upTo: bigint): Promise<Result<bigint>> {
        const refused = requireController('archive_blocks');
        if (refused !== undefined) return { Err: refused };
        const from = this.log.archivedBelow();
        if (upTo <= from || upTo > this.ledger.logLength()) {
            return { Err: invalidArgument('up_to', `between ${from + 1n} and the log length ${this.ledger.logLength()}, got ${upTo}`) };
        }
        let start = from;
        for (const { chunk, end } of this.log.chunksFor(from, upTo)) {
            const sent = await Call.boundedWait(archive, 'append_blocks')
                .changeTimeout(ARCHIVE_TIMEOUT_SECONDS)
                .withArgs([ArchiveChunk], [chunk])
                .call(IDL.Variant({ Ok: IDL.Nat32, Err: AdminError }));
            if ('Err' in sent || 'Err' in sent.Ok) {
                const message = 'Err' in sent ? JSON.stringify(sent.Err, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) : 'the archive refused the blocks';
                return { Err: { ArchiveFailed: { archived_below: this.log.archivedBelow(), message } } };
            }
            this.log.recordArchived(archive, start, end, chunk.blocks.map((b) => b.id));
            start = end;
        }
        return { Ok: this.log.archivedBelow() };
    }

    /**
     * As an archive: keeps blocks its ledger moved here, by their ids in that ledger; sending a
     * block again changes nothing. Returns how many entries came. Who: controllers (a ledger
     * controls its archives).
     */
    @update([ArchiveChunk], IDL.Variant({ Ok: IDL.Nat32, Err: AdminError }))
    append_blocks(chunk: ArchiveChunk): Result<number> {
        const refused = requireController('append_blocks');
        if (refused !== undefined) return { Err: refused };
        const entries = chunk.blocks.length + chunk.runs.length;
        if (entries > MAX_APPENDED_PER_CALL) return { Err: invalidArgument('chunk', `at most ${MAX_APPENDED_PER_CALL} blocks and runs, got ${entries}`) };
        this.log.keepArchived(chunk);
        return { Ok: entries };
    }

}
