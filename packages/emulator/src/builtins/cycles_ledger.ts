import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';

import { RejectCode } from '../errors.js';
import { CanisterIdRecord, CanisterSettings, ProvisionalCreateArgs } from '../management/candid.js';
import { Response } from '../subnet/messages.js';
import { Subnet } from '../subnet/subnet.js';
import { BuiltinCanister, decodeOrReject, isResponse, noMethod, reply } from './builtin.js';

/** The cycles ledger's id on every IC network (dfinity/cycles-ledger; icp-cli CYCLES_LEDGER_CID). */
export const CYCLES_LEDGER = Principal.fromText('um5iw-rqaaa-aaaaq-qaaba-cai');

/** The cycles ledger's fee, 100M cycles (icp-cli crates/icp-canister-interfaces/src/cycles_ledger.rs: CYCLES_LEDGER_BLOCK_FEE). */
export const CYCLES_LEDGER_FEE = 100_000_000n;

/**
 * What every account holds before it spends anything: 1,000 T cycles. A development network has
 * no minting; this is enough for 500 deployments at icp-cli's default of 2 T cycles each.
 */
export const STARTING_BALANCE = 1_000_000_000_000_000n;

const Account = IDL.Record({ owner: IDL.Principal, subaccount: IDL.Opt(IDL.Vec(IDL.Nat8)) });
type Account = { owner: Principal; subaccount: [] | [Uint8Array] };

const SubnetSelection = IDL.Variant({
    Subnet: IDL.Record({ subnet: IDL.Principal }),
    Filter: IDL.Record({ subnet_type: IDL.Opt(IDL.Text) })
});

/** `CreateCanisterArgs` of the cycles ledger's Candid interface (dfinity/cycles-ledger, cycles-ledger.did). */
const CreateCanisterArgs = IDL.Record({
    from_subaccount: IDL.Opt(IDL.Vec(IDL.Nat8)),
    created_at_time: IDL.Opt(IDL.Nat64),
    amount: IDL.Nat,
    creation_args: IDL.Opt(IDL.Record({ subnet_selection: IDL.Opt(SubnetSelection), settings: IDL.Opt(CanisterSettings) }))
});
type CreateCanisterArgs = {
    from_subaccount: [] | [Uint8Array];
    created_at_time: [] | [bigint];
    amount: bigint;
    creation_args: [] | [{ subnet_selection: [] | [unknown]; settings: [] | [CanisterSettings] }];
};

const CreateCanisterError = IDL.Variant({
    GenericError: IDL.Record({ message: IDL.Text, error_code: IDL.Nat }),
    TemporarilyUnavailable: IDL.Null,
    Duplicate: IDL.Record({ duplicate_of: IDL.Nat, canister_id: IDL.Opt(IDL.Principal) }),
    CreatedInFuture: IDL.Record({ ledger_time: IDL.Nat64 }),
    FailedToCreate: IDL.Record({ error: IDL.Text, refund_block: IDL.Opt(IDL.Nat), fee_block: IDL.Opt(IDL.Nat) }),
    TooOld: IDL.Null,
    InsufficientFunds: IDL.Record({ balance: IDL.Nat })
});
const CreateCanisterResult = IDL.Variant({ Ok: IDL.Record({ block_id: IDL.Nat, canister_id: IDL.Principal }), Err: CreateCanisterError });

const QUERIES: Record<string, [IDL.Type[], (ledger: CyclesLedger, arg: unknown[]) => unknown]> = {
    icrc1_balance_of: [[Account], (ledger, [account]) => ledger.balance(account as Account)],
    icrc1_fee: [[], () => CYCLES_LEDGER_FEE],
    icrc1_decimals: [[], () => 12],
    icrc1_symbol: [[], () => 'TCYCLES'],
    icrc1_name: [[], () => 'Trillion Cycles']
};
const RESULT_TYPES: Record<string, IDL.Type> = {
    icrc1_balance_of: IDL.Nat,
    icrc1_fee: IDL.Nat,
    icrc1_decimals: IDL.Nat8,
    icrc1_symbol: IDL.Text,
    icrc1_name: IDL.Text
};

const accountKey = (a: Account) => `${a.owner.toText()}.${Buffer.from(a.subaccount[0] ?? new Uint8Array(32)).toString('hex')}`;

/**
 * A stand-in for the cycles ledger: what deploy tools use on a connected network. Every account
 * starts with STARTING_BALANCE; `create_canister` charges the amount plus the fee and creates the
 * canister on this subnet through the management canister, controlled by the caller unless the
 * settings name controllers (as the real ledger does). Transfers, deposits, withdrawals and the
 * deduplication of `created_at_time` are not offered.
 */
export class CyclesLedger implements BuiltinCanister {
    readonly id = CYCLES_LEDGER;
    private readonly spent = new Map<string, bigint>();
    private blocks = 0n;

    methodKind(method: string): 'update' | 'query' | undefined {
        if (method === 'create_canister') return 'update';
        return method in QUERIES ? 'query' : undefined;
    }

    balance(account: Account): bigint {
        return STARTING_BALANCE - (this.spent.get(accountKey(account)) ?? 0n);
    }

    query(_subnet: Subnet, _caller: Principal, method: string, arg: Uint8Array): Response {
        const entry = QUERIES[method];
        if (entry === undefined) return noMethod(this.id, method, 'query');
        const [types, run] = entry;
        const args = decodeOrReject<unknown[]>(types, arg, this.id);
        if (isResponse(args)) return args;
        return reply([RESULT_TYPES[method]], [run(this, args)]);
    }

    handle(subnet: Subnet, caller: Principal, method: string, arg: Uint8Array, cycles: bigint, respond: (r: Response, refund: bigint) => void): void {
        if (method !== 'create_canister') {
            return respond(this.methodKind(method) === 'query' ? this.query(subnet, caller, method, arg) : noMethod(this.id, method, 'update'), cycles);
        }
        const decoded = decodeOrReject<[CreateCanisterArgs]>([CreateCanisterArgs], arg, this.id);
        if (isResponse(decoded)) return respond(decoded, cycles);
        respond(this.createCanister(subnet, caller, decoded[0]), cycles);
    }

    private createCanister(subnet: Subnet, caller: Principal, args: CreateCanisterArgs): Response {
        const from: Account = { owner: caller, subaccount: args.from_subaccount };
        const balance = this.balance(from);
        const cost = args.amount + CYCLES_LEDGER_FEE;
        if (balance < cost) return reply([CreateCanisterResult], [{ Err: { InsufficientFunds: { balance } } }]);
        const create: ProvisionalCreateArgs = {
            amount: [args.amount],
            settings: args.creation_args[0]?.settings ?? [],
            specified_id: [],
            sender_canister_version: []
        };
        let created: Response | undefined;
        subnet.management?.handle(subnet, caller, 'provisional_create_canister_with_cycles', new Uint8Array(IDL.encode([ProvisionalCreateArgs], [create])), 0n, (r) => (created = r));
        if (created === undefined) return { reject: { code: RejectCode.SysTransient, message: 'the management canister did not answer' } };
        if ('reject' in created) {
            return reply([CreateCanisterResult], [{ Err: { FailedToCreate: { error: created.reject.message, refund_block: [], fee_block: [] } } }]);
        }
        const { canister_id } = IDL.decode([CanisterIdRecord], created.reply)[0] as unknown as CanisterIdRecord;
        this.spent.set(accountKey(from), (this.spent.get(accountKey(from)) ?? 0n) + cost);
        const block = this.blocks++;
        return reply([CreateCanisterResult], [{ Ok: { block_id: block, canister_id } }]);
    }
}
