/**
 * The certified state tree the network serves (spec, "The system state tree"): /time,
 * /request_status, /canister/<id>/{certified_data, controllers, module_hash, metadata/<name>},
 * /subnet/<id>/{canister_ranges, node/<id>/public_key, public_key, type} and
 * /canister_ranges/<subnet id>/<shard>. Values: natural numbers as unsigned LEB128, text as UTF-8,
 * blobs as they are; controllers and ranges as self-described CBOR.
 */
import { lebEncode } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';

import { Canister } from '../subnet/canister.js';
import { Subnet } from '../subnet/subnet.js';
import { encodeCbor } from './cbor.js';
import { IngressHistory } from './ingress_history.js';
import { Leaf, leaf, LabeledTree, SubTree, subtree } from './hash_tree.js';
import { NetworkKeys } from './keys.js';

/**
 * The one canister range of this subnet: every canister id there is (opaque ids, class 0x01),
 * so that the emulator's canisters, the system canisters it stands in for (rkp4c-..., um5iw-...)
 * and the ICP ledger id agents read the time through (ryjl3-...) are all in range.
 */
export const CANISTER_RANGES: readonly (readonly [Principal, Principal])[] = [
    [Principal.fromHex('00000000000000000101'), Principal.fromHex('ffffffffffffffff0101')]
];

/**
 * The subnet's type at /subnet/<id>/type. "application": the emulator's limits are an
 * application subnet's (2 MiB ingress messages), and icp-cli creates canisters through the
 * cycles ledger on any subnet that is not a cloud engine.
 */
export const SUBNET_TYPE = 'application';

/** Leaves of large blobs (module metadata) keep their hash between certifications. */
const leaves = new WeakMap<Uint8Array, Leaf>();
function cachedLeaf(value: Uint8Array): Leaf {
    let l = leaves.get(value);
    if (l === undefined) leaves.set(value, (l = leaf(value)));
    return l;
}

export function isInRanges(id: Principal): boolean {
    return CANISTER_RANGES.some(([lo, hi]) => id.compareTo(lo) !== 'lt' && id.compareTo(hi) !== 'gt');
}

function canisterTree(canister: Canister): SubTree {
    const entries: [string, LabeledTree][] = [
        ['certified_data', leaf(canister.certifiedData)],
        ['controllers', leaf(encodeCbor(canister.controllers.map((c) => c.toUint8Array())))]
    ];
    if (canister.moduleHash !== undefined) entries.push(['module_hash', leaf(canister.moduleHash)]);
    const metadata = canister.installed?.metadata;
    if (metadata !== undefined && metadata.size > 0) {
        entries.push(['metadata', subtree([...metadata].map(([name, m]) => [name, cachedLeaf(m.content)] as const))]);
    }
    return subtree(entries);
}

/** The parts of the tree that never change: the subnet's keys, ranges and type. */
export function staticTrees(keys: NetworkKeys): { subnet: SubTree; canisterRanges: SubTree } {
    const ranges = encodeCbor(CANISTER_RANGES.map(([lo, hi]) => [lo.toUint8Array(), hi.toUint8Array()]));
    const sid = keys.subnetId.toUint8Array();
    const subnet = subtree([
        [
            sid,
            subtree([
                ['canister_ranges', leaf(ranges)],
                ['node', subtree([[keys.nodeId.toUint8Array(), subtree([['public_key', leaf(keys.nodeKeyDer)]])]])],
                ['public_key', leaf(keys.rootKeyDer)],
                ['type', leaf(SUBNET_TYPE)]
            ])
        ]
    ]);
    // One shard, labelled with the start of its first range (spec: /canister_ranges/<subnet_id>/<shard>).
    const canisterRanges = subtree([[sid, subtree([[CANISTER_RANGES[0][0].toUint8Array(), leaf(ranges)]])]]);
    return { subnet, canisterRanges };
}

/** The whole state tree at network time `timeNs`. */
export function stateTree(subnet: Subnet, history: IngressHistory, fixed: { subnet: SubTree; canisterRanges: SubTree }, timeNs: bigint): SubTree {
    return subtree([
        ['canister', subtree([...subnet.canisters.values()].map((c) => [c.id.toUint8Array(), canisterTree(c)] as const))],
        ['canister_ranges', fixed.canisterRanges],
        ['request_status', history.tree()],
        ['subnet', fixed.subnet],
        ['time', leaf(lebEncode(timeNs))]
    ]);
}
