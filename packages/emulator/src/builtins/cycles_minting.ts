import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';

import { Response } from '../subnet/messages.js';
import { Subnet } from '../subnet/subnet.js';
import { BuiltinCanister, noMethod, reply } from './builtin.js';

/** The cycles-minting canister's id on every IC network (dfinity/ic, rs/nns/constants: CYCLES_MINTING_CANISTER_ID, index 4). */
export const CYCLES_MINTING_CANISTER = Principal.fromText('rkp4c-7iaaa-aaaaa-aaaca-cai');

/** `record { data : vec record { text; vec principal } }` (the CMC's get_subnet_types_to_subnets). */
const SubnetTypesToSubnets = IDL.Record({ data: IDL.Vec(IDL.Tuple(IDL.Text, IDL.Vec(IDL.Principal))) });

/**
 * A stand-in for the cycles-minting canister: the queries deploy tools make to choose a subnet.
 * `get_default_subnets` names this subnet, the only one (icp-cli asks it before creating a
 * canister through the cycles ledger and fails on an empty list: "no available subnets found");
 * no subnet has a special type. Minting (notify_*) is not offered.
 */
export class CyclesMinting implements BuiltinCanister {
    readonly id = CYCLES_MINTING_CANISTER;

    methodKind(method: string): 'update' | 'query' | undefined {
        return method === 'get_default_subnets' || method === 'get_subnet_types_to_subnets' ? 'query' : undefined;
    }

    query(subnet: Subnet, _caller: Principal, method: string): Response {
        if (method === 'get_default_subnets') return reply([IDL.Vec(IDL.Principal)], [[subnet.subnetId]]);
        if (method === 'get_subnet_types_to_subnets') return reply([SubnetTypesToSubnets], [{ data: [] }]);
        return noMethod(this.id, method, 'query');
    }

    handle(subnet: Subnet, caller: Principal, method: string, _arg: Uint8Array, cycles: bigint, respond: (r: Response, refund: bigint) => void): void {
        // Its queries may also be called as updates (replicated), as any canister's.
        if (this.methodKind(method) === 'query') return respond(this.query(subnet, caller, method), cycles);
        respond(noMethod(this.id, method, 'update'), cycles);
    }
}
