/**
 * What the instrumentation needs to know about each wasm instruction: where it ends, what it
 * costs, whether it ends a basic block, and what it writes to memory. Costs are the replica's (dfinity/ic,
 * rs/embedders/src/wasm_utils/instrumentation.rs, `instruction_to_cost`, Wasm32); SIMD
 * instructions cost 1 each here, where the replica's table has 1 to 5 for most of them.
 */
import { Reader, WasmFormatError } from './binary.js';

/** How an instruction shapes the basic blocks around it. */
export const Flow = {
    /** Straight-line code. */
    None: 0,
    /** `loop`: the code after it is re-entered by branches, so it gets a check. */
    Loop: 1,
    /** `if`: the code after it starts a block entered once. */
    If: 2,
    /** `else`, `end`, branches, `return`, `unreachable`: the code after it starts a new block. */
    BlockEnd: 3,
    /** Bulk memory and table operations, which also cost their size operand at run time. */
    Dynamic: 4
} as const;
export type Flow = (typeof Flow)[keyof typeof Flow];

/** Costs of the one-byte opcodes; 255 marks an opcode this pass does not know. */
const COST = new Uint16Array(256).fill(255);
const FLOW = new Uint8Array(256);

function set(from: number, to: number, cost: number, flow: Flow = Flow.None): void {
    for (let op = from; op <= to; op++) {
        COST[op] = cost;
        FLOW[op] = flow;
    }
}

set(0x00, 0x00, 1, Flow.BlockEnd); // unreachable
set(0x01, 0x01, 1); // nop
set(0x02, 0x02, 0); // block: not a branch target at its start
set(0x03, 0x03, 0, Flow.Loop);
set(0x04, 0x04, 2, Flow.If);
set(0x05, 0x05, 0, Flow.BlockEnd); // else
set(0x0b, 0x0b, 0, Flow.BlockEnd); // end
set(0x0c, 0x0e, 2, Flow.BlockEnd); // br, br_if, br_table
set(0x0f, 0x0f, 1, Flow.BlockEnd); // return
set(0x10, 0x10, 5); // call
set(0x11, 0x11, 10); // call_indirect
set(0x12, 0x12, 3, Flow.BlockEnd); // return_call
set(0x13, 0x13, 60, Flow.BlockEnd); // return_call_indirect
set(0x1a, 0x1c, 1); // drop, select, select t*
set(0x20, 0x22, 1); // local.get, local.set, local.tee
set(0x23, 0x24, 2); // global.get, global.set
set(0x25, 0x26, 5); // table.get, table.set
set(0x28, 0x3e, 1); // loads and stores
set(0x3f, 0x3f, 20); // memory.size
set(0x40, 0x40, 300); // memory.grow
set(0x41, 0x44, 1); // constants
set(0x45, 0x5a, 1); // integer comparisons
set(0x5b, 0x66, 3); // float comparisons
set(0x67, 0x8a, 1); // integer arithmetic
set(0x6d, 0x70, 10); // i32 div and rem
set(0x7f, 0x82, 10); // i64 div and rem
set(0x8b, 0x8c, 1); // f32 abs, neg
set(0x8d, 0x90, 2); // f32 ceil, floor, trunc, nearest
set(0x91, 0x91, 5); // f32 sqrt
set(0x92, 0x94, 2); // f32 add, sub, mul
set(0x95, 0x95, 3); // f32 div
set(0x96, 0x97, 18); // f32 min, max
set(0x98, 0x98, 2); // f32 copysign
set(0x99, 0x9a, 1); // f64 abs, neg
set(0x9b, 0x9e, 2); // f64 ceil, floor, trunc, nearest
set(0x9f, 0x9f, 8); // f64 sqrt
set(0xa0, 0xa2, 2); // f64 add, sub, mul
set(0xa3, 0xa3, 5); // f64 div
set(0xa4, 0xa5, 18); // f64 min, max
set(0xa6, 0xa6, 3); // f64 copysign
set(0xa7, 0xa7, 1); // i32.wrap_i64
set(0xa8, 0xab, 20); // i32.trunc_f*
set(0xac, 0xad, 1); // i64.extend_i32_*
set(0xae, 0xb1, 20); // i64.trunc_f*
set(0xb2, 0xb2, 3); // f32.convert_i32_s
set(0xb3, 0xb3, 16); // f32.convert_i32_u
set(0xb4, 0xb4, 3); // f32.convert_i64_s
set(0xb5, 0xb5, 16); // f32.convert_i64_u
set(0xb6, 0xb6, 1); // f32.demote_f64
set(0xb7, 0xb7, 3); // f64.convert_i32_s
set(0xb8, 0xb8, 16); // f64.convert_i32_u
set(0xb9, 0xb9, 3); // f64.convert_i64_s
set(0xba, 0xba, 16); // f64.convert_i64_u
set(0xbb, 0xbb, 1); // f64.promote_f32
set(0xbc, 0xc4, 1); // reinterpretations, sign extensions
set(0xd0, 0xd0, 1); // ref.null
set(0xd1, 0xd1, 5); // ref.is_null
set(0xd2, 0xd2, 130); // ref.func

