/**
 * The management canister as today's tools use it: gzip modules, the chunk store, the full
 * canister_status record, update_settings, canister snapshots, and canister_version around
 * installs (spec: the interface spec's management canister section and ic.did; the replica where
 * a text or a number comes from it).
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';

import { CallRejectedError, Emulator, MANAGEMENT_CANISTER, RejectCode } from '../src/index.js';
import {
    CanisterIdRecord,
    CanisterStatusResult,
    ChunkHash,
    InstallChunkedCodeArgs,
    UploadChunkArgs
} from '../src/management/candid.js';
import { wat } from '../src/testing/index.js';
import { calleeModule, readI64, versionModule } from './canisters.js';
import { EMPTY } from './setup.js';

const STRANGER = Emulator.identity('stranger');
const sha256 = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());

async function management<T>(em: Emulator, method: string, types: IDL.Type[], args: unknown[], ret: IDL.Type[] = [], sender?: Principal): Promise<T> {
    const reply = await em.updateCall(MANAGEMENT_CANISTER, method, new Uint8Array(IDL.encode(types, args)), { sender, maxRounds: 10 });
    return IDL.decode(ret, reply)[0] as T;
}

async function rejection(call: Promise<unknown>): Promise<CallRejectedError> {
    const e = await call.then(
        () => undefined,
        (x: unknown) => x
    );
    if (!(e instanceof CallRejectedError)) throw new Error(`expected a reject, got ${String(e)}`);
    return e;
}

/** `wasm` with a custom section appended that makes it `size` bytes or more (the IC allows custom sections). */
function padded(wasm: Uint8Array, size: number): Uint8Array {
    const leb = (n: number): number[] => {
        const out = [];
        do {
            out.push((n & 0x7f) | (n >= 0x80 ? 0x80 : 0));
            n = Math.floor(n / 128);
        } while (n > 0);
        return out;
    };
    const name = new TextEncoder().encode('padding');
    const contentLength = 1 + name.length + Math.max(0, size - wasm.length);
    const header = [0x00, ...leb(contentLength), ...leb(name.length), ...name];
    const out = new Uint8Array(wasm.length + header.length + contentLength - 1 - name.length);
    out.set(wasm, 0);
    out.set(header, wasm.length);
    // Bytes that differ from chunk to chunk: identical chunks are stored once.
    for (let i = wasm.length + header.length; i < out.length; i++) out[i] = (i * 31 + (i >>> 20)) & 0xff;
    return out;
}

describe('gzip-compressed modules (spec: install_code, "starts with 1f 8b 08")', () => {
    it('install; module_hash is the SHA-256 of the bytes as sent, compressed', async () => {
        const em = await Emulator.create();
        const gz = gzipSync(calleeModule());
        const id = await em.setupCanister({ wasm: gz });
        expect(Buffer.from((await em.canisterStatus({ canisterId: id })).moduleHash ?? []).toString('hex')).toBe(Buffer.from(sha256(gz)).toString('hex'));
        expect((await em.canisterStatus({ canisterId: id })).record.memory_metrics.wasm_binary_size).toBe(BigInt(gz.length));
        expect(new TextDecoder().decode(await em.updateCall(id, 'echo', new TextEncoder().encode('hi')))).toBe('hi');
    });

    it('anything that is neither wasm nor gzip is refused with the replica’s text', async () => {
        const em = await Emulator.create();
        const id = await em.createCanister();
        const args = [{ mode: { install: null }, canister_id: id, wasm_module: new TextEncoder().encode('not a module'), arg: EMPTY, sender_canister_version: [] }];
        const { InstallCodeArgs } = await import('../src/management/candid.js');
        const reject = await rejection(management(em, 'install_code', [InstallCodeArgs], args));
        expect(reject.rejectMessage).toMatch(/unsupported canister module format/);
    });

    it('a gzip stream that declares more than 100 MiB (WASM_MAX_SIZE) is refused before it is inflated', async () => {
        const em = await Emulator.create();
        const id = await em.createCanister();
        const bomb = gzipSync(calleeModule());
        new DataView(bomb.buffer, bomb.byteOffset + bomb.length - 4, 4).setUint32(0, 100 * 1024 * 1024 + 1, true);
        await expect(em.installCode({ canisterId: id, wasm: bomb })).rejects.toThrow(/exceeds the maximum allowed size of 104857600/);
    });
});

