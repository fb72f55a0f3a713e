/**
 * The limits a replica enforces on every message: instructions (counted by instrumenting the
 * module, dfinity/ic rs/embedders/src/wasm_utils/instrumentation.rs), message sizes (the System
 * API's payload limits, rs/limits) and per-pair queue capacity (rs/replicated_state
 * canister_state/queues.rs, DEFAULT_QUEUE_CAPACITY).
 */
import { Principal } from '@dfinity/principal';

import { CallRejectedError, Emulator, EmulatorError, RejectCode } from '../src/index.js';
import { ellipsizeReject } from '../src/execution/user_errors.js';
import { inject } from '../src/wasm/inject.js';

const meter = (bytes: Uint8Array) => inject(bytes, { metering: true, dirtyPages: true });
import { wat } from '../src/testing/index.js';
import { calleeModule, callerModule, module, parseReport, readI64 } from './canisters.js';
import { EMPTY } from './setup.js';

const HELP =
    'Try optimizing this method to consume fewer instructions or split the work across multiple messages. ' +
    'See documentation: http://internetcomputer.org/docs/current/references/execution-errors#instruction-limit-exceeded';

/** The reject an ingress message gets from a canister that ran out of instructions. */
function limitExceeded(id: Principal, limit: bigint): string {
    return `Error from Canister ${id.toText()}: Canister exceeded the limit of ${limit} instructions for single message execution..\n${HELP}`;
}

const le64 = (n: bigint | number): Uint8Array => {
    const out = new Uint8Array(8);
    new DataView(out.buffer).setBigUint64(0, BigInt(n), true);
    return out;
};

/** Methods that run for ever or for as long as their argument says. */
function spinnerModule(): Uint8Array {
    return module(`
  (func $spin (loop $l (br $l)))
  (func $recurse (call $recurse))
  (func $arg_i64 (result i64)
    (call $msg_arg_data_copy (i32.const 0) (i32.const 0) (i32.const 8))
    (i64.load (i32.const 0)))
  (func (export "canister_update spin") (call $spin))
  (func (export "canister_update recurse") (call $recurse))
  (func (export "canister_query spin_query") (call $spin))
  (func (export "canister_update bump_then_spin")
    (i64.store (i32.const 500) (i64.add (i64.load (i32.const 500)) (i64.const 1)))
    (call $spin))
  (func (export "canister_query counter") (call $reply_i64 (i64.load (i32.const 500))))
  ;; Fills arg bytes of the heap with memory.fill (after growing it to 4 MiB).
  (func (export "canister_update fill")
    (drop (memory.grow (i32.const 62)))
    (memory.fill (i32.const 0) (i32.const 7) (i32.wrap_i64 (call $arg_i64)))
    (call $reply_bytes (i32.const 0) (i32.const 0)))
  ;; Replies with the instructions counted across a loop of arg iterations (performance_counter 0).
  (func (export "canister_update count_loop")
    (local $before i64) (local $i i32)
    (local.set $i (i32.wrap_i64 (call $arg_i64)))
    (local.set $before (call $performance_counter (i32.const 0)))
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $i)))
        (local.set $i (i32.sub (local.get $i) (i32.const 1)))
        (br $l)))
    (call $reply_i64 (i64.sub (call $performance_counter (i32.const 0)) (local.get $before))))
  ;; The same with a System API call (ic0.time) in the loop body.
  (func (export "canister_update count_time_calls")
    (local $before i64) (local $i i32)
    (local.set $i (i32.wrap_i64 (call $arg_i64)))
    (local.set $before (call $performance_counter (i32.const 0)))
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $i)))
        (drop (call $time))
        (local.set $i (i32.sub (local.get $i) (i32.const 1)))
        (br $l)))
    (call $reply_i64 (i64.sub (call $performance_counter (i32.const 0)) (local.get $before))))
  (func (export "canister_update counters")
    (i64.store (i32.const 100) (call $performance_counter (i32.const 0)))
    (i64.store (i32.const 108) (call $performance_counter (i32.const 1)))
    (call $reply_bytes (i32.const 100) (i32.const 16)))`);
}

async function withSpinner(options: Parameters<typeof Emulator.create>[0] = {}): Promise<{ em: Emulator; id: Principal }> {
    const em = await Emulator.create(options);
    const id = await em.setupCanister({ wasm: spinnerModule() });
    return { em, id };
}

