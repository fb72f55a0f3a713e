/**
 * Deterministic instruction metering, injected into a module at install as the replica does
 * (dfinity/ic, rs/embedders/src/wasm_utils/instrumentation.rs): an i64 counter global that the
 * host sets to the message's limit; at the start of every basic block, code that subtracts the
 * block's cost; at the start of every function and loop body, a check that traps once the counter
 * is negative; before bulk memory and table operations, a helper that subtracts their size.
 *
 * Where the replica calls its `out_of_instructions` import, this pass sets a second global and
 * executes `unreachable`: adding an import would renumber every function. The host tells the two
 * kinds of trap apart by that global.
 *
 * Written against the binary directly rather than with a wasm toolkit: one scan over the code
 * section, copying instruction bytes as they are, costs a fraction of decoding and re-encoding a
 * 3.5 MB module, and keeps everything but the code section byte for byte.
 */
import { Reader, sections, SectionId, skipConstExpr, skipLimits, WasmFormatError, writeU32 } from './binary';
import { decode, Flow, Instruction } from './opcodes';

export interface Metered {
    readonly wasm: Uint8Array;
    /** Index of the i64 instruction counter global. */
    readonly counterGlobal: number;
    /** Index of the i32 global set to 1 when the counter ran out. */
    readonly outOfInstructionsGlobal: number;
}

const SECTION_ORDER: Record<number, number> = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 13: 6, 6: 7, 7: 8, 8: 9, 9: 10, 12: 11, 10: 12, 11: 13 };
const CODE = 10;

/** A byte buffer that grows as it is written. */
class Out {
    bytes = new Uint8Array(1024);
    length = 0;

    private reserve(n: number): void {
        if (this.length + n <= this.bytes.length) return;
        let size = this.bytes.length * 2;
        while (size < this.length + n) size *= 2;
        const grown = new Uint8Array(size);
        grown.set(this.bytes.subarray(0, this.length));
        this.bytes = grown;
    }

    push(...values: number[]): void {
        this.reserve(values.length);
        for (const v of values) this.bytes[this.length++] = v;
    }

    append(data: Uint8Array): void {
        this.reserve(data.length);
        this.bytes.set(data, this.length);
        this.length += data.length;
    }

    take(): Uint8Array {
        return this.bytes.subarray(0, this.length);
    }
}

/** Signed LEB128 of a non-negative number (an i64.const immediate). */
function writeSigned(value: number): number[] {
    const out: number[] = [];
    for (;;) {
        const b = value & 0x7f;
        value = Math.floor(value / 128);
        if (value === 0 && (b & 0x40) === 0) {
            out.push(b);
            return out;
        }
        out.push(b | 0x80);
    }
}

interface Shape {
    types: number;
    importedFunctions: number;
    definedFunctions: number;
    importedGlobals: number;
    definedGlobals: number;
}

function refuseMemoryFlags(flags: number): void {
    if (flags & 0x04) throw new WasmFormatError('64-bit memories are not supported');
    if (flags & 0x02) throw new WasmFormatError('shared memories are not supported (the IC has no threads)');
}

