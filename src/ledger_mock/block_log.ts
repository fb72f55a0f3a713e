import { IDL, Principal, StableBTreeMap } from 'azle';

import { u64Key } from '../common/u64_key';
import { Account, GetBlocksArgs, GetBlocksResult, Value } from './icrc1';
import { blockValue, BlockRun, Ledger, runBlock, Runs } from './ledger';

/** A range of the log that an archive canister holds: [start, end). */
export interface ArchiveRange {
    readonly canister: Principal;
    readonly start: bigint;
    readonly end: bigint;
}

type Blocks = GetBlocksResult['blocks'];

/** What a ledger sends its archive: blocks as ICRC-3 values, and runs of generated blocks as one entry each. */
export const ArchiveChunk = IDL.Record({
    blocks: IDL.Vec(IDL.Record({ id: IDL.Nat, block: Value })),
    runs: IDL.Vec(IDL.Record({ start: IDL.Nat, count: IDL.Nat, to: Account, timestamp: IDL.Nat64 }))
});
export type ArchiveChunk = { blocks: Blocks; runs: ({ start: bigint } & BlockRun)[] };

/** Most real blocks one chunk carries (runs are one entry whatever their length). */
const CHUNK_BLOCKS = 1_000;

/**
 * The ICRC-3 block log as real ledgers serve it: old blocks live on archive canisters and
 * responses point there (`archived_blocks`, callback `icrc3_get_blocks` on the archive), every
 * response is capped, and a canister may itself be an archive that holds blocks another ledger
 * appended to it.
 */
export class BlockLog {
    /** Ranges this ledger moved to archives, by start. */
    private readonly ranges = new StableBTreeMap<bigint, { canister: Principal; end: bigint }>(4, u64Key);
    /** Blocks this canister holds as an archive of another ledger, by their id in that ledger. */
    private readonly archived = new StableBTreeMap<bigint, Value>(5, u64Key);
    /** Runs of generated blocks this canister holds as an archive. */
    private readonly archivedRuns = new Runs(new StableBTreeMap<bigint, BlockRun>(7, u64Key));

    constructor(private readonly ledger: Ledger) {}

    /** Blocks below this index are on archives. */
    archivedBelow(): bigint {
        const last = this.archiveRanges().at(-1);
        return last === undefined ? 0n : last.end;
    }

    archiveRanges(): ArchiveRange[] {
        return this.ranges.items().map(([start, r]) => ({ canister: r.canister, start, end: r.end }));
    }

    /** Records that `canister` now holds [start, end) and forgets the stored blocks `ids` of it here. */
    recordArchived(canister: Principal, start: bigint, end: bigint, ids: readonly bigint[]): void {
        const last = this.archiveRanges().at(-1);
        if (last !== undefined && last.canister.toText() === canister.toText() && last.end === start) {
            this.ranges.insert(last.start, { canister, end });
        } else {
            this.ranges.insert(start, { canister, end });
        }
        for (const id of ids) this.ledger.forget(id);
    }

    /**
     * The blocks [start, end) cut into chunks for an archive: stored blocks as values (at most
     * CHUNK_BLOCKS a chunk), generated runs as one entry each. Each chunk says where it ends.
     */
    chunksFor(start: bigint, end: bigint): { chunk: ArchiveChunk; end: bigint }[] {
        const runs = this.ledger.runs.all();
        const chunks: { chunk: ArchiveChunk; end: bigint }[] = [];
        let chunk: ArchiveChunk = { blocks: [], runs: [] };
        for (let id = start; id < end; ) {
            const run = runs.find(([s, r]) => s <= id && id < s + r.count);
            if (run !== undefined) {
                const [runStart, r] = run;
                const to = runStart + r.count < end ? runStart + r.count : end;
                chunk.runs.push({ start: id, count: to - id, to: r.to, timestamp: r.timestamp });
                id = to;
            } else {
                const block = this.ledger.block(id, runs);
                if (block === undefined) throw new Error(`block ${id} is not on this ledger`);
                chunk.blocks.push({ id, block: blockValue(block) });
                id++;
            }
            if (chunk.blocks.length >= CHUNK_BLOCKS || id === end) {
                chunks.push({ chunk, end: id });
                chunk = { blocks: [], runs: [] };
            }
        }
        return chunks;
    }

    /** As an archive: keeps blocks another ledger appended (appending one again changes nothing). */
    keepArchived(chunk: ArchiveChunk): void {
        for (const { id, block } of chunk.blocks) this.archived.insert(id, block);
        for (const { start, ...run } of chunk.runs) this.archivedRuns.add(start, run);
    }

    /**
     * `icrc3_get_blocks`: the blocks of `ranges` this canister holds, at most `budget` of them,
     * and for the parts that archives hold, where to fetch them.
     */
    get(ranges: GetBlocksArgs, budget: number): GetBlocksResult {
        const length = this.ledger.logLength();
        const below = this.archivedBelow();
        const runs = this.ledger.runs.all();
        const archivedRuns = this.archivedRuns.all();
        const holdsArchive = this.archived.len() > 0 || archivedRuns.length > 0;
        const blocks: Blocks = [];
        const pointers: GetBlocksResult['archived_blocks'] = [];
        for (const { start, length: wanted } of ranges) {
            const end = start + wanted;
            for (const r of this.archiveRanges()) {
                const from = max(start, r.start);
                const to = min(end, r.end);
                if (from < to) pointers.push({ args: [{ start: from, length: to - from }], callback: [r.canister, 'icrc3_get_blocks'] });
            }
            for (let id = max(start, below); id < min(end, length) && blocks.length < budget; id++) {
                const block = this.ledger.block(id, runs);
                if (block !== undefined) blocks.push({ id, block: blockValue(block) });
            }
            for (let id = start; id < end && blocks.length < budget && holdsArchive; id++) {
                const value = this.archived.get(id);
                const run = value === undefined ? Runs.find(archivedRuns, id) : undefined;
                if (value === undefined && run === undefined) break;
                blocks.push({ id, block: value ?? blockValue(runBlock(run as BlockRun)) });
            }
        }
        return { log_length: length, blocks, archived_blocks: pointers };
    }
}

function min(a: bigint, b: bigint): bigint {
    return a < b ? a : b;
}

function max(a: bigint, b: bigint): bigint {
    return a > b ? a : b;
}