describe('instruction limits', () => {
    it('loop br 0 traps with the replica’s message once the update limit is used up, and its state is rolled back', async () => {
        const { em, id } = await withSpinner({ instructionLimits: { update: 50_000_000n } });
        await expect(em.updateCall(id, 'spin', EMPTY)).rejects.toMatchObject({ rejectCode: RejectCode.CanisterError, message: expect.stringContaining(limitExceeded(id, 50_000_000n)) });
        await expect(em.updateCall(id, 'bump_then_spin', EMPTY)).rejects.toBeInstanceOf(CallRejectedError);
        expect(readI64(await em.queryCall(id, 'counter', EMPTY))).toBe(0n);
    });

    it('recursion without a loop is caught at function entry', async () => {
        const { em, id } = await withSpinner({ instructionLimits: { update: 5_000n } });
        await expect(em.updateCall(id, 'recurse', EMPTY)).rejects.toMatchObject({ message: expect.stringContaining(limitExceeded(id, 5_000n)) });
    });

    it('a query has its own, lower limit', async () => {
        const { em, id } = await withSpinner({ instructionLimits: { query: 20_000_000n } });
        await expect(em.queryCall(id, 'spin_query', EMPTY)).rejects.toMatchObject({ message: expect.stringContaining(limitExceeded(id, 20_000_000n)) });
    });

    it('a query method called as an update keeps the query limit (the replica runs it as a query)', async () => {
        const { em, id } = await withSpinner({ instructionLimits: { query: 20_000_000n } });
        await expect(em.updateCall(id, 'spin_query', EMPTY)).rejects.toMatchObject({ message: expect.stringContaining(limitExceeded(id, 20_000_000n)) });
    });

    it('a callback may use 95 % of the limit: the rest is kept for its cleanup, which still runs when the callback runs out', async () => {
        const em = await Emulator.create({ instructionLimits: { update: 10_000_000n } });
        const callee = await em.setupCanister({ wasm: calleeModule() });
        const id = callee.toUint8Array();
        const caller = await em.setupCanister({
            wasm: module(`
  (table 3 funcref)
  (elem (i32.const 0) $spin $spin $cleanup)
  (global $cleaned (mut i64) (i64.const 0))
  (data (i32.const 0) "${[...id].map((b) => `\\${b.toString(16).padStart(2, '0')}`).join('')}")
  (data (i32.const 100) "echo")
  (func $spin (param i32) (loop $l (br $l)))
  (func $cleanup (param i32) (global.set $cleaned (i64.const 1)))
  (func (export "canister_update go")
    (call $call_new (i32.const 0) (i32.const ${id.length}) (i32.const 100) (i32.const 4) (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 0))
    (call $call_on_cleanup (i32.const 2) (i32.const 0))
    (drop (call $call_perform)))
  (func (export "canister_query cleaned") (call $reply_i64 (global.get $cleaned)))`)
        });
        // The callback's trap names the whole limit, as the replica's does.
        await expect(em.updateCall(caller, 'go', EMPTY)).rejects.toThrow(limitExceeded(caller, 10_000_000n));
        expect(readI64(await em.queryCall(caller, 'cleaned', EMPTY))).toBe(1n);
    });

    it('canister_init shares the install limit: past it the install fails and the canister stays empty', async () => {
        const em = await Emulator.create({ instructionLimits: { install: 30_000_000n } });
        const id = await em.createCanister();
        const spinningInit = module(`(func (export "canister_init") (loop $l (br $l)))`);
        await expect(em.installCode({ canisterId: id, wasm: spinningInit })).rejects.toThrow('Canister exceeded the limit of 30000000 instructions for single message execution.');
        expect((await em.canisterStatus({ canisterId: id })).moduleHash).toBeUndefined();
    });

    it('canister_inspect_message has the replica’s 200 M limit: a spinning inspection refuses the message', async () => {
        const em = await Emulator.create();
        const id = await em.setupCanister({
            wasm: module(`
  (func (export "canister_inspect_message") (loop $l (br $l)))
  (func (export "canister_update ok") (call $reply_bytes (i32.const 0) (i32.const 0)))`)
        });
        await expect(em.updateCall(id, 'ok', EMPTY)).rejects.toMatchObject({
            rejectCode: RejectCode.CanisterError,
            message: expect.stringContaining('Canister exceeded the limit of 200000000 instructions for single message execution.')
        });
    });

    it('memory.fill costs its size: 1 MiB passes a 2 M limit and fails a 500 K one', async () => {
        const { em, id } = await withSpinner({ instructionLimits: { update: 2_000_000n } });
        await expect(em.updateCall(id, 'fill', le64(1 << 20))).resolves.toEqual(new Uint8Array());
        const tight = await withSpinner({ instructionLimits: { update: 500_000n } });
        await expect(tight.em.updateCall(tight.id, 'fill', le64(1 << 20))).rejects.toMatchObject({ message: expect.stringContaining(limitExceeded(tight.id, 500_000n)) });
        await expect(tight.em.updateCall(tight.id, 'fill', le64(1 << 10))).resolves.toEqual(new Uint8Array());
    });
});