/** Costs of the 0xFC-prefixed instructions, by sub-opcode. */
const FC_COST = [20, 20, 20, 20, 20, 20, 20, 20, 100, 300, 100, 100, 100, 300, 100, 300, 100, 100];
/** memory.init, memory.copy, memory.fill, table.init, table.copy, table.fill: size-dependent. */
const FC_DYNAMIC = new Set([8, 10, 11, 12, 14, 17]);

/** Value types, as their binary codes: what a store writes. */
export const ValType = { I32: 0x7f, I64: 0x7e, F32: 0x7d, F64: 0x7c, V128: 0x7b } as const;

/** One decoded instruction; reused across calls so the scan allocates nothing per instruction. */
export class Instruction {
    /** Offset just past the instruction. */
    end = 0;
    cost = 0;
    flow: Flow = Flow.None;
    /** For a store: the type of the value it writes (0 for anything else). */
    storeType = 0;
    /** For a store: its static offset, and how many bytes it writes. */
    storeOffset = 0;
    storeSize = 0;
    /** memory.fill, memory.copy or memory.init: writes [destination, destination + size). */
    bulkWrite = false;
    /** The bulk operation is memory.copy (it also reads from a heap address). */
    bulkCopy = false;
    /** For a load or store: where its memarg's offset is encoded ([start, end)), and its value; -1 for other instructions. */
    memargStart = -1;
    memargEnd = -1;
    /** memory.size or memory.grow: 0x3f or 0x40; 0 for other instructions. */
    memoryOp = 0;
    /**
     * It changes instance state that is neither memory nor a global: a table (table.set, .grow,
     * .fill, .copy, .init) or the segments (data.drop, elem.drop).
     */
    changesInstance = false;
}

/** The bytes each store opcode writes. */
const STORE_SIZE: Record<number, number> = { 0x36: 4, 0x37: 8, 0x38: 4, 0x39: 8, 0x3a: 1, 0x3b: 2, 0x3c: 1, 0x3d: 2, 0x3e: 4 };

/** The value type each store opcode writes. */
const STORE_TYPE: Record<number, number> = {
    0x36: ValType.I32,
    0x37: ValType.I64,
    0x38: ValType.F32,
    0x39: ValType.F64,
    0x3a: ValType.I32,
    0x3b: ValType.I32,
    0x3c: ValType.I64,
    0x3d: ValType.I64,
    0x3e: ValType.I64
};

/** Value types, which a block type may be instead of a type index. */
function isValType(b: number): boolean {
    return b === 0x7f || b === 0x7e || b === 0x7d || b === 0x7c || b === 0x7b || b === 0x70 || b === 0x6f;
}

/** Reads a memory argument and notes where its offset is; returns the offset. One memory only, as the IC allows. */
function readMemarg(r: Reader, out: Instruction): number {
    const align = r.u32();
    if (align & 0x40) throw new WasmFormatError(`a memory index at offset ${r.pos}: one memory only`);
    out.memargStart = r.pos;
    const offset = r.u32();
    out.memargEnd = r.pos;
    return offset;
}

