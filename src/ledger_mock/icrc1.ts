import { IDL, Principal } from 'azle';

import { candidType } from '@response-models/bounded-wait';

/** ICRC-1 types (github.com/dfinity/ICRC-1, standards/ICRC-1/ICRC-1.did). */
export type Subaccount = Uint8Array;
export const Account = IDL.Record({ owner: IDL.Principal, subaccount: IDL.Opt(IDL.Vec(IDL.Nat8)) });
export type Account = { owner: Principal; subaccount: [] | [Subaccount] };

export const TransferArg = IDL.Record({
    from_subaccount: IDL.Opt(IDL.Vec(IDL.Nat8)),
    to: Account,
    amount: IDL.Nat,
    fee: IDL.Opt(IDL.Nat),
    memo: IDL.Opt(IDL.Vec(IDL.Nat8)),
    created_at_time: IDL.Opt(IDL.Nat64)
});
export type TransferArg = {
    from_subaccount: [] | [Subaccount];
    to: Account;
    amount: bigint;
    fee: [] | [bigint];
    memo: [] | [Uint8Array];
    created_at_time: [] | [bigint];
};

export const TransferError = IDL.Variant({
    BadFee: IDL.Record({ expected_fee: IDL.Nat }),
    BadBurn: IDL.Record({ min_burn_amount: IDL.Nat }),
    InsufficientFunds: IDL.Record({ balance: IDL.Nat }),
    TooOld: IDL.Null,
    CreatedInFuture: IDL.Record({ ledger_time: IDL.Nat64 }),
    TemporarilyUnavailable: IDL.Null,
    Duplicate: IDL.Record({ duplicate_of: IDL.Nat }),
    GenericError: IDL.Record({ error_code: IDL.Nat, message: IDL.Text })
});
export type TransferError =
    | { BadFee: { expected_fee: bigint } }
    | { BadBurn: { min_burn_amount: bigint } }
    | { InsufficientFunds: { balance: bigint } }
    | { TooOld: null }
    | { CreatedInFuture: { ledger_time: bigint } }
    | { TemporarilyUnavailable: null }
    | { Duplicate: { duplicate_of: bigint } }
    | { GenericError: { error_code: bigint; message: string } };

export const TransferResult = candidType<TransferResult>(IDL.Variant({ Ok: IDL.Nat, Err: TransferError }));
export type TransferResult = { Ok: bigint } | { Err: TransferError };

export const MetadataValue = IDL.Variant({ Nat: IDL.Nat, Int: IDL.Int, Text: IDL.Text, Blob: IDL.Vec(IDL.Nat8) });
export type MetadataValue = { Nat: bigint } | { Int: bigint } | { Text: string } | { Blob: Uint8Array };

/** ICRC-3 generic values and block log (github.com/dfinity/ICRC-1, standards/ICRC-3). */
export const Value = IDL.Rec();
Value.fill(
    IDL.Variant({
        Blob: IDL.Vec(IDL.Nat8),
        Text: IDL.Text,
        Nat: IDL.Nat,
        Int: IDL.Int,
        Array: IDL.Vec(Value),
        Map: IDL.Vec(IDL.Tuple(IDL.Text, Value))
    })
);
export type Value =
    | { Blob: Uint8Array }
    | { Text: string }
    | { Nat: bigint }
    | { Int: bigint }
    | { Array: Value[] }
    | { Map: [string, Value][] };

export const GetBlocksArgs = IDL.Vec(IDL.Record({ start: IDL.Nat, length: IDL.Nat }));
export type GetBlocksArgs = { start: bigint; length: bigint }[];

const GetBlocksResultRec = IDL.Rec();
GetBlocksResultRec.fill(
    IDL.Record({
        log_length: IDL.Nat,
        blocks: IDL.Vec(IDL.Record({ id: IDL.Nat, block: Value })),
        // This ledger never archives; the field is here so that ICRC-3 clients decode the result.
        archived_blocks: IDL.Vec(
            IDL.Record({ args: GetBlocksArgs, callback: IDL.Func([GetBlocksArgs], [GetBlocksResultRec], ['query']) })
        )
    })
);
export const GetBlocksResult = candidType<GetBlocksResult>(GetBlocksResultRec);
export type GetBlocksResult = {
    log_length: bigint;
    blocks: { id: bigint; block: Value }[];
    archived_blocks: { args: GetBlocksArgs; callback: [Principal, string] }[];
};

/** ICRC-1's deduplication window and permitted clock drift, as the ICP and ICRC ledgers use. */
export const TX_WINDOW_NS = 24n * 60n * 60n * 1_000_000_000n;
export const PERMITTED_DRIFT_NS = 2n * 60n * 1_000_000_000n;
export const MAX_MEMO_BYTES = 32;
/**
 * Tokens are u64, as in the ICP ledger and the ICRC-1 ledger's default build: an amount beyond
 * it gets InsufficientFunds ("No one can have so many tokens", dfinity/ic,
 * rs/ledger_suite/icrc1/ledger/src/main.rs), and no supply can exceed it.
 */
export const MAX_TOKENS = 2n ** 64n - 1n;
export const SUBACCOUNT_BYTES = 32;