describe('performance_counter', () => {
    it('counts the replica’s instruction costs: one more loop iteration costs exactly what its body does', async () => {
        const { em, id } = await withSpinner();
        const count = async (n: number): Promise<bigint> => readI64(await em.updateCall(id, 'count_loop', le64(n)));
        // Per iteration: local.get, i32.eqz, br_if (2), local.get, i32.const, i32.sub, local.set, br (2) = 10.
        expect((await count(2_000)) - (await count(1_000))).toBe(10_000n);
        expect(await count(0)).toBeGreaterThan(0n);
    });

    it('charges System API calls their replica overhead (500 for ic0.time)', async () => {
        const { em, id } = await withSpinner();
        const count = async (n: number): Promise<bigint> => readI64(await em.updateCall(id, 'count_time_calls', le64(n)));
        // The loop body above plus call (5) and drop (1), and 500 for the System API call.
        expect((await count(200)) - (await count(100))).toBe(100n * (10n + 6n + 500n));
    });

    it('counter 1 (the call context’s) adds the instructions of the context’s earlier executions', async () => {
        const em = await Emulator.create();
        const callee = await em.setupCanister({ wasm: calleeModule() });
        const id = callee.toUint8Array();
        const caller = await em.setupCanister({
            wasm: module(`
  (table 2 funcref)
  (elem (i32.const 0) $on_reply $on_reply)
  (data (i32.const 0) "${[...id].map((b) => `\\${b.toString(16).padStart(2, '0')}`).join('')}")
  (data (i32.const 100) "echo")
  (func (export "canister_update go")
    (i64.store (i32.const 300) (call $performance_counter (i32.const 0)))
    (call $call_new (i32.const 0) (i32.const ${id.length}) (i32.const 100) (i32.const 4) (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 0))
    (drop (call $call_perform)))
  (func (export "canister_update counters")
    (i64.store (i32.const 100) (call $performance_counter (i32.const 0)))
    (i64.store (i32.const 108) (call $performance_counter (i32.const 1)))
    (call $reply_bytes (i32.const 100) (i32.const 16)))
  (func $on_reply (param i32)
    (i64.store (i32.const 200) (call $performance_counter (i32.const 0)))
    (i64.store (i32.const 208) (call $performance_counter (i32.const 1)))
    (call $reply_bytes (i32.const 200) (i32.const 16)))`)
        });
        const read = (reply: Uint8Array): [bigint, bigint] => {
            const view = new DataView(reply.buffer, reply.byteOffset);
            return [view.getBigInt64(0, true), view.getBigInt64(8, true)];
        };
        // In an update there is nothing earlier: the two differ by the second read's 200.
        const [zero, one] = read(await em.updateCall(caller, 'counters', EMPTY));
        expect(one - zero).toBe(200n);
        // In the callback, counter 1 also holds what `go` used: call_new (1,500) and call_perform (5,000) at least.
        const [callbackZero, callbackOne] = read(await em.updateCall(caller, 'go', EMPTY));
        expect(callbackOne - callbackZero - 200n).toBeGreaterThan(6_500n);
    });

    it('reads 0 and enforces no limit in an emulator created without metering', async () => {
        const { em, id } = await withSpinner({ metering: false, instructionLimits: { update: 1_000n } });
        expect(readI64(await em.updateCall(id, 'count_loop', le64(10_000)))).toBe(0n);
    });
});

