/**
 * A guard for Candid from parties you do not trust. A vector of zero-sized elements (`vec null`,
 * `vec reserved`, `vec record {}`, ...) carries its length in a few bytes and no data, yet a
 * decoder steps through every element: 17 bytes can ask for 2^32 steps, which end only at the
 * instruction limit, paid by the canister that decodes. Real interfaces have no use for such
 * vectors, so the guard refuses them before anything is decoded. It reads the type table only.
 */

import { lebDecode, PipeArrayBuffer, slebDecode } from 'azle';

const MAGIC = [0x44, 0x49, 0x44, 0x4c]; // "DIDL"

// Candid type opcodes (the Candid specification, "Binary format").
const NULL = -1;
const RESERVED = -16;
const EMPTY = -17;
const OPT = -18;
const VEC = -19;
const RECORD = -20;
const VARIANT = -21;
const FUNC = -22;
const SERVICE = -23;

type Entry = { kind: 'opt' | 'vec'; inner: number } | { kind: 'record' | 'variant'; fields: number[] } | { kind: 'other' };

/** The type table's cursor, on the Candid library's own LEB128 and pipe (both throw on truncation). */
class Reader {
    private readonly pipe: PipeArrayBuffer;
    constructor(bytes: Uint8Array) {
        this.pipe = new PipeArrayBuffer(bytes);
    }

    leb(): number {
        return Number(lebDecode(this.pipe));
    }

    sleb(): number {
        return Number(slebDecode(this.pipe));
    }

    skip(n: number): void {
        if (n > this.pipe.byteLength) throw new Error('truncated type table');
        this.pipe.read(n);
    }
}

function readTable(r: Reader): Entry[] {
    const count = r.leb();
    const table: Entry[] = [];
    for (let i = 0; i < count; i++) {
        const op = r.sleb();
        if (op === OPT || op === VEC) table.push({ kind: op === OPT ? 'opt' : 'vec', inner: r.sleb() });
        else if (op === RECORD || op === VARIANT) {
            const fields: number[] = [];
            for (let n = r.leb(); n > 0; n--) {
                r.leb(); // field id
                fields.push(r.sleb());
            }
            table.push({ kind: op === RECORD ? 'record' : 'variant', fields });
        } else if (op === FUNC) {
            for (let n = r.leb(); n > 0; n--) r.sleb();
            for (let n = r.leb(); n > 0; n--) r.sleb();
            r.skip(r.leb());
            table.push({ kind: 'other' });
        } else if (op === SERVICE) {
            for (let n = r.leb(); n > 0; n--) {
                r.skip(r.leb());
                r.sleb();
            }
            table.push({ kind: 'other' });
        } else {
            throw new Error(`unknown type opcode ${op} in the type table`);
        }
    }
    return table;
}

/**
 * Why `bytes` must not be decoded, or undefined: not Candid at all is left to the decoder; a
 * vector of zero-sized elements is refused.
 */
export function unsafeCandid(bytes: Uint8Array): string | undefined {
    if (bytes.length < 4 || !MAGIC.every((b, i) => bytes[i] === b)) return undefined;
    let table: Entry[];
    try {
        const r = new Reader(bytes);
        r.skip(4);
        table = readTable(r);
    } catch {
        return undefined; // malformed: the decoder will say so
    }
    // Zero-sized: null, reserved, and records all of whose fields are zero-sized (to a fixed point;
    // a type on a cycle is taken as sized, since no finite value of it could be zero-sized and
    // valid). Opt, variant and every primitive but null and reserved carry bytes.
    const zero = new Map<number, boolean>();
    const isZero = (ref: number, seen: Set<number>): boolean => {
        if (ref < 0) return ref === NULL || ref === RESERVED || ref === EMPTY;
        const known = zero.get(ref);
        if (known !== undefined) return known;
        if (seen.has(ref)) return false;
        seen.add(ref);
        const entry = table[ref];
        const result = entry !== undefined && entry.kind === 'record' && entry.fields.every((f) => isZero(f, seen));
        zero.set(ref, result);
        return result;
    };
    for (const entry of table) {
        if (entry.kind === 'vec' && isZero(entry.inner, new Set())) {
            return 'it declares a vector of zero-sized elements (vec null, vec reserved or vec of an empty record), whose decoding costs as much as its length, not its bytes';
        }
    }
    return undefined;
}
