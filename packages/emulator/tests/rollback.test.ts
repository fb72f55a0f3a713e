/**
 * A trap undoes everything a message did to the heap (spec: "the state changes are discarded"),
 * and a query's changes never stay. The emulator copies only the 1 KiB pages a message wrote,
 * which an injected write barrier marks (src/wasm/inject.ts); these tests hold it to the
 * exactness of copying the whole heap, with stores of every width, across page boundaries, bulk
 * memory operations and growth, and check that the canister still sees its memory as it declared it.
 */
import { createHash } from 'node:crypto';

import { Principal } from '@dfinity/principal';

import { Emulator } from '../src/index.js';
import { Prng } from '../src/prng.js';
import { module, readI64 } from './canisters.js';
import { EMPTY } from './setup.js';

const le = (...values: number[]): Uint8Array => {
    const out = new Uint8Array(values.length * 4);
    const view = new DataView(out.buffer);
    values.forEach((v, i) => view.setUint32(i * 4, v >>> 0, true));
    return out;
};

/**
 * `write` takes (address, value, width in bytes 1/2/4/8) triples and stores them; `*_then_trap`
 * does the same and traps. `fill`, `copy` and `init` take (destination, source or byte, length).
 * `grow` grows by its argument in pages and replies memory.grow's answer; `size` replies memory.size.
 */
function writerModule(): Uint8Array {
    return module(`
  (data $passive "passive segment bytes")
  (func $arg (param $i i32) (result i32) (i32.load (i32.add (i32.const 64000) (i32.shl (local.get $i) (i32.const 2)))))
  (func $load_arg (call $msg_arg_data_copy (i32.const 64000) (i32.const 0) (call $msg_arg_data_size)))
  (func $writes (local $i i32) (local $n i32) (local $a i32) (local $v i32)
    (call $load_arg)
    (local.set $n (i32.div_u (call $msg_arg_data_size) (i32.const 12)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $a (call $arg (i32.mul (local.get $i) (i32.const 3))))
      (local.set $v (call $arg (i32.add (i32.mul (local.get $i) (i32.const 3)) (i32.const 1))))
      (block $w (block $w8 (block $w4 (block $w2 (block $w1
        (br_table $w1 $w1 $w2 $w4 $w4 $w8 $w8 $w8 $w8 (call $arg (i32.add (i32.mul (local.get $i) (i32.const 3)) (i32.const 2)))))
        (i32.store8 (local.get $a) (local.get $v)) (br $w))
        (i32.store16 (local.get $a) (local.get $v)) (br $w))
        (i32.store (local.get $a) (local.get $v)) (br $w))
        (i64.store offset=0 (local.get $a) (i64.extend_i32_u (local.get $v))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next))))
  (func (export "canister_update write") (call $writes) (call $reply_bytes (i32.const 0) (i32.const 0)))
  (func (export "canister_update write_then_trap") (call $writes) unreachable)
  (func (export "canister_query write_in_query") (call $writes) (call $reply_bytes (i32.const 0) (i32.const 0)))
  (func (export "canister_update fill_then_trap") (call $load_arg)
    (memory.fill (call $arg (i32.const 0)) (call $arg (i32.const 1)) (call $arg (i32.const 2))) unreachable)
  (func (export "canister_update copy_then_trap") (call $load_arg)
    (memory.copy (call $arg (i32.const 0)) (call $arg (i32.const 1)) (call $arg (i32.const 2))) unreachable)
  (func (export "canister_update init") (call $load_arg)
    (memory.init $passive (call $arg (i32.const 0)) (i32.const 0) (i32.const 21)) (call $reply_bytes (call $arg (i32.const 0)) (i32.const 21)))
  (func (export "canister_update init_then_trap") (call $load_arg)
    (memory.init $passive (call $arg (i32.const 0)) (i32.const 0) (i32.const 21)) unreachable)
  (func (export "canister_update grow") (call $load_arg) (call $reply_i64 (i64.extend_i32_s (memory.grow (call $arg (i32.const 0))))))
  (func (export "canister_update grow_write_trap") (call $load_arg)
    (drop (memory.grow (call $arg (i32.const 0))))
    (i32.store (i32.const 140000) (i32.const 7))
    unreachable)
  (func (export "canister_query size") (call $reply_i64 (i64.extend_i32_u (memory.size))))
  (func (export "canister_query load") (call $load_arg) (call $reply_i64 (i64.extend_i32_u (i32.load (call $arg (i32.const 0))))))`);
}

