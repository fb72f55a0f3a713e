import { createHash } from 'node:crypto';

import { WASM_MAX_SIZE } from './wasm_module.js';

/** CHUNK_SIZE, 1 MiB (dfinity/ic, rs/replicated_state/.../wasm_chunk_store.rs). */
export const CHUNK_SIZE = 1024 * 1024;
/** The store holds at most WASM_MAX_SIZE bytes: 100 chunks. */
export const MAX_CHUNKS = WASM_MAX_SIZE / CHUNK_SIZE;

export class ChunkStoreError extends Error {}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** A canister's wasm chunk store: chunks by SHA-256, for installing modules larger than a message. */
export class ChunkStore {
    private readonly chunks = new Map<string, Uint8Array>();

    /** Stores a chunk and returns its hash; a chunk already stored is a no-op, even when the store is full. */
    upload(chunk: Uint8Array): Uint8Array {
        if (chunk.length > CHUNK_SIZE) throw new ChunkStoreError(`Wasm chunk size ${chunk.length} exceeds the maximum chunk size of ${CHUNK_SIZE}`);
        const hash = createHash('sha256').update(chunk).digest();
        if (this.chunks.has(hex(hash))) return new Uint8Array(hash);
        if (this.chunks.size >= MAX_CHUNKS) throw new ChunkStoreError(`Wasm chunk store has already reached maximum capacity of ${WASM_MAX_SIZE} bytes`);
        this.chunks.set(hex(hash), chunk.slice());
        return new Uint8Array(hash);
    }

    hashes(): Uint8Array[] {
        return [...this.chunks.keys()].map((h) => new Uint8Array(Buffer.from(h, 'hex')));
    }

    get(hash: Uint8Array): Uint8Array | undefined {
        return this.chunks.get(hex(hash));
    }

    clear(): void {
        this.chunks.clear();
    }

    get size(): number {
        let n = 0;
        for (const c of this.chunks.values()) n += c.length;
        return n;
    }

    copy(): ChunkStore {
        const store = new ChunkStore();
        for (const [h, c] of this.chunks) store.chunks.set(h, c);
        return store;
    }
}