describe('the chunk store (spec: upload_chunk, install_chunked_code; replica wasm_chunk_store.rs)', () => {
    const upload = (em: Emulator, id: Principal, chunk: Uint8Array, sender?: Principal) =>
        management<{ hash: Uint8Array }>(em, 'upload_chunk', [UploadChunkArgs], [{ canister_id: id, chunk }], [ChunkHash], sender);

    it('installs a 3.5 MB module sent in 1 MiB chunks, checking the whole module’s hash', async () => {
        const em = await Emulator.create();
        const wasm = padded(calleeModule(), 3_500_000);
        const id = await em.createCanister();
        const hashes = [];
        for (let at = 0; at < wasm.length; at += 1024 * 1024) hashes.push(await upload(em, id, wasm.subarray(at, at + 1024 * 1024)));
        expect(hashes.length).toBe(Math.ceil(wasm.length / (1024 * 1024)));
        const stored = await management<{ hash: Uint8Array }[]>(em, 'stored_chunks', [CanisterIdRecord], [{ canister_id: id }], [IDL.Vec(ChunkHash)]);
        expect(stored).toHaveLength(hashes.length);
        const args = {
            mode: { install: null },
            target_canister: id,
            store_canister: [],
            chunk_hashes_list: hashes,
            wasm_module_hash: sha256(wasm),
            arg: new Uint8Array(IDL.encode([], [])),
            sender_canister_version: []
        };
        const wrongHash = await rejection(management(em, 'install_chunked_code', [InstallChunkedCodeArgs], [{ ...args, wasm_module_hash: new Uint8Array(32) }]));
        expect(wrongHash.rejectMessage).toMatch(/does not match given hash/);
        await management(em, 'install_chunked_code', [InstallChunkedCodeArgs], [args]);
        await em.runUntilIdle();
        expect(await em.updateCall(id, 'echo', new Uint8Array([1, 2, 3]))).toEqual(new Uint8Array([1, 2, 3]));
    });

    it('a chunk above 1 MiB is refused; the same chunk twice is stored once; clear empties the store', async () => {
        const em = await Emulator.create();
        const id = await em.createCanister();
        const big = await rejection(upload(em, id, new Uint8Array(1024 * 1024 + 1)));
        expect(big.rejectMessage).toBe('Error from Wasm chunk store: Wasm chunk size 1048577 exceeds the maximum chunk size of 1048576.');
        const a = await upload(em, id, new Uint8Array([1]));
        expect(await upload(em, id, new Uint8Array([1]))).toEqual(a);
        expect(await management<unknown[]>(em, 'stored_chunks', [CanisterIdRecord], [{ canister_id: id }], [IDL.Vec(ChunkHash)])).toHaveLength(1);
        await management(em, 'clear_chunk_store', [CanisterIdRecord], [{ canister_id: id }]);
        expect(await management<unknown[]>(em, 'stored_chunks', [CanisterIdRecord], [{ canister_id: id }], [IDL.Vec(ChunkHash)])).toEqual([]);
    });

    it('holds at most 100 chunks (100 MiB, WASM_MAX_SIZE)', async () => {
        const em = await Emulator.create();
        const id = await em.createCanister();
        for (let i = 0; i < 100; i++) await upload(em, id, new Uint8Array([i]));
        const full = await rejection(upload(em, id, new Uint8Array([200])));
        expect(full.rejectMessage).toBe('Error from Wasm chunk store: Wasm chunk store has already reached maximum capacity of 104857600 bytes.');
        await upload(em, id, new Uint8Array([7])); // a chunk already stored is a no-op, even when full
    });

    it('only controllers (and the canister itself) may use it', async () => {
        const em = await Emulator.create();
        const id = await em.createCanister();
        const reject = await rejection(upload(em, id, new Uint8Array([1]), STRANGER));
        expect(reject.rejectMessage).toMatch(/Only the controllers of the canister/);
    });
});

