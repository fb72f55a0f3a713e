/**
 * Stable memory rules: pages are zero until written; the 64-bit API reaches beyond 4 GiB and the
 * 32-bit API traps once the memory is that large; accesses past the size trap; a trap or a query
 * leaves no trace; growth is refused past the limit. Stable memory is sparse in the emulator, so
 * a large but barely used memory costs only the pages written.
 */
import { Emulator, RejectCode } from '../src/index.js';
import { StableMemory, WASM_PAGE } from '../src/subnet/stable_memory.js';
import { readI64, stableModule } from './canisters.js';
import { EMPTY } from './setup.js';

const GIB = 2 ** 30;

function i64(...values: (number | bigint)[]): Uint8Array {
    const out = new Uint8Array(8 * values.length);
    const view = new DataView(out.buffer);
    values.forEach((v, i) => view.setBigInt64(8 * i, BigInt(v), true));
    return out;
}

function i32(...values: number[]): Uint8Array {
    const out = new Uint8Array(4 * values.length);
    const view = new DataView(out.buffer);
    values.forEach((v, i) => view.setInt32(4 * i, v, true));
    return out;
}

const concat = (a: Uint8Array, b: Uint8Array) => new Uint8Array([...a, ...b]);

async function withStable() {
    const em = await Emulator.create();
    const id = await em.setupCanister({ wasm: stableModule() });
    return {
        em,
        id,
        grow64: async (pages: number) => readI64(await em.updateCall(id, 'grow64', i64(pages))),
        grow32: async (pages: number) => readI64(await em.updateCall(id, 'grow32', i32(pages))),
        write: (offset: number, bytes: Uint8Array) => em.updateCall(id, 'write', concat(i64(offset), bytes)),
        read: (offset: number, length: number) => em.queryCall(id, 'read', i64(offset, length)),
        resident: () => em.subnet.canister(id)?.stable.residentPages
    };
}

describe('stable memory through the System API', () => {
    it('starts empty; grown pages read as zeros; writes across a page boundary read back whole', async () => {
        const { em, id, grow64, write, read } = await withStable();
        expect(readI64(await em.queryCall(id, 'size64', EMPTY))).toBe(0n);
        expect(await grow64(3)).toBe(0n);
        expect(await read(0, 60_000)).toEqual(new Uint8Array(60_000));
        const bytes = new TextEncoder().encode('spans two pages');
        await write(WASM_PAGE - 5, bytes);
        expect(await read(WASM_PAGE - 5, bytes.length)).toEqual(bytes);
        expect(readI64(await em.queryCall(id, 'size64', EMPTY))).toBe(3n);
    });

    it('the 64-bit API reaches past 4 GiB; the 32-bit API then traps', async () => {
        const { em, id, grow64, write, read, resident } = await withStable();
        const pages = 5 * (GIB / WASM_PAGE); // 5 GiB
        expect(await grow64(pages)).toBe(0n);
        const end = pages * WASM_PAGE;
        await write(end - 4, new Uint8Array([1, 2, 3, 4]));
        expect(await read(end - 4, 4)).toEqual(new Uint8Array([1, 2, 3, 4]));
        expect(await read(GIB, 8)).toEqual(new Uint8Array(8));
        expect(resident()).toBe(1); // only the page written takes host memory
        for (const call of [
            () => em.queryCall(id, 'size32', EMPTY),
            () => em.updateCall(id, 'grow32', i32(1)),
            () => em.queryCall(id, 'read32', i32(0, 4))
        ]) {
            await expect(call()).rejects.toMatchObject({ rejectCode: RejectCode.CanisterError, message: expect.stringMatching(/exceeds 4 GiB/) });
        }
    });

    it('the 32-bit API cannot grow past 4 GiB: -1 and no change', async () => {
        const { em, id, grow32 } = await withStable();
        expect(await grow32(65_536)).toBe(0n);
        expect(await grow32(1)).toBe(-1n);
        expect(readI64(await em.queryCall(id, 'size32', EMPTY))).toBe(65_536n);
    });

    it('growth beyond the 500 GiB limit returns -1 and changes nothing', async () => {
        const { em, id, grow64 } = await withStable();
        const limit = (500 * GIB) / WASM_PAGE;
        expect(await grow64(limit + 1)).toBe(-1n);
        expect(await grow64(-1)).toBe(-1n); // 2^64 - 1 pages: refused, not wrapped
        expect(await grow64(limit)).toBe(0n);
        expect(await grow64(1)).toBe(-1n);
        expect(readI64(await em.queryCall(id, 'size64', EMPTY))).toBe(BigInt(limit));
    });

    it('reads and writes past the size trap and change nothing', async () => {
        const { grow64, write, read } = await withStable();
        await grow64(1);
        await expect(read(WASM_PAGE - 2, 4)).rejects.toMatchObject({ message: expect.stringMatching(/out of bounds/) });
        await expect(write(WASM_PAGE - 2, new Uint8Array([9, 9, 9, 9]))).rejects.toMatchObject({ rejectCode: RejectCode.CanisterError });
        expect(await read(WASM_PAGE - 4, 4)).toEqual(new Uint8Array(4));
    });

    it('a trapping message leaves neither its writes nor its growth behind', async () => {
        const { em, id, grow64, write, read, resident } = await withStable();
        await grow64(2);
        await write(10, new Uint8Array([7]));
        await expect(em.updateCall(id, 'write_then_trap', concat(i64(10), new Uint8Array([8, 8])))).rejects.toMatchObject({
            rejectCode: RejectCode.CanisterError
        });
        expect(await read(10, 2)).toEqual(new Uint8Array([7, 0]));
        expect(resident()).toBe(1);
    });
});

describe('StableMemory (the sparse store)', () => {
    it('a snapshot is independent of later writes on either side', () => {
        const live = StableMemory.empty();
        live.grow(2);
        live.write(0, new Uint8Array([1]));
        const saved = live.snapshot();
        live.write(0, new Uint8Array([2]));
        live.write(WASM_PAGE, new Uint8Array([3]));
        expect(saved.read(0, 1)).toEqual(new Uint8Array([1]));
        expect(saved.read(WASM_PAGE, 1)).toEqual(new Uint8Array([0]));
        saved.write(0, new Uint8Array([4]));
        expect(live.read(0, 1)).toEqual(new Uint8Array([2]));
        expect(saved.residentPages).toBe(1);
        expect(live.residentPages).toBe(2);
    });

    it('refuses a range outside its size', () => {
        const memory = StableMemory.empty();
        memory.grow(1);
        expect(() => memory.read(WASM_PAGE, 1)).toThrow(RangeError);
        expect(() => memory.write(-1, new Uint8Array(1))).toThrow(RangeError);
    });
});