function shape(bytes: Uint8Array): Shape {
    const s: Shape = { types: 0, importedFunctions: 0, definedFunctions: 0, importedGlobals: 0, definedGlobals: 0 };
    for (const section of sections(bytes)) {
        const r = new Reader(bytes, section.start, section.end);
        if (section.id === SectionId.Type) {
            s.types = r.u32();
            for (let i = 0; i < s.types; i++) {
                if (r.byte() !== 0x60) throw new WasmFormatError('only function types are supported (no GC types)');
                r.skip(r.u32());
                r.skip(r.u32());
            }
        } else if (section.id === SectionId.Import) {
            for (let n = r.u32(); n > 0; n--) {
                r.name();
                r.name();
                const kind = r.byte();
                if (kind === 0x00) {
                    r.u32();
                    s.importedFunctions++;
                } else if (kind === 0x01) {
                    r.byte();
                    skipLimits(r);
                } else if (kind === 0x02) {
                    refuseMemoryFlags(r.bytes[r.pos]);
                    skipLimits(r);
                } else if (kind === 0x03) {
                    r.skip(2);
                    s.importedGlobals++;
                } else throw new WasmFormatError(`unknown import kind ${kind}`);
            }
        } else if (section.id === SectionId.Function) {
            s.definedFunctions = r.u32();
        } else if (section.id === SectionId.Memory) {
            for (let n = r.u32(); n > 0; n--) {
                refuseMemoryFlags(r.bytes[r.pos]);
                skipLimits(r);
            }
        } else if (section.id === SectionId.Global) {
            s.definedGlobals = r.u32();
            for (let i = 0; i < s.definedGlobals; i++) {
                r.skip(2);
                skipConstExpr(r);
            }
        }
    }
    return s;
}

/** Where metering code goes in one function body, and what it charges. */
interface Point {
    /** Offset in the module where the code is inserted (before the instruction there). */
    readonly at: number;
    /** Static cost of the block that starts here, or -1 for a dynamic-cost call. */
    readonly cost: number;
    readonly check: boolean;
}

/** Computes the injection points of the body whose instructions span [start, end). */
function injectionPoints(bytes: Uint8Array, start: number, end: number, instruction: Instruction): Point[] {
    const points: Point[] = [];
    // The function itself is re-entrant; even an empty function costs 1 (as in the replica).
    let at = start;
    let cost = 1;
    let check = true;
    const r = new Reader(bytes, start, end);
    while (r.pos < end) {
        const position = r.pos;
        decode(r, instruction);
        cost += instruction.cost;
        switch (instruction.flow) {
            case Flow.None:
                break;
            case Flow.Dynamic:
                points.push({ at: position, cost: -1, check: true });
                break;
            default:
                if (check || cost > 0) points.push({ at, cost, check });
                at = instruction.end;
                cost = 0;
                check = instruction.flow === Flow.Loop;
        }
    }
    if (check || cost > 0) points.push({ at, cost, check });
    // Dynamic points were pushed as met, block points when their block ended: order by offset,
    // keeping a block's charge before a dynamic call at the same offset.
    return points.sort((a, b) => a.at - b.at || b.cost - a.cost);
}

/**
 * Meters a module. Returns the new module and the indices of the two globals it adds, which the
 * caller exports for the host.
 */