describe('metering a module', () => {
    it('keeps modules valid whatever sections they have: no globals, no code, a start function, bulk memory', () => {
        const shapes = [
            '(module)',
            '(module (func))',
            '(module (global (mut i32) (i32.const 1)) (func $f (loop br 0)) (start $f))',
            '(module (memory 1) (data "x") (func (memory.copy (i32.const 0) (i32.const 1) (i32.const 1)) (memory.fill (i32.const 0) (i32.const 0) (i32.const 0))))',
            '(module (import "ic0" "time" (func (result i64))) (func (result i64) (if (result i64) (i32.const 1) (then (call 0)) (else (i64.const 1)))))'
        ];
        for (const text of shapes) {
            const metered = meter(wat(text));
            expect(WebAssembly.validate(new Uint8Array(metered.wasm))).toBe(true);
        }
    });

    it('refuses atomic instructions, as the IC has no threads', () => {
        // (module (func atomic.fence)), by hand: wabt would need the threads feature to write it.
        const bytes = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 10, 7, 1, 5, 0, 0xfe, 3, 0, 0x0b]);
        expect(WebAssembly.validate(bytes)).toBe(true);
        expect(() => meter(bytes)).toThrow(/atomic instruction at offset \d+: threads are not supported/);
    });

    it('refuses instructions it cannot meter with a clear error', () => {
        const bytes = wat('(module (func))');
        const broken = new Uint8Array(bytes);
        // Replace the body's `end` with an opcode no proposal defines.
        broken[broken.length - 1] = 0x27;
        expect(() => meter(broken)).toThrow(/instruction 0x27 at offset \d+ is not supported/);
    });
});

describe('message sizes', () => {
    /** A canister that grows its heap to 16 MiB and sends or replies with arg bytes of it. */
    function bigPayloadModule(callee: Principal): Uint8Array {
        const id = callee.toUint8Array();
        return module(`
  (table 2 funcref)
  (elem (i32.const 0) $noop $noop)
  (func $noop (param i32))
  (data (i32.const 0) "${[...id].map((b) => `\\${b.toString(16).padStart(2, '0')}`).join('')}")
  (data (i32.const 100) "echo")
  (func $size (result i32)
    (call $msg_arg_data_copy (i32.const 200) (i32.const 0) (i32.const 8))
    (drop (memory.grow (i32.const 254)))
    (i32.wrap_i64 (i64.load (i32.const 200))))
  (func (export "canister_update send")
    (local $n i32)
    (local.set $n (call $size))
    (call $call_new (i32.const 0) (i32.const ${id.length}) (i32.const 100) (i32.const 4) (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 0))
    (call $call_data_append (i32.const 1000) (local.get $n))
    (drop (call $call_perform))
    (call $reply_bytes (i32.const 0) (i32.const 0)))
  (func (export "canister_update reply")
    (call $reply_bytes (i32.const 1000) (call $size)))
  (func (export "canister_query reply_query")
    (call $reply_bytes (i32.const 1000) (call $size)))`);
    }

    const MiB = 1024 * 1024;

    async function withBig(): Promise<{ em: Emulator; id: Principal; callee: Principal }> {
        const em = await Emulator.create();
        const callee = await em.setupCanister({ wasm: calleeModule() });
        const id = await em.setupCanister({ wasm: bigPayloadModule(callee) });
        return { em, id, callee };
    }

    it('an ingress message over 2 MiB is refused before it enters the subnet, as the replica words it', async () => {
        const { em, callee } = await withBig();
        const big = new Uint8Array(12 * MiB);
        await expect(em.updateCall(callee, 'echo', big)).rejects.toThrow(
            new EmulatorError(`Request to ${callee.toText()}:echo is too large. Message byte size ${big.length + 'echo'.length} is larger than the max allowed ${2 * MiB}.`)
        );
    });

    it('a 12 MiB inter-canister request traps the caller: the payload limit is 10 MiB within a subnet', async () => {
        const { em, id, callee } = await withBig();
        await expect(em.updateCall(id, 'send', le64(12 * MiB))).rejects.toThrow(
            `Canister violated contract: Request to ${callee.toText()}:echo has a payload size of ${12 * MiB + 4}, which exceeds the allowed limit of ${10 * MiB}.`
        );
        await expect(em.updateCall(id, 'send', le64(9 * MiB))).resolves.toEqual(new Uint8Array());
    });

    it('a 3 MiB reply traps an update (2 MiB limit) but not a query, whose limit is 3 MiB', async () => {
        const { em, id } = await withBig();
        await expect(em.updateCall(id, 'reply', le64(3 * MiB))).rejects.toThrow(
            `Canister violated contract: ic0.msg_reply_data_append: application payload size (${3 * MiB}) cannot be larger than ${2 * MiB}.`
        );
        expect((await em.updateCall(id, 'reply', le64(2 * MiB))).length).toBe(2 * MiB);
        expect((await em.queryCall(id, 'reply_query', le64(3 * MiB))).length).toBe(3 * MiB);
        await expect(em.queryCall(id, 'reply_query', le64(3 * MiB + 1))).rejects.toThrow(`cannot be larger than ${3 * MiB}.`);
    });
});

