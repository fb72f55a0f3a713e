/**
 * What lives in a wasm instance besides memory and globals: tables and segments. The replica runs
 * every message in a fresh instance (rs/embedders/src/wasmtime_embedder.rs, new_instance), so a
 * table changed or a segment dropped by one message, trapped or not, is as the module declared it
 * in the next. The same rule for installs that fail, forks and restores.
 */
import { Principal } from '@dfinity/principal';

import { Emulator } from '../src/index.js';
import { wat } from '../src/testing/index.js';
import { module, readI64 } from './canisters.js';
import { EMPTY } from './setup.js';

function tableModule(): Uint8Array {
    return module(`
  (type $t (func (result i64)))
  (table $tab 2 funcref)
  (elem (i32.const 0) $one)
  (elem declare func $two)
  (func $one (result i64) (i64.const 1))
  (func $two (result i64) (i64.const 2))
  (data $greeting "hello")
  (func (export "canister_update set") (table.set $tab (i32.const 0) (ref.func $two)) (call $reply_i64 (i64.const 0)))
  (func (export "canister_update set_then_trap") (table.set $tab (i32.const 0) (ref.func $two)) unreachable)
  (func (export "canister_update grow_table_then_trap") (drop (table.grow $tab (ref.func $two) (i32.const 3))) unreachable)
  (func (export "canister_query table_size") (call $reply_i64 (i64.extend_i32_u (table.size $tab))))
  (func (export "canister_query entry") (call $reply_i64 (call_indirect (type $t) (i32.const 0))))
  (func (export "canister_update drop_segment") (data.drop $greeting) (call $reply_i64 (i64.const 0)))
  (func (export "canister_update drop_segment_then_trap") (data.drop $greeting) unreachable)
  (func (export "canister_update init") (memory.init $greeting (i32.const 100) (i32.const 0) (i32.const 5)) (call $reply_bytes (i32.const 100) (i32.const 5)))
  (func (export "canister_update remember") (i32.store (i32.const 200) (i32.const 7)) (call $reply_i64 (i64.const 0)))
  (func (export "canister_query remembered") (call $reply_i64 (i64.extend_i32_u (i32.load (i32.const 200)))))
`);
}

async function setup(): Promise<{ em: Emulator; id: Principal }> {
    const em = await Emulator.create();
    const id = await em.setupCanister({ wasm: tableModule() });
    return { em, id };
}

const query = async (em: Emulator, id: Principal, method: string) => readI64(await em.queryCall(id, method, EMPTY));

describe('tables and segments: a message never leaves a change to them behind', () => {
    it('a trapped table.set or table.grow is undone', async () => {
        const { em, id } = await setup();
        await expect(em.updateCall(id, 'set_then_trap', EMPTY)).rejects.toThrow(/unreachable/);
        expect(await query(em, id, 'entry')).toBe(1n);
        await expect(em.updateCall(id, 'grow_table_then_trap', EMPTY)).rejects.toThrow(/unreachable/);
        expect(await query(em, id, 'table_size')).toBe(2n);
    });

    it('a committed table.set lasts only for its message, as with the replica instance per message', async () => {
        const { em, id } = await setup();
        await em.updateCall(id, 'set', EMPTY);
        expect(await query(em, id, 'entry')).toBe(1n);
    });

    it('a dropped data segment is back in the next message, trapped or not; memory writes stay', async () => {
        const { em, id } = await setup();
        await expect(em.updateCall(id, 'drop_segment_then_trap', EMPTY)).rejects.toThrow(/unreachable/);
        expect(new TextDecoder().decode(await em.updateCall(id, 'init', EMPTY))).toBe('hello');
        await em.updateCall(id, 'drop_segment', EMPTY);
        await em.updateCall(id, 'remember', EMPTY);
        expect(new TextDecoder().decode(await em.updateCall(id, 'init', EMPTY))).toBe('hello');
        expect(await query(em, id, 'remembered')).toBe(7n);
    });

    it('a fork and a restore carry memory, not a table change', async () => {
        const { em, id } = await setup();
        await em.updateCall(id, 'remember', EMPTY);
        const saved = em.fork();
        await em.updateCall(id, 'set', EMPTY);
        em.restore(saved);
        expect(await query(em, id, 'entry')).toBe(1n);
        expect(await query(em, id, 'remembered')).toBe(7n);
        expect(await query(saved, id, 'entry')).toBe(1n);
    });
});

describe('modules the emulator refuses rather than run wrongly', () => {
    it('a mutable v128 global: refused at install with the reason, the canister left empty', async () => {
        const em = await Emulator.create();
        const id = await em.createCanister();
        const wasm = wat(`(module (global $g (mut v128) (v128.const i64x2 0 0)) (func (export "canister_query get")))`);
        await expect(em.installCode({ canisterId: id, wasm })).rejects.toThrow(/mutable global 0 is a v128, which this emulator cannot keep between messages/);
        expect((await em.canisterStatus({ canisterId: id })).moduleHash).toBeUndefined();
    });
});
