import { Principal } from 'azle';

import { Call, describeCallError } from '@response-models/bounded-wait';
import { GetBlocksArgs, GetBlocksResult, PERMITTED_DRIFT_NS, TX_WINDOW_NS, Value } from '../../ledger_mock/icrc1';
import { KnownArchive, LookupProgress, TransferOp } from './types';

/** Blocks a scan asks for per call; ledgers may return fewer. */
const PAGE = 2_000n;
/** Archive ranges a lookup remembers. */
const ARCHIVES_KEPT = 32;

/** One call of a lookup: which canister, and which blocks. */
export interface BlockRequest {
    readonly canister: Principal;
    readonly start: bigint;
    readonly length: bigint;
    /** True when the ledger pointed to this canister as an archive. */
    readonly archive: boolean;
}

/** What a lookup step concluded. */
export type StepOutcome = { kind: 'found'; block: bigint } | { kind: 'absent' } | { kind: 'continue' };

export class LookupError extends Error {
    /** The failed call's error came in the cleanup callback (the code handling its reply trapped). */
    constructor(
        message: string,
        readonly inCleanup = false
    ) {
        super(message);
    }
}

/** A new lookup, from where the log stood before the first attempt. */
export function startLookup(op: TransferOp): LookupProgress {
    return { phase: { Bisect: { lo: op.search_from, hi: [] } }, log_length: [], archives: [], calls: 0 };
}

/** The next call the lookup makes: one block while bisecting, a page while scanning; to an archive if one holds it. */
export function nextRequest(op: TransferOp, progress: LookupProgress): BlockRequest {
    const phase = progress.phase;
    let start: bigint;
    let length = 1n;
    if ('Scan' in phase) {
        start = phase.Scan.next;
        length = PAGE;
    } else {
        const { lo, hi } = phase.Bisect;
        start = hi.length === 0 ? lo : (lo + hi[0]) / 2n;
    }
    const archive = progress.archives.find((a) => a.start <= start && start < a.end);
    if (archive === undefined) return { canister: op.ledger, start, length, archive: false };
    const end = start + length < archive.end ? start + length : archive.end;
    return { canister: archive.canister, start, length: end - start, archive: true };
}

/** Makes the call; throws LookupError if it fails (the lookup resumes from the same place later). */
export async function fetchBlocks(request: BlockRequest, timeoutSeconds: number): Promise<GetBlocksResult> {
    const args: GetBlocksArgs = [{ start: request.start, length: request.length }];
    const result = await Call.boundedWait(request.canister, 'icrc3_get_blocks')
        .changeTimeout(timeoutSeconds)
        .withArgs([GetBlocksArgs], [args])
        .call(GetBlocksResult);
    if ('Err' in result) {
        throw new LookupError(`lookup: icrc3_get_blocks on ${request.canister.toText()} failed: ${describeCallError(result.Err)}`, result.Err.kind === 'CleanupCallback');
    }
    return result.Ok;
}

/**
 * Applies one reply to the lookup. Bisection narrows [lo, hi] to the first block whose ledger
 * time is at or after the earliest the transfer could have been committed (created_at_time
 * minus ICRC-1's permitted drift); the scan then reads block by block until it finds ours or a
 * block later than the latest it could have been committed (created_at_time plus the window and
 * the drift), or the end of the log. Past the window the ledger can no longer commit the
 * transfer, so "not found" then means not on the ledger. Throws LookupError if the reply neither
 * holds the block asked for nor says where it is: "not found" must never stand for "not read".
 */