/** Decodes the instruction at `r.pos` into `out` and advances `r` past it. */
export function decode(r: Reader, out: Instruction): void {
    const at = r.pos;
    const op = r.byte();
    let cost = COST[op];
    let flow = FLOW[op] as Flow;
    out.storeType = 0;
    out.bulkWrite = false;
    out.bulkCopy = false;
    out.memargStart = -1;
    out.memargEnd = -1;
    out.memoryOp = op === 0x3f || op === 0x40 ? op : 0;
    out.changesInstance = op === 0x26;
    switch (op) {
        case 0x02:
        case 0x03:
        case 0x04: {
            const b = r.bytes[r.pos];
            if (b === 0x40 || isValType(b)) r.pos++;
            else r.skipLeb(); // a type index, as a signed LEB128
            break;
        }
        case 0x0c:
        case 0x0d:
        case 0x10:
        case 0x12:
        case 0x20:
        case 0x21:
        case 0x22:
        case 0x23:
        case 0x24:
        case 0x25:
        case 0x26:
        case 0x3f:
        case 0x40:
        case 0xd2:
            r.u32();
            break;
        case 0x0e:
            for (let n = r.u32(); n >= 0; n--) r.u32(); // the targets, then the default
            break;
        case 0x11:
        case 0x13:
            r.u32();
            r.u32();
            break;
        case 0x1c:
            r.skip(r.u32());
            break;
        case 0x41:
        case 0x42:
            r.skipLeb();
            break;
        case 0x43:
            r.skip(4);
            break;
        case 0x44:
            r.skip(8);
            break;
        case 0xd0:
            r.byte();
            break;
        case 0xfc: {
            const sub = r.u32();
            if (sub >= FC_COST.length) throw new WasmFormatError(`unknown instruction 0xfc ${sub} at offset ${at}`);
            cost = FC_COST[sub];
            if (FC_DYNAMIC.has(sub)) flow = Flow.Dynamic;
            out.bulkWrite = sub === 8 || sub === 10 || sub === 11;
            out.bulkCopy = sub === 10;
            out.changesInstance = sub === 9 || (sub >= 12 && sub <= 15) || sub === 17;
            if (sub === 8 || sub === 10 || sub === 12 || sub === 14) {
                r.u32();
                r.u32();
            } else if (sub >= 9) r.u32();
            break;
        }
        case 0xfd: {
            cost = 1;
            const sub = r.u32();
            if (sub <= 0x0b || sub === 0x5c || sub === 0x5d) {
                const offset = readMemarg(r, out);
                if (sub === 0x0b) {
                    out.storeType = ValType.V128; // v128.store
                    out.storeOffset = offset;
                    out.storeSize = 16;
                }
            } else if (sub === 0x0c || sub === 0x0d) r.skip(16); // v128.const, i8x16.shuffle
            else if (sub >= 0x15 && sub <= 0x22) r.skip(1); // lane index
            else if (sub >= 0x54 && sub <= 0x5b) {
                const offset = readMemarg(r, out);
                r.skip(1);
                if (sub >= 0x58) {
                    out.storeType = ValType.V128; // v128.storeN_lane
                    out.storeOffset = offset;
                    out.storeSize = 1 << (sub - 0x58);
                }
            }
            break;
        }
        case 0xfe:
            // The IC refuses threads, and so modules with atomic instructions.
            throw new WasmFormatError(`atomic instruction at offset ${at}: threads are not supported`);
        default:
            if (op >= 0x28 && op <= 0x3e) {
                const offset = readMemarg(r, out);
                const type = STORE_TYPE[op];
                if (type !== undefined) {
                    out.storeType = type;
                    out.storeOffset = offset;
                    out.storeSize = STORE_SIZE[op];
                }
            }
            else if (cost === 255) {
                throw new WasmFormatError(`instruction 0x${op.toString(16)} at offset ${at} is not supported (exception handling and GC are not)`);
            }
    }
    if (r.pos > r.end) throw new WasmFormatError(`instruction at offset ${at} runs past the end of its function`);
    out.end = r.pos;
    out.cost = cost;
    out.flow = flow;
}