function digest(em: Emulator, id: Principal): string {
    const canister = em.subnet.canister(id);
    if (canister === undefined) throw new Error('no canister');
    return createHash('sha256').update(canister.heap()).digest('hex');
}

async function withWriter(): Promise<{ em: Emulator; id: Principal }> {
    const em = await Emulator.create();
    const id = await em.setupCanister({ wasm: writerModule() });
    return { em, id };
}

const HEAP = 2 * 65_536; // the test module declares two pages

describe('a trap undoes every write, to the byte', () => {
    it('stores of every width, anywhere, including across 1 KiB page boundaries (seeded, 50 messages)', async () => {
        const { em, id } = await withWriter();
        const prng = new Prng(7);
        const below = (n: number) => Math.floor(prng.next() * n);
        for (let round = 0; round < 50; round++) {
            const triples: number[] = [];
            for (let i = 0; i < 40; i++) {
                const width = [1, 2, 4, 8][below(4)];
                // Half of them straddle a page boundary.
                const address = below(2) === 0 ? (1 + below(28)) * 4096 - below(width) : below(60_000);
                triples.push(address, below(2 ** 31), width);
            }
            const before = digest(em, id);
            await expect(em.updateCall(id, 'write_then_trap', le(...triples))).rejects.toThrow('Canister trapped: unreachable');
            expect(digest(em, id)).toBe(before);
            // And the same writes, committed, change the heap.
            await em.updateCall(id, 'write', le(...triples));
            expect(digest(em, id)).not.toBe(before);
        }
    });

    it('memory.fill, memory.copy and memory.init', async () => {
        const { em, id } = await withWriter();
        await em.updateCall(id, 'write', le(1000, 0x01020304, 4, 5000, 0x0a0b0c0d, 4));
        const before = digest(em, id);
        await expect(em.updateCall(id, 'fill_then_trap', le(100, 0xff, 40_000))).rejects.toThrow();
        await expect(em.updateCall(id, 'copy_then_trap', le(20_000, 0, 30_000))).rejects.toThrow();
        await expect(em.updateCall(id, 'init_then_trap', le(4090))).rejects.toThrow();
        expect(digest(em, id)).toBe(before);
        expect(new TextDecoder().decode(await em.updateCall(id, 'init', le(4090)))).toBe('passive segment bytes');
    });

    it('a query’s writes never stay', async () => {
        const { em, id } = await withWriter();
        const before = digest(em, id);
        await em.queryCall(id, 'write_in_query', le(10, 99, 4, 70_000, 5, 8));
        expect(digest(em, id)).toBe(before);
    });
});

describe('the memory, as the canister declared it', () => {
    it('memory.size and memory.grow answer in its own pages; a trap after a grow leaves the size as it was', async () => {
        const { em, id } = await withWriter();
        expect(readI64(await em.queryCall(id, 'size', EMPTY))).toBe(2n);
        expect(em.subnet.canister(id)?.heap().length).toBe(HEAP);
        await expect(em.updateCall(id, 'grow_write_trap', le(1))).rejects.toThrow();
        expect(readI64(await em.queryCall(id, 'size', EMPTY))).toBe(2n);
        expect(readI64(await em.updateCall(id, 'grow', le(1)))).toBe(2n);
        expect(readI64(await em.queryCall(id, 'size', EMPTY))).toBe(3n);
        expect(readI64(await em.updateCall(id, 'grow', le(70_000)))).toBe(-1n); // past 4 GiB: -1
    });

    it('bounds are exact: the last word of the heap loads, one byte further traps', async () => {
        const { em, id } = await withWriter();
        await expect(em.updateCall(id, 'write', le(HEAP - 4, 42, 4))).resolves.toEqual(new Uint8Array());
        expect(readI64(await em.queryCall(id, 'load', le(HEAP - 4)))).toBe(42n);
        await expect(em.queryCall(id, 'load', le(HEAP - 3))).rejects.toThrow('Canister trapped: heap out of bounds');
        await expect(em.queryCall(id, 'load', le(0xffff_fff0))).rejects.toThrow('Canister trapped: heap out of bounds');
        await expect(em.updateCall(id, 'fill_then_trap', le(0xffff_fff0, 1, 16))).rejects.toThrow('Canister trapped: heap out of bounds');
    });
});
