/**
 * Code the host needs, injected into a module at install, as the replica instruments modules
 * (dfinity/ic, rs/embedders/src/wasm_utils/instrumentation.rs):
 *
 * - Instruction metering: an i64 counter global that the host sets to the message's limit; at
 *   the start of every basic block, code that subtracts the block's cost; at the start of every
 *   function and loop body, a check that traps once the counter is negative; before bulk memory
 *   and table operations, a helper that subtracts their size. Where the replica calls its
 *   `out_of_instructions` import, this pass sets a second global and executes `unreachable`:
 *   adding an import would renumber every function. The host tells the two kinds of trap apart
 *   by that global.
 * - A write barrier (the replica's `inject_mem_barrier`): before every store, and before
 *   memory.fill, memory.copy and memory.init, the 1 KiB pages written are marked in a byte map,
 *   so that committing or rolling back a message copies those pages and not the heap. The
 *   replica keeps its map in a second memory; Node has no multi-memory, so the map lives in the
 *   first RESERVED_BYTES of the module's own memory and the canister's heap starts after it:
 *   every load and store offset, data segment and bulk operation address moves up by that much,
 *   and memory.size and memory.grow answer in the canister's pages. Bounds stay exact (an
 *   address past the canister's heap is past the memory), and no canister address reaches the map.
 *
 * Written against the binary directly rather than with a wasm toolkit: one scan over the code
 * section, copying what it does not change byte for byte, costs a fraction of decoding and
 * re-encoding a 3.5 MB module.
 */
import { Reader, sections, SectionId, skipConstExpr, skipLimits, WasmFormatError, writeU32 } from './binary.js';
import { decode, Flow, Instruction, ValType } from './opcodes.js';

export interface InjectOptions {
    readonly metering: boolean;
    readonly dirtyPages: boolean;
}

export interface Injected {
    readonly wasm: Uint8Array;
    /** Metering: the i64 instruction counter global and the i32 global set to 1 when it ran out. */
    readonly metering: { readonly counterGlobal: number; readonly outOfInstructionsGlobal: number } | undefined;
    /** Whether the write barrier is in (a module without memory needs none). */
    readonly dirtyPages: boolean;
    /**
     * An i32 global that code sets to 1 before it changes a table or drops a segment (see
     * Instruction.changesInstance), and whether any instruction does.
     */
    readonly instanceChanged: { readonly global: number; readonly used: boolean };
}

/**
 * The barrier tracks 1 KiB pages. The replica tracks 4 KiB OS pages, whose writes it gets from
 * the OS; here every written page is copied, and a QuickJS message writes a few bytes in each of
 * dozens of places: 1 KiB pages copy a fifth less than 4 KiB ones per Azle message (measured),
 * and 64 KiB wasm pages would copy ten times more.
 */
export const PAGE_SHIFT = 10;
/** Pages a 32-bit memory can have: one byte each in the map. */
const MAX_PAGES = 2 ** (32 - PAGE_SHIFT);
/** The wasm pages the map takes at the start of memory, and its size in bytes. */
export const RESERVED_WASM_PAGES = MAX_PAGES / 65_536;
export const RESERVED_BYTES = MAX_PAGES;
const MAX_U32 = 2 ** 32 - 1;

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
    /** Parameter count of each type. */
    params: number[];
    /** Type index of each defined function. */
    functionTypes: number[];
    importedFunctions: number;
    definedFunctions: number;
    importedGlobals: number;
    definedGlobals: number;
    tables: number;
    memories: number;
}

function refuseMemoryFlags(flags: number): void {
    if (flags & 0x04) throw new WasmFormatError('64-bit memories are not supported');
    if (flags & 0x02) throw new WasmFormatError('shared memories are not supported (the IC has no threads)');
}