describe('canister_status (the current ic.did record)', () => {
    it('answers every field of canister_status_result, with the version and memory metrics', async () => {
        const em = await Emulator.create();
        const id = await em.setupCanister({ wasm: calleeModule() });
        const record = (await em.canisterStatus({ canisterId: id })).record;
        expect(Object.keys(record).sort()).toEqual(
            ['cycles', 'idle_cycles_burned_per_day', 'memory_metrics', 'memory_size', 'module_hash', 'query_stats', 'ready_for_migration', 'reserved_cycles', 'settings', 'status', 'version'].sort()
        );
        expect(Object.keys(record.settings).sort()).toEqual(
            [
                'compute_allocation',
                'controllers',
                'environment_variables',
                'freezing_threshold',
                'log_memory_limit',
                'log_visibility',
                'memory_allocation',
                'minimum_incoming_canister_call_cycles',
                'reserved_cycles_limit',
                'snapshot_visibility',
                'status_visibility',
                'wasm_memory_limit',
                'wasm_memory_threshold'
            ].sort()
        );
        expect(record.settings.freezing_threshold).toBe(2_592_000n); // spec default
        expect(record.ready_for_migration).toBe(false); // spec: only ever true when stopped
        await em.stopCanister({ canisterId: id });
        expect((await em.canisterStatus({ canisterId: id })).record.ready_for_migration).toBe(true);
    });

    it('is readable by a stranger only when status_visibility says so', async () => {
        const em = await Emulator.create();
        const id = await em.setupCanister({ wasm: calleeModule() });
        const asStranger = () => management<CanisterStatusResult>(em, 'canister_status', [CanisterIdRecord], [{ canister_id: id }], [CanisterStatusResult], STRANGER);
        expect((await rejection(asStranger())).rejectMessage).toMatch(/Only the controllers/);
        await em.updateSettings({ canisterId: id, settings: { status_visibility: [{ public: null }] } });
        expect((await asStranger()).settings.status_visibility).toEqual({ public: null });
    });
});

describe('update_settings', () => {
    it('changes the fields it carries and leaves the others ("not including a setting means not changing that field")', async () => {
        const em = await Emulator.create();
        const id = await em.createCanister();
        await em.updateSettings({ canisterId: id, settings: { freezing_threshold: [100n], environment_variables: [[{ name: 'A', value: 'b' }]] } });
        await em.updateSettings({ canisterId: id, settings: { wasm_memory_limit: [1n << 30n] } });
        const { settings } = (await em.canisterStatus({ canisterId: id })).record;
        expect(settings).toMatchObject({ freezing_threshold: 100n, wasm_memory_limit: 1n << 30n, environment_variables: [{ name: 'A', value: 'b' }] });
        expect(settings.controllers).toEqual([em.defaultSender]);
    });

    it('refuses more than 10 controllers (MAX_ALLOWED_CONTROLLERS_COUNT), changing nothing', async () => {
        const em = await Emulator.create();
        const id = await em.createCanister();
        const eleven = Array.from({ length: 11 }, (_, i) => Emulator.identity(`c${i}`));
        const refused = await rejection(em.updateControllers({ canisterId: id, controllers: eleven }));
        expect([refused.rejectCode, refused.rejectMessage]).toEqual([RejectCode.CanisterError, "Could not validate the settings: 'controllers' length exceeds maximum size allowed of 10."]);
        expect((await em.canisterStatus({ canisterId: id })).controllers).toEqual([em.defaultSender]);
    });
});

describe('a method the management canister does not have', () => {
    it('is CANISTER_ERROR (IC0536), not DESTINATION_INVALID: the canister exists', async () => {
        const em = await Emulator.create();
        const refused = await rejection(management(em, 'no_such_method', [], []));
        expect([refused.rejectCode, refused.rejectMessage]).toEqual([RejectCode.CanisterError, "Management canister has no method 'no_such_method'"]);
    });
});

