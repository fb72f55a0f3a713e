/**
 * Certified states and the certificates cut from them (spec, "Certification"): the network signs
 * the root hash of its state tree once, and every certificate it hands out until the next
 * certification is a witness of that one tree with the same signature. The replica certifies
 * once per block the same way; clients that remember verified signatures (agent-js takes a
 * `blsVerify`) pay for one verification per certification, not per response.
 */
import { encodeCbor } from './cbor.js';
import { HashTree, LabeledTree, witness } from './hash_tree.js';
import { NetworkKeys } from './keys.js';

const TIME_PATH = [new TextEncoder().encode('time')];

export class Certification {
    constructor(
        readonly tree: LabeledTree,
        /** Network time of the certified state, ns. */
        readonly timeNs: bigint,
        readonly signature: Uint8Array,
        /** Wall-clock ms when it was signed. */
        readonly signedAt: number
    ) {}

    /**
     * A certificate for `paths` (the replica always adds /time): CBOR `{ tree, signature }` behind
     * the self-describe tag, no delegation (this subnet is the root).
     */
    certificate(paths: readonly (readonly Uint8Array[])[]): Uint8Array {
        const tree: HashTree = witness(this.tree, [...paths, TIME_PATH]);
        return encodeCbor({ tree, signature: this.signature });
    }
}

/** Signs state trees with the network's key. */
export function certify(keys: NetworkKeys, tree: LabeledTree, timeNs: bigint): Certification {
    return new Certification(tree, timeNs, keys.signStateRoot(tree.hash), Date.now());
}