export function advance(op: TransferOp, progress: LookupProgress, request: BlockRequest, reply: GetBlocksResult, self: Principal): StepOutcome {
    progress.calls++;
    if (!request.archive) progress.log_length = [reply.log_length];
    learnArchives(progress, reply);
    const blocks = new Map(reply.blocks.map((b) => [b.id, b.block]));
    const length = progress.log_length[0];
    const windowStart = op.created_at_time - PERMITTED_DRIFT_NS;
    const windowEnd = op.created_at_time + TX_WINDOW_NS + PERMITTED_DRIFT_NS;
    const phase = progress.phase;

    if ('Bisect' in phase) {
        let { lo, hi } = phase.Bisect;
        const top = hi[0] ?? length;
        if (top === undefined) throw new LookupError('lookup: the ledger did not say how long its log is');
        if (lo >= top) {
            // Nothing was appended since the transfer's first attempt: nothing to find.
            progress.phase = { Scan: { next: lo } };
            return scanEnd(progress, length);
        }
        const target = request.start;
        const block = blocks.get(target);
        if (block === undefined) return unread(progress, request, target);
        const ts = timestampOf(block);
        if (ts === undefined) {
            progress.phase = { Scan: { next: lo } }; // no timestamps to bisect by: read on from lo
            return { kind: 'continue' };
        }
        if (ts >= windowStart) hi = [target];
        else lo = target + 1n;
        const newTop = hi[0] ?? top;
        progress.phase = lo >= newTop ? { Scan: { next: lo } } : { Bisect: { lo, hi: [newTop] } };
        return { kind: 'continue' };
    }

    let next = phase.Scan.next;
    if (!blocks.has(next)) {
        if (length !== undefined && next >= length) return { kind: 'absent' };
        return unread(progress, request, next);
    }
    for (let block = blocks.get(next); block !== undefined; block = blocks.get(next)) {
        if (isOurs(block, op, self)) return { kind: 'found', block: next };
        const ts = timestampOf(block);
        if (ts !== undefined && ts > windowEnd) return { kind: 'absent' };
        next++;
    }
    progress.phase = { Scan: { next } };
    return scanEnd(progress, length);
}

function scanEnd(progress: LookupProgress, length: bigint | undefined): StepOutcome {
    const phase = progress.phase;
    return 'Scan' in phase && length !== undefined && phase.Scan.next >= length ? { kind: 'absent' } : { kind: 'continue' };
}

/**
 * The block was not in the reply: fine if the ledger's reply said which archive has it (the
 * next call goes there); an archive that does not return a block it should hold is an error.
 */
function unread(progress: LookupProgress, request: BlockRequest, id: bigint): StepOutcome {
    if (!request.archive && progress.archives.some((a) => a.start <= id && id < a.end)) return { kind: 'continue' };
    throw new LookupError(`lookup: block ${id} was neither returned nor archived (asked ${request.canister.toText()})`);
}

function learnArchives(progress: LookupProgress, reply: GetBlocksResult): void {
    for (const pointer of reply.archived_blocks) {
        const [canister] = pointer.callback;
        for (const range of pointer.args) {
            const known: KnownArchive = { canister, start: range.start, end: range.start + range.length };
            const same = progress.archives.some((a) => a.canister.toText() === canister.toText() && a.start <= known.start && known.end <= a.end);
            if (!same) progress.archives = [...progress.archives, known].slice(-ARCHIVES_KEPT);
        }
    }
}

function field(map: Value, name: string): Value | undefined {
    return 'Map' in map ? map.Map.find(([k]) => k === name)?.[1] : undefined;
}

/** The ledger time of a block (ICRC-3's top-level "ts"). */
function timestampOf(block: Value): bigint | undefined {
    const ts = field(block, 'ts');
    return ts !== undefined && 'Nat' in ts ? ts.Nat : undefined;
}

function sameBytes(v: Value | undefined, bytes: Uint8Array): boolean {
    return v !== undefined && 'Blob' in v && v.Blob.length === bytes.length && v.Blob.every((b, i) => b === bytes[i]);
}

/** Our transfer: our memo and created_at_time, from our account. */
function isOurs(block: Value, op: TransferOp, self: Principal): boolean {
    const tx = field(block, 'tx');
    if (tx === undefined) return false;
    const from = field(tx, 'from');
    const ts = field(tx, 'ts');
    return (
        sameBytes(field(tx, 'memo'), op.memo) &&
        ts !== undefined &&
        'Nat' in ts &&
        ts.Nat === op.created_at_time &&
        from !== undefined &&
        'Array' in from &&
        sameBytes(from.Array[0], self.toUint8Array())
    );
}
