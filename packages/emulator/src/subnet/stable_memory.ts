import { createHash } from 'node:crypto';

export const WASM_PAGE = 65_536;

/**
 * A canister's stable memory. As on the IC, its size is an address space: pages nobody wrote read
 * as zeros and take no host memory, so the hundreds of MiB a stable-structures memory manager
 * reserves cost nothing until they are used.
 *
 * Pages are shared copy-on-write with snapshots: taking one, for an install or for a message that
 * may trap, costs a map of the written pages, and the first write to a page afterwards copies
 * that one page.
 */
export class StableMemory {
    private constructor(
        private sizePages: number,
        private readonly pages: Map<number, Uint8Array>,
        /** Pages no snapshot shares, which a write may change in place. */
        private readonly owned: Set<number>
    ) {}

    static empty(): StableMemory {
        return new StableMemory(0, new Map(), new Set());
    }

    /** Size in 64 KiB pages. */
    get pageCount(): number {
        return this.sizePages;
    }

    get byteLength(): number {
        return this.sizePages * WASM_PAGE;
    }

    /** Pages that hold data, i.e. the host memory the stable memory takes. */
    get residentPages(): number {
        return this.pages.size;
    }

    /** Adds `delta` zeroed pages. The caller checks the limits. */
    grow(delta: number): void {
        this.sizePages += delta;
    }

    /** Copies [offset, offset + length) out; the range must lie within the size. */
    read(offset: number, length: number): Uint8Array {
        this.checkRange(offset, length);
        const out = new Uint8Array(length);
        this.forEachChunk(offset, length, (page, inPage, done, size) => {
            const data = this.pages.get(page);
            if (data !== undefined) out.set(data.subarray(inPage, inPage + size), done);
        });
        return out;
    }

    /** Copies `data` in at `offset`; the range must lie within the size. */
    write(offset: number, data: Uint8Array): void {
        this.checkRange(offset, data.length);
        this.forEachChunk(offset, data.length, (page, inPage, done, size) => {
            this.writablePage(page).set(data.subarray(done, done + size), inPage);
        });
    }

    /** A hash of the size and the content: equal digests, equal memories (pages never written read as zeros). */
    digest(): string {
        const hash = createHash('sha256').update(`size ${this.sizePages}\n`);
        const zero = new Uint8Array(WASM_PAGE);
        for (const page of [...this.pages.keys()].sort((a, b) => a - b)) {
            const data = this.pages.get(page) as Uint8Array;
            if (Buffer.compare(data, zero) === 0) continue;
            hash.update(`page ${page}\n`).update(data);
        }
        return hash.digest('hex');
    }

    /** An independent copy of this memory as it is now. */
    snapshot(): StableMemory {
        this.owned.clear(); // from now on both sides share every page
        return new StableMemory(this.sizePages, new Map(this.pages), new Set());
    }

    private writablePage(page: number): Uint8Array {
        let data = this.pages.get(page);
        if (data === undefined) {
            data = new Uint8Array(WASM_PAGE);
        } else if (!this.owned.has(page)) {
            data = data.slice();
        } else {
            return data;
        }
        this.pages.set(page, data);
        this.owned.add(page);
        return data;
    }

    private checkRange(offset: number, length: number): void {
        if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > this.byteLength) {
            throw new RangeError(`[${offset}, ${offset + length}) is outside ${this.byteLength} bytes of stable memory`);
        }
    }

    private forEachChunk(offset: number, length: number, visit: (page: number, inPage: number, done: number, size: number) => void): void {
        let done = 0;
        while (done < length) {
            const at = offset + done;
            const page = Math.floor(at / WASM_PAGE);
            const inPage = at % WASM_PAGE;
            const size = Math.min(WASM_PAGE - inPage, length - done);
            visit(page, inPage, done, size);
            done += size;
        }
    }
}
