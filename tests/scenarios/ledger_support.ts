import { LedgerWorld, TransferOp } from './world';

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

/** The whole block log, decoded from ICRC-3 values. */
export async function ledgerBlocks(w: LedgerWorld): Promise<LedgerBlock[]> {
    const blocks: LedgerBlock[] = [];
    for (let start = 0n; ; start += 2_000n) {
        const page = await w.ledgerActor.icrc3_get_blocks([{ start, length: 2_000n }]);
        for (const { id, block } of page.blocks) {
            const tx = field(block as Value, 'tx');
            const memo = field(tx, 'memo');
            const op = field(tx, 'op');
            blocks.push({
                id,
                op: op !== undefined && 'Text' in op ? op.Text : '?',
                to: owner(field(tx, 'to')) ?? '?',
                from: owner(field(tx, 'from')),
                amount: nat(field(tx, 'amt')),
                fee: nat(field(tx, 'fee')),
                memo: memo !== undefined && 'Blob' in memo ? hex(memo.Blob) : undefined
            });
        }
        if (start + 2_000n >= page.log_length) return blocks;
    }
}

export function memoHex(op: TransferOp): string {
    return hex(op.memo instanceof Uint8Array ? op.memo : new Uint8Array(op.memo));
}

export async function allTransfers(w: LedgerWorld): Promise<TransferOp[]> {
    const ops: TransferOp[] = [];
    for (let start = 0n; ; start += 100n) {
        const page = await w.callerActor.transfers_page(start, 100);
        ops.push(...page);
        if (page.length < 100) return ops;
    }
}