function shape(bytes: Uint8Array): Shape {
    const s: Shape = { types: 0, params: [], functionTypes: [], importedFunctions: 0, definedFunctions: 0, importedGlobals: 0, definedGlobals: 0, tables: 0, memories: 0 };
    for (const section of sections(bytes)) {
        const r = new Reader(bytes, section.start, section.end);
        if (section.id === SectionId.Type) {
            s.types = r.u32();
            for (let i = 0; i < s.types; i++) {
                if (r.byte() !== 0x60) throw new WasmFormatError('only function types are supported (no GC types)');
                const params = r.u32();
                s.params.push(params);
                r.skip(params);
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
                    s.tables++;
                } else if (kind === 0x02) {
                    throw new WasmFormatError('the module imports its memory (a canister defines its own)');
                } else if (kind === 0x03) {
                    r.skip(2);
                    s.importedGlobals++;
                } else throw new WasmFormatError(`unknown import kind ${kind}`);
            }
        } else if (section.id === SectionId.Function) {
            s.definedFunctions = r.u32();
            for (let i = 0; i < s.definedFunctions; i++) s.functionTypes.push(r.u32());
        } else if (section.id === SectionId.Table) {
            s.tables += r.u32();
        } else if (section.id === SectionId.Memory) {
            for (let n = r.u32(); n > 0; n--) {
                refuseMemoryFlags(r.bytes[r.pos]);
                skipLimits(r);
                s.memories++;
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

/** What goes at an offset of a function body, in this order when several share it. */
const enum Kind {
    /** Metering: the cost of the block that starts here (and a check, at a re-entrant one). */
    Charge,
    /** Metering: a bulk operation's size. */
    DynamicCharge,
    /** Before an instruction that changes a table or drops a segment: instance_changed = 1. */
    InstanceChange,
    /** The write barrier before a store. */
    Store,
    /** The write barrier before memory.fill, memory.copy or memory.init, and their addresses moved. */
    BulkWrite,
    /** memory.size or memory.grow, replaced by code that answers in the canister's pages. */
    MemoryOp,
    /** A load or store's offset, moved past the map (replaces the bytes [at, end)). */
    Offset
}

interface Point {
    /** Offset in the module where the code goes (before the instruction there, or over [at, end)). */
    readonly at: number;
    readonly kind: Kind;
    /** Charge: the block's cost; Store and Offset: the static offset; MemoryOp: the opcode; BulkWrite: 1 for memory.copy. */
    readonly value: number;
    /** Charge: whether the block is re-entrant; Store: the value type written; Offset and MemoryOp: where the replaced bytes end. */
    readonly detail: number;
    /** Store: the bytes it writes. */
    readonly size?: number;
}

/**
 * Scans the body whose instructions span [start, end): where code goes, and whether it needs the
 * barrier's locals. Blocks are cut as the replica's `injections` cuts them.
 */
function injectionPoints(
    bytes: Uint8Array,
    start: number,
    end: number,
    instruction: Instruction,
    options: InjectOptions
): { points: Point[]; locals: boolean; v128: boolean; changesInstance: boolean } {
    const points: Point[] = [];
    let locals = false;
    let v128 = false;
    let changesInstance = false;
    // The function itself is re-entrant; even an empty function costs 1 (as in the replica).
    let at = start;
    let cost = 1;
    let check = true;
    const r = new Reader(bytes, start, end);
    while (r.pos < end) {
        const position = r.pos;
        decode(r, instruction);
        if (instruction.changesInstance) {
            changesInstance = true;
            points.push({ at: position, kind: Kind.InstanceChange, value: 0, detail: 0 });
        }
        if (options.dirtyPages) {
            if (instruction.storeType !== 0) {
                points.push({ at: position, kind: Kind.Store, value: instruction.storeOffset, detail: instruction.storeType, size: instruction.storeSize });
                locals = true;
                if (instruction.storeType === ValType.V128) v128 = true;
            }
            if (instruction.bulkWrite) {
                points.push({ at: position, kind: Kind.BulkWrite, value: instruction.bulkCopy ? 1 : 0, detail: 0 });
                locals = true;
            }
            if (instruction.memargStart >= 0) {
                const offset = new Reader(bytes, instruction.memargStart, instruction.memargEnd).u32();
                points.push({ at: instruction.memargStart, kind: Kind.Offset, value: offset, detail: instruction.memargEnd });
            }
            if (instruction.memoryOp !== 0) {
                points.push({ at: position, kind: Kind.MemoryOp, value: instruction.memoryOp, detail: instruction.end });
                locals = true;
            }
        }
        if (!options.metering) continue;
        cost += instruction.cost;
        switch (instruction.flow) {
            case Flow.None:
                break;
            case Flow.Dynamic:
                points.push({ at: position, kind: Kind.DynamicCharge, value: 0, detail: 0 });
                break;
            default:
                if (check || cost > 0) points.push({ at, kind: Kind.Charge, value: cost, detail: check ? 1 : 0 });
                at = instruction.end;
                cost = 0;
                check = instruction.flow === Flow.Loop;
        }
    }
    if (options.metering && (check || cost > 0)) points.push({ at, kind: Kind.Charge, value: cost, detail: check ? 1 : 0 });
    // Points were pushed as met (blocks when they ended): order by offset, then by kind.
    points.sort((a, b) => a.at - b.at || a.kind - b.kind);
    return { points, locals, v128, changesInstance };
}

/** Appends one entry to the vector that section `id` holds (creating the section if needed). */
function withEntry(bytes: Uint8Array, all: ReturnType<typeof sections>, replaced: Map<number, Uint8Array>, id: number, entries: number[][]): void {
    const existing = replaced.get(id);
    const source = existing ?? (() => {
        const section = all.find((x) => x.id === id);
        return section === undefined ? undefined : bytes.subarray(section.start, section.end);
    })();
    const out = new Out();
    if (source === undefined) {
        out.push(...writeU32(entries.length));
    } else {
        const r = new Reader(source);
        out.push(...writeU32(r.u32() + entries.length));
        out.append(source.subarray(r.pos));
    }
    for (const entry of entries) out.push(...entry);
    replaced.set(id, out.take());
}

/**
 * Injects metering and the write barrier (as `options` say) into a module. Returns the new module
 * and the indices of what it added, which the caller exports for the host.
 */
export function inject(bytes: Uint8Array, options: InjectOptions): Injected {
    const s = shape(bytes);
    const all = sections(bytes);
    const replaced = new Map<number, Uint8Array>();

    // New globals, functions and the table go after the module's own: no index moves.
    let nextGlobal = s.importedGlobals + s.definedGlobals;
    const newGlobals: number[][] = [];
    const metering = options.metering ? { counterGlobal: nextGlobal++, outOfInstructionsGlobal: nextGlobal++ } : undefined;
    if (metering !== undefined) {
        // (global (mut i64) (i64.const 0)) (global (mut i32) (i32.const 0))
        newGlobals.push([0x7e, 0x01, 0x42, 0x00, 0x0b], [0x7f, 0x01, 0x41, 0x00, 0x0b]);
    }
    // (global (mut i32) (i32.const 0)), set before any change to a table or the segments (unused
    // in a module without such instructions).
    const instanceChanged = nextGlobal++;
    newGlobals.push([0x7f, 0x01, 0x41, 0x00, 0x0b]);
    // The barrier needs a memory to guard; a module without one writes nothing.
    const dirtyPages = options.dirtyPages && s.memories > 0;
    const effective: InjectOptions = { metering: options.metering, dirtyPages };
    if (dirtyPages) {
        replaced.set(SectionId.Memory, reserveMemory(bytes, all));
        const data = all.find((x) => x.id === SectionId.Data);
        if (data !== undefined) replaced.set(SectionId.Data, moveDataSegments(bytes, data.start, data.end));
    }
    if (newGlobals.length > 0) withEntry(bytes, all, replaced, SectionId.Global, newGlobals);

    // Helpers, appended as functions: metering's charge of a size, the barrier's mark of a range.
    const helperTypes: number[][] = [];
    const helperFunctions: number[][] = [];
    const helperBodies: number[][] = [];
    let nextFunction = s.importedFunctions + s.definedFunctions;
    const body = (code: number[], locals: number[] = [0x00]) => [...writeU32(locals.length + code.length), ...locals, ...code];
    let chargeCall: number[] = [];
    let check: number[] = [];
    let counterGet: number[] = [];
    let counterSet: number[] = [];
    if (metering !== undefined) {
        counterGet = [0x23, ...writeU32(metering.counterGlobal)];
        counterSet = [0x24, ...writeU32(metering.counterGlobal)];
        // if (counter < 0) { out_of_instructions = 1; unreachable }
        check = [...counterGet, 0x42, 0x00, 0x53, 0x04, 0x40, 0x41, 0x01, 0x24, ...writeU32(metering.outOfInstructionsGlobal), 0x00, 0x0b];
        // (func (param i32) (result i32)): subtracts its argument (a size), checks, returns it.
        helperTypes.push([0x60, 0x01, 0x7f, 0x01, 0x7f]);
        helperFunctions.push(writeU32(s.types + helperTypes.length - 1));
        helperBodies.push(body([...counterGet, 0x20, 0x00, 0xad, 0x7d, ...counterSet, ...check, 0x20, 0x00, 0x0b]));
        chargeCall = [0x10, ...writeU32(nextFunction++)];
    }
    let markRangeCall: number[] = [];
    let shiftCall: number[] = [];
    // page index on the stack -> map[index] = 1 (the map is at address 0, below the canister's heap)
    const markPage = [0x41, 0x01, 0x3a, 0x00, 0x00];
    if (dirtyPages) {
        // (func (param $d i32) (param $n i32) (local $last i32)): marks the pages of [d, d + n).
        // A range past 4 GiB traps in the operation itself; marking up to the last page is harmless.
        helperTypes.push([0x60, 0x02, 0x7f, 0x7f, 0x00]);
        helperFunctions.push(writeU32(s.types + helperTypes.length - 1));
        helperBodies.push(
            body(
                [
                    // if (n == 0) return
                    0x20, 0x01, 0x45, 0x04, 0x40, 0x0f, 0x0b,
                    // last = d + n - 1 overflows ? MAX_PAGES - 1 : (d + n - 1) >> PAGE_SHIFT
                    0x41, ...writeSignedI32(MAX_PAGES - 1),
                    0x20, 0x00, 0x20, 0x01, 0x6a, 0x41, 0x01, 0x6b, 0x41, ...writeSignedI32(PAGE_SHIFT), 0x76,
                    0x20, 0x00, 0x20, 0x01, 0x6a, 0x20, 0x00, 0x49, // d + n < d (unsigned): wrapped
                    0x1b, 0x21, 0x02,
                    // d = d >> PAGE_SHIFT
                    0x20, 0x00, 0x41, ...writeSignedI32(PAGE_SHIFT), 0x76, 0x21, 0x00,
                    // loop { mark d; if (d >= last) break; d++ }
                    0x03, 0x40,
                    0x20, 0x00, ...markPage,
                    0x20, 0x00, 0x20, 0x02, 0x4f, 0x0d, 0x01,
                    0x20, 0x00, 0x41, 0x01, 0x6a, 0x21, 0x00,
                    0x0c, 0x00,
                    0x0b,
                    0x0b
                ],
                [0x01, 0x01, 0x7f]
            )
        );
        markRangeCall = [0x10, ...writeU32(nextFunction++)];
        // (func (param $address i32) (result i32)): a heap address as the memory sees it; one
        // that would wrap past 4 GiB becomes 2^32 - 1, out of bounds as the original was.
        helperTypes.push([0x60, 0x01, 0x7f, 0x01, 0x7f]);
        helperFunctions.push(writeU32(s.types + helperTypes.length - 1));
        helperBodies.push(
            body([
                0x20, 0x00, 0x41, ...writeSignedI32(MAX_U32 - RESERVED_BYTES), 0x4b, // address > 2^32 - 1 - RESERVED_BYTES (unsigned)
                0x04, 0x7f, 0x41, 0x7f, 0x05, // if (result i32) -1 else
                0x20, 0x00, 0x41, ...writeSignedI32(RESERVED_BYTES), 0x6a, // address + RESERVED_BYTES
                0x0b,
                0x0b
            ])
        );
        shiftCall = [0x10, ...writeU32(nextFunction++)];
    }
    if (helperTypes.length > 0) {
        withEntry(bytes, all, replaced, SectionId.Type, helperTypes);
        withEntry(bytes, all, replaced, SectionId.Function, helperFunctions);
    }

    const code = new Out();
    const codeReader = (() => {
        const section = all.find((x) => x.id === CODE);
        return section === undefined ? undefined : new Reader(bytes, section.start, section.end);
    })();
    const instruction = new Instruction();
    const bodies = codeReader === undefined ? 0 : codeReader.u32();
    if (bodies !== s.definedFunctions) throw new WasmFormatError('function and code sections disagree');
    code.push(...writeU32(bodies + helperBodies.length));
    const out = new Out();
    let changesInstance = false;
    for (let i = 0; i < bodies && codeReader !== undefined; i++) {
        const size = codeReader.u32();
        const bodyEnd = codeReader.pos + size;
        const r = new Reader(bytes, codeReader.pos, bodyEnd);
        const localGroups = r.u32();
        const groupsStart = r.pos;
        let localCount = 0;
        for (let n = localGroups; n > 0; n--) {
            localCount += r.u32();
            r.byte();
        }
        const { points, locals: needsLocals, v128, changesInstance: changes } = injectionPoints(bytes, r.pos, bodyEnd, instruction, effective);
        if (changes) changesInstance = true;
        out.length = 0;
        // The barrier's locals, after the function's own: $a, $n, $x (i32), then one of each value type.
        const base = s.params[s.functionTypes[i]] + localCount;
        const local: Record<number, number> = {};
        if (needsLocals) {
            const added: number[][] = [[0x03, ValType.I32], [0x01, ValType.I64], [0x01, ValType.F32], [0x01, ValType.F64]];
            if (v128) added.push([0x01, ValType.V128]);
            out.push(...writeU32(localGroups + added.length));
            out.append(bytes.subarray(groupsStart, r.pos));
            for (const group of added) out.push(...group);
            Object.assign(local, { [ValType.I32]: base + 1, [ValType.I64]: base + 3, [ValType.F32]: base + 4, [ValType.F64]: base + 5, [ValType.V128]: base + 6 });
        } else {
            out.append(bytes.subarray(codeReader.pos, r.pos));
        }
        const a = base;
        const n = base + 1;
        const x = base + 2;
        let copied = r.pos;
        for (const point of points) {
            out.append(bytes.subarray(copied, point.at));
            copied = point.at;
            switch (point.kind) {
                case Kind.Charge:
                    out.push(...counterGet, 0x42, ...writeSigned(point.value), 0x7d, ...counterSet);
                    if (point.detail === 1) out.push(...check);
                    break;
                case Kind.DynamicCharge:
                    out.push(...chargeCall);
                    break;
                case Kind.InstanceChange:
                    out.push(0x41, 0x01, 0x24, ...writeU32(instanceChanged));
                    break;
                case Kind.Store: {
                    // [addr, value] -> e = addr + offset; map[e >> PAGE_SHIFT] = 1; and for a store
                    // of more than one byte, map[(e + size - 1) >> PAGE_SHIFT] = 1 -> [addr, value]
                    const value = local[point.detail];
                    out.push(0x21, ...writeU32(value), 0x22, ...writeU32(a));
                    if (point.value !== 0) out.push(0x41, ...writeSignedI32(point.value), 0x6a);
                    const size = point.size ?? 1;
                    if (size > 1) out.push(0x22, ...writeU32(x));
                    out.push(0x41, ...writeSignedI32(PAGE_SHIFT), 0x76, ...markPage);
                    if (size > 1) out.push(0x20, ...writeU32(x), 0x41, ...writeSignedI32(size - 1), 0x6a, 0x41, ...writeSignedI32(PAGE_SHIFT), 0x76, ...markPage);
                    out.push(0x20, ...writeU32(a), 0x20, ...writeU32(value));
                    break;
                }
                case Kind.BulkWrite:
                    // [d, x, n] -> markRange(d, n) -> [shift(d), x (shift(x) for memory.copy), n]
                    out.push(0x21, ...writeU32(n), 0x21, ...writeU32(x), 0x22, ...writeU32(a), 0x20, ...writeU32(n), ...markRangeCall);
                    out.push(0x20, ...writeU32(a), ...shiftCall, 0x20, ...writeU32(x));
                    if (point.value === 1) out.push(...shiftCall);
                    out.push(0x20, ...writeU32(n));
                    break;
                case Kind.MemoryOp:
                    if (point.value === 0x3f) {
                        // memory.size, less the map's pages
                        out.push(0x3f, 0x00, 0x41, ...writeSignedI32(RESERVED_WASM_PAGES), 0x6b);
                    } else {
                        // memory.grow: -1 stays -1; an old size is given without the map's pages
                        out.push(0x40, 0x00, 0x22, ...writeU32(a), 0x41, 0x7f, 0x46, 0x04, 0x7f, 0x41, 0x7f, 0x05);
                        out.push(0x20, ...writeU32(a), 0x41, ...writeSignedI32(RESERVED_WASM_PAGES), 0x6b, 0x0b);
                    }
                    copied = point.detail;
                    break;
                case Kind.Offset:
                    out.push(...writeU32(Math.min(point.value + RESERVED_BYTES, MAX_U32)));
                    copied = point.detail;
                    break;
            }
        }
        out.append(bytes.subarray(copied, bodyEnd));
        code.push(...writeU32(out.length));
        code.append(out.take());
        codeReader.pos = bodyEnd;
    }
    for (const helper of helperBodies) code.push(...helper);
    replaced.set(CODE, code.take());

    return { wasm: rebuild(bytes, all, replaced), metering, dirtyPages, instanceChanged: { global: instanceChanged, used: changesInstance } };
}

/** The memory section with room for the map: RESERVED_WASM_PAGES more, initially and at most. */
function reserveMemory(bytes: Uint8Array, all: ReturnType<typeof sections>): Uint8Array {
    const section = all.find((x) => x.id === SectionId.Memory);
    if (section === undefined) throw new WasmFormatError('no memory section');
    const r = new Reader(bytes, section.start, section.end);
    const count = r.u32();
    if (count !== 1) throw new WasmFormatError('one memory only');
    const flags = r.byte();
    const initial = r.u32();
    const out = [...writeU32(1), flags, ...writeU32(Math.min(initial + RESERVED_WASM_PAGES, 65_536))];
    if (flags & 0x01) out.push(...writeU32(Math.min(r.u32() + RESERVED_WASM_PAGES, 65_536)));
    return new Uint8Array(out);
}

/** The data section with every active segment moved up past the map. */
function moveDataSegments(bytes: Uint8Array, start: number, end: number): Uint8Array {
    const r = new Reader(bytes, start, end);
    const out = new Out();
    const count = r.u32();
    out.push(...writeU32(count));
    for (let i = 0; i < count; i++) {
        const flags = r.u32();
        out.push(...writeU32(flags));
        if (flags === 1) {
            // passive: its bytes go where memory.init says (moved there)
        } else if (flags === 0 || flags === 2) {
            if (flags === 2) out.push(...writeU32(r.u32())); // memory index
            if (r.byte() !== 0x41) throw new WasmFormatError('a data segment whose offset is not an i32.const');
            const offset = readSignedI32(r);
            if (r.byte() !== 0x0b) throw new WasmFormatError('a data segment offset of more than one instruction');
            out.push(0x41, ...writeSignedI32((offset >>> 0) + RESERVED_BYTES), 0x0b);
        } else throw new WasmFormatError(`unknown data segment kind ${flags}`);
        const size = r.u32();
        out.push(...writeU32(size));
        out.append(bytes.subarray(r.pos, r.pos + size));
        r.skip(size);
    }
    return out.take();
}

/** A signed LEB128 i32 (an i32.const immediate). */
function readSignedI32(r: Reader): number {
    let result = 0;
    let shift = 0;
    let b: number;
    do {
        b = r.byte();
        result |= (b & 0x7f) << shift;
        shift += 7;
    } while (b & 0x80);
    if (shift < 32 && b & 0x40) result |= -1 << shift;
    return result | 0;
}

/** Signed LEB128 of a u32 taken as an i32 (an i32.const immediate). */
function writeSignedI32(value: number): number[] {
    let v = value | 0;
    const out: number[] = [];
    for (;;) {
        const b = v & 0x7f;
        v >>= 7;
        if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
            out.push(b);
            return out;
        }
        out.push(b | 0x80);
    }
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
