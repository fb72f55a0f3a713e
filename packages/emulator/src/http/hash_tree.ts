/**
 * Labeled trees and their hash trees, as the interface spec defines them ("Certification":
 * "Encoding of certificates", "Lookup", the hash functions and domain separators), with the
 * witnesses the replica sends: the requested subtrees in full, everything else pruned to its hash.
 */
import { createHash } from 'node:crypto';

/** A hash tree in its CBOR shape: [0] Empty, [1, l, r] Fork, [2, label, t] Labeled, [3, value] Leaf, [4, hash] Pruned. */
export type HashTree = [0] | [1, HashTree, HashTree] | [2, Uint8Array, HashTree] | [3, Uint8Array] | [4, Uint8Array];

/** domain_sep(s) = byte length of s, then s (spec: "Hash of a tree"). */
function domain(name: string): Buffer {
    return Buffer.concat([Buffer.from([name.length]), Buffer.from(name)]);
}
const EMPTY_DOMAIN = domain('ic-hashtree-empty');
const FORK_DOMAIN = domain('ic-hashtree-fork');
const LABELED_DOMAIN = domain('ic-hashtree-labeled');
const LEAF_DOMAIN = domain('ic-hashtree-leaf');

/** SHA-256 from node:crypto: trees are rehashed every round, and it is several times faster here than a JS implementation. */
function sha256(...parts: Uint8Array[]): Uint8Array {
    const h = createHash('sha256');
    for (const p of parts) h.update(p);
    return new Uint8Array(h.digest());
}

const EMPTY_HASH = sha256(EMPTY_DOMAIN);

/** A node of a labeled tree: a leaf with a value, or a subtree whose children are labeled. */
export type LabeledTree = Leaf | SubTree;

export class Leaf {
    private cached: Uint8Array | undefined;
    constructor(readonly value: Uint8Array) {}
    get hash(): Uint8Array {
        return (this.cached ??= sha256(LEAF_DOMAIN, this.value));
    }
}

export type Label = Uint8Array | string;
const labelBytes = (l: Label): Uint8Array => (typeof l === 'string' ? new TextEncoder().encode(l) : l);

/** Compares labels as the spec orders them: bytewise, a prefix first. */
export function compareLabels(a: Uint8Array, b: Uint8Array): number {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
    return a.length - b.length;
}

/**
 * Children in strictly increasing label order, joined by a balanced shape of forks (any shape
 * gives a valid tree; this one keeps witnesses short). Hashes of fork ranges are computed once.
 */
export class SubTree {
    readonly labels: Uint8Array[];
    readonly children: LabeledTree[];
    private readonly rangeHashes = new Map<number, Uint8Array>();

    constructor(entries: Iterable<readonly [Label, LabeledTree]>) {
        const sorted = [...entries].map(([l, t]) => [labelBytes(l), t] as const).sort(([a], [b]) => compareLabels(a, b));
        for (let i = 1; i < sorted.length; i++) {
            if (compareLabels(sorted[i - 1][0], sorted[i][0]) === 0) throw new RangeError(`label ${Buffer.from(sorted[i][0]).toString('hex')} appears twice`);
        }
        this.labels = sorted.map(([l]) => l);
        this.children = sorted.map(([, t]) => t);
    }

    get hash(): Uint8Array {
        return this.labels.length === 0 ? EMPTY_HASH : this.rangeHash(0, this.labels.length);
    }

    /** Index of `label`, or -(insertion point) - 1 when absent. */
    find(label: Uint8Array): number {
        let lo = 0;
        let hi = this.labels.length - 1;
        while (lo <= hi) {
            const mid = (lo + hi) >> 1;
            const c = compareLabels(this.labels[mid], label);
            if (c === 0) return mid;
            if (c < 0) lo = mid + 1;
            else hi = mid - 1;
        }
        return -lo - 1;
    }

    child(label: Label): LabeledTree | undefined {
        const i = this.find(labelBytes(label));
        return i >= 0 ? this.children[i] : undefined;
    }

