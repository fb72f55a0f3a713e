import { canisterSelf, Principal } from 'azle';

import { Call, describeCallError } from '../../lib';
import { GetBlocksArgs, GetBlocksResult, Value } from '../../ledger_mock/icrc1';
import { TransferOp } from './types';

const PAGE = 2_000n;

function field(map: Value, name: string): Value | undefined {
    return 'Map' in map ? map.Map.find(([k]) => k === name)?.[1] : undefined;
}

function sameBytes(v: Value | undefined, bytes: Uint8Array): boolean {
    return v !== undefined && 'Blob' in v && v.Blob.length === bytes.length && v.Blob.every((b, i) => b === bytes[i]);
}

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

async function getBlocks(canister: Principal, method: string, args: GetBlocksArgs, timeoutSeconds: number): Promise<GetBlocksResult> {
    const result = await Call.boundedWait(canister, method).changeTimeout(timeoutSeconds).withArgs([GetBlocksArgs], [args]).call(GetBlocksResult);
    if ('Err' in result) throw new Error(`lookup failed: ${method}: ${describeCallError(result.Err)}`);
    return result.Ok;
}

/**
 * Looks the operation up in the ledger's ICRC-3 block log (as any ICRC-3 ledger allows): the
 * block that carries our memo and created_at_time from our account. Undefined only if every
 * block of the log was read, from the ledger or from its archives, and none is ours: a ledger
 * may return fewer blocks than asked and move old ones to archives, and "not found" must never
 * stand for "not read". Throws if the lookup cannot complete; the caller then tries again later.
 */
export async function lookUp(op: TransferOp, timeoutSeconds: number): Promise<bigint | undefined> {
    const self = canisterSelf();
    let start = 0n;
    let logLength = 1n;
    while (start < logLength) {
        const page = await getBlocks(op.ledger, 'icrc3_get_blocks', [{ start, length: PAGE }], timeoutSeconds);
        logLength = page.log_length;
        const blocks = [...page.blocks];
        for (const archive of page.archived_blocks) {
            for (const range of archive.args) blocks.push(...(await readArchive(archive.callback, range, timeoutSeconds)));
        }
        const found = blocks.find((b) => isOurs(b.block, op, self));
        if (found !== undefined) return found.id;
        if (start >= logLength) break;
        start = contiguousEnd(start, blocks.map((b) => b.id));
    }
    return undefined;
}

/** All blocks of `range` from an archive, over as many calls as it needs. */
async function readArchive(
    [canister, method]: [Principal, string],
    range: GetBlocksArgs[number],
    timeoutSeconds: number
): Promise<GetBlocksResult['blocks']> {
    const blocks: GetBlocksResult['blocks'] = [];
    const end = range.start + range.length;
    for (let from = range.start; from < end; ) {
        const part = await getBlocks(canister, method, [{ start: from, length: end - from }], timeoutSeconds);
        if (part.archived_blocks.length > 0) throw new Error(`lookup: archive ${canister.toText()} points to further archives`);
        blocks.push(...part.blocks);
        from = contiguousEnd(from, part.blocks.map((b) => b.id));
    }
    return blocks;
}

/** The end of the run of ids from `start` with no gap; throws if there is none (no progress). */
function contiguousEnd(start: bigint, ids: bigint[]): bigint {
    const seen = new Set(ids.map(String));
    let end = start;
    while (seen.has(String(end))) end++;
    if (end === start) throw new Error(`lookup: block ${start} was neither returned nor archived`);
    return end;
}
