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

/**
 * Looks the operation up in the ledger's ICRC-3 block log (as any ICRC-3 ledger allows): the
 * block that carries our memo and created_at_time from our account. Undefined if the log has none.
 * Throws if the lookup itself fails; the caller then tries again later.
 */
export async function lookUp(op: TransferOp, timeoutSeconds: number): Promise<bigint | undefined> {
    const self = canisterSelf();
    for (let start = 0n; ; start += PAGE) {
        const args: GetBlocksArgs = [{ start, length: PAGE }];
        const result = await Call.boundedWait(op.ledger, 'icrc3_get_blocks')
            .changeTimeout(timeoutSeconds)
            .withArgs([GetBlocksArgs], [args])
            .call(GetBlocksResult);
        if ('Err' in result) throw new Error(`lookup failed: ${describeCallError(result.Err)}`);
        const found = result.Ok.blocks.find((b) => isOurs(b.block, op, self));
        if (found !== undefined) return found.id;
        if (start + PAGE >= result.Ok.log_length) return undefined;
    }
}