    labeledHash(i: number): Uint8Array {
        return sha256(LABELED_DOMAIN, this.labels[i], this.children[i].hash);
    }

    /** Hash of the forks over children lo..hi-1 (hi - lo >= 1). */
    rangeHash(lo: number, hi: number): Uint8Array {
        if (hi - lo === 1) return this.labeledHash(lo);
        const key = lo * 0x100000000 + hi;
        const cached = this.rangeHashes.get(key);
        if (cached !== undefined) return cached;
        const mid = splitPoint(lo, hi);
        const h = sha256(FORK_DOMAIN, this.rangeHash(lo, mid), this.rangeHash(mid, hi));
        this.rangeHashes.set(key, h);
        return h;
    }
}

const splitPoint = (lo: number, hi: number) => lo + Math.ceil((hi - lo) / 2);

export const leaf = (value: Uint8Array | string): Leaf => new Leaf(labelBytes(value));
export const subtree = (entries: Iterable<readonly [Label, LabeledTree]>): SubTree => new SubTree(entries);

/** The tree in full, as a hash tree. */
export function fullTree(t: LabeledTree): HashTree {
    if (t instanceof Leaf) return [3, t.value];
    const build = (lo: number, hi: number): HashTree => {
        if (hi - lo === 1) return [2, t.labels[lo], fullTree(t.children[lo])];
        const mid = splitPoint(lo, hi);
        return [1, build(lo, mid), build(mid, hi)];
    };
    return t.labels.length === 0 ? [0] : build(0, t.labels.length);
}

/**
 * A witness for `paths`: each requested path's subtree in full, and for a requested label that
 * does not exist, its two neighbouring labels (their subtrees pruned) so that the absence is
 * provable (clients such as ic-agent fail on a path that is merely pruned). Everything else is
 * pruned, and a fork whose two sides are pruned becomes one pruned node. The witness has the same
 * root hash as the tree.
 */
export function witness(t: LabeledTree, paths: readonly (readonly Uint8Array[])[]): HashTree {
    if (paths.some((p) => p.length === 0) || t instanceof Leaf) return fullTree(t);
    const wanted = new Map<number, Uint8Array[][]>();
    const neighbours = new Set<number>();
    for (const path of paths) {
        const i = t.find(path[0]);
        if (i >= 0) {
            const rests = wanted.get(i) ?? [];
            rests.push(path.slice(1));
            wanted.set(i, rests);
        } else {
            const at = -i - 1;
            if (at > 0) neighbours.add(at - 1);
            if (at < t.labels.length) neighbours.add(at);
        }
    }
    const marked = [...new Set([...wanted.keys(), ...neighbours])].sort((a, b) => a - b);
    if (t.labels.length === 0) return [0];
    const anyIn = (lo: number, hi: number) => {
        let a = 0;
        let b = marked.length;
        while (a < b) {
            const m = (a + b) >> 1;
            if (marked[m] < lo) a = m + 1;
            else b = m;
        }
        return a < marked.length && marked[a] < hi;
    };
    const build = (lo: number, hi: number): HashTree => {
        if (!anyIn(lo, hi)) return [4, t.rangeHash(lo, hi)];
        if (hi - lo === 1) {
            const rests = wanted.get(lo);
            return [2, t.labels[lo], rests === undefined ? [4, t.children[lo].hash] : witness(t.children[lo], rests)];
        }
        const mid = splitPoint(lo, hi);
        return [1, build(lo, mid), build(mid, hi)];
    };
    return build(0, t.labels.length);
}

/** The root hash of a hash tree (spec: reconstruct). */
export function reconstruct(t: HashTree): Uint8Array {
    switch (t[0]) {
        case 0:
            return EMPTY_HASH;
        case 1:
            return sha256(FORK_DOMAIN, reconstruct(t[1]), reconstruct(t[2]));
        case 2:
            return sha256(LABELED_DOMAIN, t[1], reconstruct(t[2]));
        case 3:
            return sha256(LEAF_DOMAIN, t[1]);
        case 4:
            return t[1];
    }
}
