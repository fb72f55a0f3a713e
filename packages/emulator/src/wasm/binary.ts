/** Minimal reading and writing of the wasm binary format: LEB128 and the section list. */

export class WasmFormatError extends Error {
    constructor(message: string) {
        super(`malformed wasm module: ${message}`);
        this.name = 'WasmFormatError';
    }
}

export class Reader {
    constructor(
        readonly bytes: Uint8Array,
        public pos = 0,
        readonly end = bytes.length
    ) {}

    byte(): number {
        if (this.pos >= this.end) throw new WasmFormatError('unexpected end');
        return this.bytes[this.pos++];
    }

    /** Unsigned LEB128 (up to 64 bits), as a number: wasm counts and indices fit. */
    u32(): number {
        let result = 0;
        let shift = 0;
        for (;;) {
            const b = this.byte();
            result += (b & 0x7f) * 2 ** shift;
            if ((b & 0x80) === 0) return result;
            shift += 7;
            if (shift > 63) throw new WasmFormatError('LEB128 too long');
        }
    }

    /** Skips a signed LEB128. */
    skipLeb(): void {
        while (this.byte() & 0x80);
    }

    name(): string {
        const len = this.u32();
        const text = new TextDecoder().decode(this.bytes.subarray(this.pos, this.pos + len));
        this.pos += len;
        return text;
    }

    skip(n: number): void {
        this.pos += n;
    }
}

export function writeU32(value: number): number[] {
    const out: number[] = [];
    do {
        let b = value & 0x7f;
        value = Math.floor(value / 128);
        if (value !== 0) b |= 0x80;
        out.push(b);
    } while (value !== 0);
    return out;
}

export function writeName(text: string): number[] {
    const bytes = [...new TextEncoder().encode(text)];
    return [...writeU32(bytes.length), ...bytes];
}

export interface Section {
    readonly id: number;
    /** Offset of the section's id byte. */
    readonly headerStart: number;
    /** Offsets of the content (after the id and size). */
    readonly start: number;
    readonly end: number;
}

export const SectionId = {
    Custom: 0,
    Type: 1,
    Import: 2,
    Function: 3,
    Table: 4,
    Memory: 5,
    Global: 6,
    Export: 7,
    Start: 8,
    Element: 9,
    Code: 10,
    Data: 11,
    DataCount: 12
} as const;

export function sections(bytes: Uint8Array): Section[] {
    const magic = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    if (bytes.length < 8 || magic.some((b, i) => bytes[i] !== b)) {
        throw new WasmFormatError('missing the wasm magic number and version 1');
    }
    const r = new Reader(bytes, 8);
    const found: Section[] = [];
    while (r.pos < bytes.length) {
        const headerStart = r.pos;
        const id = r.byte();
        const size = r.u32();
        const start = r.pos;
        if (start + size > bytes.length) throw new WasmFormatError(`section ${id} runs past the end`);
        found.push({ id, headerStart, start, end: start + size });
        r.pos = start + size;
    }
    return found;
}

/** Skips a constant initializer expression up to and including its `end` opcode. */
export function skipConstExpr(r: Reader): void {
    for (;;) {
        const op = r.byte();
        switch (op) {
            case 0x0b:
                return;
            case 0x41: // i32.const
            case 0x42: // i64.const
                r.skipLeb();
                break;
            case 0x43: // f32.const
                r.skip(4);
                break;
            case 0x44: // f64.const
                r.skip(8);
                break;
            case 0x23: // global.get
            case 0xd2: // ref.func
                r.u32();
                break;
            case 0xd0: // ref.null t
                r.byte();
                break;
            case 0x6a: // i32.add, sub, mul (extended const)
            case 0x6b:
            case 0x6c:
            case 0x7c: // i64.add, sub, mul
            case 0x7d:
            case 0x7e:
                break;
            case 0xfd: // v128.const
                r.u32();
                r.skip(16);
                break;
            default:
                throw new WasmFormatError(`unsupported opcode 0x${op.toString(16)} in a constant expression`);
        }
    }
}

/** Skips table or memory limits. */
export function skipLimits(r: Reader): void {
    const flags = r.byte();
    r.u32();
    if (flags & 0x01) r.u32();
}
