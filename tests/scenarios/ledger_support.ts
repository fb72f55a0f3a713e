import { idlFactory as ledgerIdl } from '../../src/declarations/ledger_mock/ledger_mock.did.js';
import { allTransfers as allTransfersOf } from '../../harness/transfer_pages';
import { Ledger, LedgerWorld, TransferOp } from './world';

export interface LedgerBlock {
    id: bigint;
    op: string;
    to: string;
    from: string | undefined;
    amount: bigint;
    fee: bigint;
    memo: string | undefined;
}

type Value = { Blob: Uint8Array } | { Text: string } | { Nat: bigint } | { Int: bigint } | { Array: Value[] } | { Map: [string, Value][] };

function field(v: Value | undefined, name: string): Value | undefined {
    return v !== undefined && 'Map' in v ? v.Map.find(([k]) => k === name)?.[1] : undefined;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const nat = (v: Value | undefined): bigint => (v !== undefined && 'Nat' in v ? v.Nat : 0n);
const owner = (v: Value | undefined): string | undefined => (v !== undefined && 'Array' in v && 'Blob' in v.Array[0] ? hex(v.Array[0].Blob) : undefined);

/**
 * The whole block log, decoded from ICRC-3 values: from the ledger and, for archived ranges, from
 * the archive canisters it points to, however few blocks each call returns.
 */
export async function ledgerBlocks(w: LedgerWorld): Promise<LedgerBlock[]> {
    const raw = new Map<bigint, Value>();
    let length = 1n;
    for (let start = 0n; start < length; ) {
        const page = await w.ledgerActor.icrc3_get_blocks([{ start, length: 2_000n }]);
        length = page.log_length;
        for (const { id, block } of page.blocks) raw.set(id, block as Value);
        for (const archived of page.archived_blocks) {
            for (const range of archived.args) {
                for (let from = range.start; from < range.start + range.length; ) {
                    const archive = w.em.createActor<Ledger>(ledgerIdl, archived.callback[0]);
                    const part = await archive.icrc3_get_blocks([{ start: from, length: range.start + range.length - from }]);
                    if (part.blocks.length === 0) throw new Error(`the archive returned nothing from block ${from}`);
                    for (const { id, block } of part.blocks) raw.set(id, block as Value);
                    from = part.blocks[part.blocks.length - 1].id + 1n;
                }
            }
        }
        if (start >= length) break;
        if (!raw.has(start)) throw new Error(`block ${start} was neither returned nor archived`);
        while (raw.has(start)) start++;
    }
    return [...raw.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([id, block]) => {
            const tx = field(block, 'tx');
            const memo = field(tx, 'memo');
            const op = field(tx, 'op');
            return {
                id,
                op: op !== undefined && 'Text' in op ? op.Text : '?',
                to: owner(field(tx, 'to')) ?? '?',
                from: owner(field(tx, 'from')),
                amount: nat(field(tx, 'amt')),
                fee: nat(field(tx, 'fee')),
                memo: memo !== undefined && 'Blob' in memo ? hex(memo.Blob) : undefined
            };
        });
}

export function memoHex(op: TransferOp): string {
    return hex(op.memo instanceof Uint8Array ? op.memo : new Uint8Array(op.memo));
}

export function allTransfers(w: LedgerWorld): Promise<TransferOp[]> {
    return allTransfersOf(w.callerActor);
}