export function meter(bytes: Uint8Array): Metered {
    const s = shape(bytes);
    const counter = s.importedGlobals + s.definedGlobals;
    const flag = counter + 1;
    const chargeFunction = s.importedFunctions + s.definedFunctions;
    const chargeType = s.types;

    const counterGet = [0x23, ...writeU32(counter)];
    const counterSet = [0x24, ...writeU32(counter)];
    // if (counter < 0) { flag = 1; unreachable }
    const check = [...counterGet, 0x42, 0x00, 0x53, 0x04, 0x40, 0x41, 0x01, 0x24, ...writeU32(flag), 0x00, 0x0b];
    const callCharge = [0x10, ...writeU32(chargeFunction)];

    const all = sections(bytes);
    const replaced = new Map<number, Uint8Array>();
    const read = (id: number): Reader | undefined => {
        const section = all.find((x) => x.id === id);
        return section === undefined ? undefined : new Reader(bytes, section.start, section.end);
    };
    const appendEntry = (id: number, entry: number[]): void => {
        const r = read(id);
        const out = new Out();
        if (r === undefined) {
            out.push(...writeU32(1), ...entry);
        } else {
            const count = r.u32();
            out.push(...writeU32(count + 1));
            out.append(bytes.subarray(r.pos, r.end));
            out.push(...entry);
        }
        replaced.set(id, out.take());
    };

    // (type (func (param i32) (result i32))) for the dynamic-cost helper.
    appendEntry(SectionId.Type, [0x60, 0x01, 0x7f, 0x01, 0x7f]);
    appendEntry(SectionId.Function, writeU32(chargeType));
    // (global (mut i64) (i64.const 0)) (global (mut i32) (i32.const 0))
    const globals = read(SectionId.Global);
    const globalsOut = new Out();
    globalsOut.push(...writeU32((globals === undefined ? 0 : globals.u32()) + 2));
    if (globals !== undefined) globalsOut.append(bytes.subarray(globals.pos, globals.end));
    globalsOut.push(0x7e, 0x01, 0x42, 0x00, 0x0b, 0x7f, 0x01, 0x41, 0x00, 0x0b);
    replaced.set(SectionId.Global, globalsOut.take());

    // The helper: subtracts its argument (a size) from the counter, checks, and returns it.
    const helperCode = [0x00, ...counterGet, 0x20, 0x00, 0xad, 0x7d, ...counterSet, ...check, 0x20, 0x00, 0x0b];
    const helper = [...writeU32(helperCode.length), ...helperCode];

    const code = new Out();
    const codeReader = read(CODE);
    const instruction = new Instruction();
    const bodies = codeReader === undefined ? 0 : codeReader.u32();
    if (bodies !== s.definedFunctions) throw new WasmFormatError('function and code sections disagree');
    code.push(...writeU32(bodies + 1));
    const body = new Out();
    for (let i = 0; i < bodies && codeReader !== undefined; i++) {
        const size = codeReader.u32();
        const bodyEnd = codeReader.pos + size;
        const localsStart = codeReader.pos;
        const r = new Reader(bytes, codeReader.pos, bodyEnd);
        for (let n = r.u32(); n > 0; n--) {
            r.u32();
            r.byte();
        }
        body.length = 0;
        body.append(bytes.subarray(localsStart, r.pos));
        let copied = r.pos;
        for (const point of injectionPoints(bytes, r.pos, bodyEnd, instruction)) {
            body.append(bytes.subarray(copied, point.at));
            copied = point.at;
            if (point.cost < 0) {
                body.push(...callCharge);
                continue;
            }
            body.push(...counterGet, 0x42, ...writeSigned(point.cost), 0x7d, ...counterSet);
            if (point.check) body.push(...check);
        }
        body.append(bytes.subarray(copied, bodyEnd));
        code.push(...writeU32(body.length));
        code.append(body.take());
        codeReader.pos = bodyEnd;
    }
    code.push(...helper);
    replaced.set(CODE, code.take());

    return { wasm: rebuild(bytes, all, replaced), counterGlobal: counter, outOfInstructionsGlobal: flag };
}

/** The module with some sections' contents replaced, and missing ones inserted in their place. */
function rebuild(bytes: Uint8Array, all: ReturnType<typeof sections>, replaced: Map<number, Uint8Array>): Uint8Array {
    const out = new Out();
    out.append(bytes.subarray(0, 8));
    const pending = new Map(replaced);
    const emit = (id: number, content: Uint8Array): void => {
        out.push(id, ...writeU32(content.length));
        out.append(content);
    };
    const flushBefore = (rank: number): void => {
        for (const [id, content] of [...pending].sort((a, b) => SECTION_ORDER[a[0]] - SECTION_ORDER[b[0]])) {
            if (SECTION_ORDER[id] < rank) {
                emit(id, content);
                pending.delete(id);
            }
        }
    };
    for (const section of all) {
        if (section.id !== SectionId.Custom) flushBefore(SECTION_ORDER[section.id] ?? 0);
        const content = pending.get(section.id);
        if (content !== undefined && section.id !== SectionId.Custom) {
            emit(section.id, content);
            pending.delete(section.id);
        } else {
            out.append(bytes.subarray(section.headerStart, section.end));
        }
    }
    flushBefore(Infinity);
    return out.take();
}