describe('queue capacity', () => {
    /** `go` performs arg calls to the callee's echo in one execution and replies with how many call_perform refused, and the last code. */
    function fanOutModule(callee: Principal): Uint8Array {
        const id = callee.toUint8Array();
        return module(`
  (table 2 funcref)
  (elem (i32.const 0) $noop $noop)
  (func $noop (param i32))
  (data (i32.const 0) "${[...id].map((b) => `\\${b.toString(16).padStart(2, '0')}`).join('')}")
  (data (i32.const 100) "echo")
  (func (export "canister_update go")
    (local $n i32) (local $code i32) (local $refused i32) (local $last i32)
    (call $msg_arg_data_copy (i32.const 200) (i32.const 0) (i32.const 8))
    (local.set $n (i32.load (i32.const 200)))
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (call $call_new (i32.const 0) (i32.const ${id.length}) (i32.const 100) (i32.const 4) (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 0))
        (call $call_cycles_add128 (i64.const 0) (i64.const 1000))
        (local.set $code (call $call_perform))
        (if (local.get $code) (then
          (local.set $refused (i32.add (local.get $refused) (i32.const 1)))
          (local.set $last (local.get $code))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l)))
    (i32.store (i32.const 300) (local.get $refused))
    (i32.store (i32.const 304) (local.get $last))
    (call $reply_bytes (i32.const 300) (i32.const 8)))`);
    }

    it('the 501st outstanding call to one callee fails in call_perform with SYS_TRANSIENT (2), its cycles kept', async () => {
        const em = await Emulator.create();
        const callee = await em.setupCanister({ wasm: calleeModule() });
        const id = await em.setupCanister({ wasm: fanOutModule(callee), cycles: 10_000_000n });
        const reply = await em.updateCall(id, 'go', le64(501));
        const view = new DataView(reply.buffer, reply.byteOffset);
        expect([view.getInt32(0, true), view.getInt32(4, true)]).toEqual([1, 2]);
        await em.runUntilIdle();
        // 500 calls went out and were answered without the callee accepting: every cycle is back.
        expect((await em.canisterStatus({ canisterId: id })).cycles).toBe(10_000_000n);
        // Their responses consumed, the slots are free again.
        const again = await em.updateCall(id, 'go', le64(500));
        expect(new DataView(again.buffer, again.byteOffset).getInt32(0, true)).toBe(0);
    });

    it('a lower capacity is configurable', async () => {
        const em = await Emulator.create({ queueCapacity: 3 });
        const callee = await em.setupCanister({ wasm: calleeModule() });
        const id = await em.setupCanister({ wasm: fanOutModule(callee) });
        const reply = await em.updateCall(id, 'go', le64(5));
        expect(new DataView(reply.buffer, reply.byteOffset).getInt32(0, true)).toBe(2);
    });
});