describe('canister_version around installs (spec: "canister_post_upgrade sees the new counter value")', () => {
    it('init and post_upgrade already see the bumped version', async () => {
        const em = await Emulator.create();
        const id = await em.createCanister(); // version 0
        await em.installCode({ canisterId: id, wasm: versionModule() });
        expect(readI64(await em.queryCall(id, 'seen', EMPTY))).toBe(1n);
        expect(readI64(await em.queryCall(id, 'now', EMPTY))).toBe(1n);
        await em.upgradeCanister({ canisterId: id, wasm: versionModule() });
        expect(readI64(await em.queryCall(id, 'seen', EMPTY))).toBe(2n);
    });

    it('a failed install leaves the version as it was', async () => {
        const em = await Emulator.create();
        const id = await em.setupCanister({ wasm: versionModule() });
        const { replyInInitModule } = await import('./canisters');
        await expect(em.reinstallCode({ canisterId: id, wasm: replyInInitModule() })).rejects.toBeInstanceOf(CallRejectedError);
        expect((await em.canisterStatus({ canisterId: id })).version).toBe(1n);
    });

    it('a failed upgrade keeps the balance: cycles pre_upgrade burnt are not spent (the replica installs on a copy)', async () => {
        const em = await Emulator.create();
        const upgradable = (postUpgrade: string) =>
            wat(`(module
  (import "ic0" "cycles_burn128" (func $burn (param i64 i64 i32)))
  (memory 1)
  (func (export "canister_pre_upgrade") (call $burn (i64.const 0) (i64.const 1000000000) (i32.const 0)))
  (func (export "canister_post_upgrade") ${postUpgrade}))`);
        const id = await em.setupCanister({ wasm: upgradable('') });
        const before = (await em.canisterStatus({ canisterId: id })).cycles;
        await expect(em.upgradeCanister({ canisterId: id, wasm: upgradable('unreachable') })).rejects.toBeInstanceOf(CallRejectedError);
        expect((await em.canisterStatus({ canisterId: id })).cycles).toBe(before);
        await em.upgradeCanister({ canisterId: id, wasm: upgradable('') });
        expect((await em.canisterStatus({ canisterId: id })).cycles).toBe(before - 1_000_000_000n);
    });
});

describe('canister snapshots (spec: take/load/list/delete_canister_snapshot)', () => {
    it('snapshot, change, load: the state comes back and the version goes up by one', async () => {
        const em = await Emulator.create();
        const id = await em.setupCanister({ wasm: versionModule() });
        await em.updateCall(id, 'bump', EMPTY);
        await em.stopCanister({ canisterId: id });
        const snapshot = await em.takeCanisterSnapshot({ canisterId: id });
        // The replica's SnapshotId: the 8-byte big-endian counter, then the canister id.
        expect([...snapshot.id]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, ...id.toUint8Array()]);
        await em.startCanister({ canisterId: id });
        await em.updateCall(id, 'bump', EMPTY);
        await em.upgradeCanister({ canisterId: id, wasm: calleeModule() }); // a different module
        await em.stopCanister({ canisterId: id });
        const before = (await em.canisterStatus({ canisterId: id })).version;
        await em.loadCanisterSnapshot({ canisterId: id, snapshotId: snapshot.id });
        await em.startCanister({ canisterId: id });
        expect(readI64(await em.queryCall(id, 'counter', EMPTY))).toBe(1n);
        expect((await em.canisterStatus({ canisterId: id })).version).toBe(before + 2n); // load, then start
        expect(await em.listCanisterSnapshots({ canisterId: id })).toEqual([snapshot]);
        await em.deleteCanisterSnapshot({ canisterId: id, snapshotId: snapshot.id });
        expect(await em.listCanisterSnapshots({ canisterId: id })).toEqual([]);
        await expect(em.loadCanisterSnapshot({ canisterId: id, snapshotId: snapshot.id })).rejects.toThrow(/Could not find the snapshot ID/);
    });

    it('at most 10 per canister (MAX_NUMBER_OF_SNAPSHOTS_PER_CANISTER), unless one is replaced', async () => {
        const em = await Emulator.create();
        const id = await em.setupCanister({ wasm: versionModule() });
        const taken = [];
        for (let i = 0; i < 10; i++) taken.push(await em.takeCanisterSnapshot({ canisterId: id }));
        await expect(em.takeCanisterSnapshot({ canisterId: id })).rejects.toThrow(/maximum number of snapshots allowed: 10/);
        const replacement = await em.takeCanisterSnapshot({ canisterId: id, replaceSnapshot: taken[0].id });
        const ids = (await em.listCanisterSnapshots({ canisterId: id })).map((s) => Buffer.from(s.id).toString('hex'));
        expect(ids).toHaveLength(10);
        expect(ids).toContain(Buffer.from(replacement.id).toString('hex'));
        expect(ids).not.toContain(Buffer.from(taken[0].id).toString('hex'));
    });

    it('only controllers may take or load them', async () => {
        const em = await Emulator.create();
        const id = await em.setupCanister({ wasm: versionModule() });
        await expect(em.takeCanisterSnapshot({ canisterId: id, sender: STRANGER })).rejects.toThrow(/Only the controllers/);
    });
});

