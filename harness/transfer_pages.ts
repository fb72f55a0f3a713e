import type { _SERVICE as Caller } from '../src/declarations/caller/caller.did.js';

type TransferOp = Awaited<ReturnType<Caller['transfers_page']>>[number];

/**
 * Every operation the caller journaled, page by page. A page may hold fewer than asked (long
 * attempt logs: what one query can encode), so the next starts after its last operation.
 */
export async function allTransfers(caller: Pick<Caller, 'transfers_page'>): Promise<TransferOp[]> {
    const ops: TransferOp[] = [];
    for (let start = 0n; ; ) {
        const page = await caller.transfers_page(start, 100);
        if (page.length === 0) return ops;
        ops.push(...page);
        start = page[page.length - 1].id + 1n;
    }
}