describe('inner rounds and timeouts', () => {
    it('a timeout-0 best-effort call to an echo succeeds: the call and its reply run within the round', async () => {
        const em = await Emulator.create();
        const callee = await em.setupCanister({ wasm: calleeModule() });
        const caller = await em.setupCanister({ wasm: callerModule({ callee, method: 'echo', payload: new Uint8Array([1]), timeoutSeconds: 0 }) });
        const report = parseReport(await em.updateCall(caller, 'go', EMPTY));
        expect(report.code).toBe(0);
        expect(report.data).toEqual(new Uint8Array([1]));
    });

    it('one hop per round instead: the same call times out (SYS_UNKNOWN)', async () => {
        const em = await Emulator.create({ innerRounds: false });
        const callee = await em.setupCanister({ wasm: calleeModule() });
        const caller = await em.setupCanister({ wasm: callerModule({ callee, method: 'echo', timeoutSeconds: 0 }) });
        expect(parseReport(await em.updateCall(caller, 'go', EMPTY)).code).toBe(RejectCode.SysUnknown);
    });
});

describe('a guaranteed request held in the output queue', () => {
    it('times out after 300 s with SYS_TRANSIENT "Request timed out." and every cycle refunded', async () => {
        const em = await Emulator.create();
        const callee = await em.setupCanister({ wasm: calleeModule() });
        const caller = await em.setupCanister({ wasm: callerModule({ callee, method: 'echo', cycles: 5_000n }) });
        em.congest(callee, 1_000);
        const go = em.submit(caller, 'go', EMPTY);
        await em.tick(299);
        expect(go.status).toBe('pending');
        await em.tick(3);
        const report = parseReport(go.result());
        expect([report.code, report.text, report.refunded]).toEqual([RejectCode.SysTransient, 'Request timed out.', 5_000n]);
    });
});

describe('what a calling canister is told', () => {
    it('a trap arrives with the replica’s error code in front (IC0502) and its help; an ingress caller gets no code', async () => {
        const em = await Emulator.create();
        const callee = await em.setupCanister({ wasm: calleeModule() });
        const caller = await em.setupCanister({ wasm: callerModule({ callee, method: 'trap' }) });
        const text =
            `Error from Canister ${callee.toText()}: Canister trapped: unreachable.\n` +
            'Consider gracefully handling failures from this canister or altering the canister to handle exceptions. ' +
            'See documentation: http://internetcomputer.org/docs/current/references/execution-errors#trapped';
        const report = parseReport(await em.updateCall(caller, 'go', EMPTY));
        expect([report.code, report.text]).toEqual([RejectCode.CanisterError, `IC0502: ${text}`]);
        await expect(em.updateCall(callee, 'trap', EMPTY)).rejects.toMatchObject({ rejectMessage: text });
    });

    it('wasm traps are named as the replica names them', async () => {
        const em = await Emulator.create();
        const id = await em.setupCanister({
            wasm: module(`
  (func (export "canister_update divide") (drop (i32.div_u (i32.const 1) (i32.const 0))))
  (func (export "canister_update out_of_bounds") (drop (i32.load (i32.const 0x7ffffff0))))`)
        });
        await expect(em.updateCall(id, 'divide', EMPTY)).rejects.toThrow('Canister trapped: integer division by 0.');
        await expect(em.updateCall(id, 'out_of_bounds', EMPTY)).rejects.toThrow('Canister trapped: heap out of bounds.');
    });

    it('a reject longer than 8 KiB is cut to 8 KiB around "...", keeping its start and end', () => {
        const long = `${'a'.repeat(10_000)}END`;
        const cut = ellipsizeReject(long);
        expect(cut.length).toBe(8 * 1024);
        expect(cut.startsWith(`${'a'.repeat(6_144)}...`)).toBe(true);
        expect(cut.endsWith('aEND')).toBe(true);
        expect(ellipsizeReject('short')).toBe('short');
    });

    it('a callback and its cleanup that both trap are reported together', async () => {
        const em = await Emulator.create();
        const callee = await em.setupCanister({ wasm: calleeModule() });
        const caller = await em.setupCanister({ wasm: callerModule({ callee, method: 'echo' }) });
        em.faults.trapCallbacks({ cleanupTraps: true });
        await expect(em.updateCall(caller, 'go', EMPTY)).rejects.toThrow(
            `Error from Canister ${caller.toText()}: Canister trapped: injected fault (Faults.trapCallbacks)\n\ncall_on_cleanup also failed:\n\nCanister trapped: injected fault (Faults.trapCallbacks)`
        );
    });
});
