/**
 * The wasm rewrite on small hand-written modules: how the call_new wrapper reads the timeout
 * marker, the request channel (msg_deadline, handshake), the trap wrapper, the stand-ins for
 * imports the dfx 0.24.1-beta.1 replica lacks, and the preconditions that fail the build.
 */
import { CURRENT, DFX_0_24_1_BETA_1, importsOutside } from '@response-models/system-api';
import { REWRITE_HANDSHAKE_ANSWER, REWRITE_HANDSHAKE_REQUEST } from '../src/wire.js';
import { rewriteCanisterModule, RewriteError } from '../src/build/rewrite/index.js';
import { wat } from '@response-models/emulator/testing';

const BASE_IMPORTS = `
  (import "ic0" "call_new" (func $call_new (param i32 i32 i32 i32 i32 i32 i32 i32)))
  (import "ic0" "debug_print" (func $debug_print (param i32 i32)))
  (import "ic0" "canister_version" (func $canister_version (result i64)))
  (import "ic0" "trap" (func $trap (param i32 i32)))`;

const TEST_MODULE = `(module ${BASE_IMPORTS}
  (import "ic0" "cost_call" (func $cost_call (param i64 i64 i32)))
  (import "ic0" "canister_liquid_cycle_balance128" (func $liquid (param i32)))
  (memory (export "memory") 1)
  (func (export "call") (param $src i32) (param $len i32)
    (call $call_new (i32.const 0) (i32.const 0) (local.get $src) (local.get $len)
                    (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)))
  (func (export "print") (param $src i32) (param $len i32) (call $debug_print (local.get $src) (local.get $len)))
  (func (export "version") (result i64) (call $canister_version))
  (func (export "trap") (param $src i32) (param $len i32) (call $trap (local.get $src) (local.get $len)))
  (func (export "cost") (param $m i64) (param $p i64) (call $cost_call (local.get $m) (local.get $p) (i32.const 64)))
  (func (export "liquid") (call $liquid (i32.const 64))))`;

interface Recorded {
    name: string;
    value: string | number | bigint;
}

function load(wasm: Uint8Array, deadline = 0n, version = 5n, balance = 123n) {
    const log: Recorded[] = [];
    const mem: { memory?: WebAssembly.Memory } = {};
    const buffer = () => (mem.memory as WebAssembly.Memory).buffer;
    const text = (src: number, len: number) => new TextDecoder().decode(new Uint8Array(buffer(), src, len));
    const ic0 = {
        call_new: (_a: number, _b: number, src: number, len: number) => log.push({ name: 'call_new', value: text(src, len) }),
        call_with_best_effort_response: (t: number) => log.push({ name: 'call_with_best_effort_response', value: t >>> 0 }),
        debug_print: (src: number, len: number) => log.push({ name: 'debug_print', value: text(src, len) }),
        trap: (src: number, len: number) => {
            log.push({ name: 'trap', value: text(src, len) });
            throw new WebAssembly.RuntimeError('trapped');
        },
        canister_version: () => version,
        msg_deadline: () => deadline,
        canister_cycle_balance128: (dst: number) => {
            new DataView(buffer()).setBigUint64(dst, balance, true);
            new DataView(buffer()).setBigUint64(dst + 8, 0n, true);
        }
    };
    const instance = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(wasm)), { ic0 });
    mem.memory = instance.exports.memory as WebAssembly.Memory;
    const put = (s: string) => {
        const bytes = new TextEncoder().encode(s);
        new Uint8Array(buffer()).set(bytes, 1024);
        return [1024, bytes.length] as const;
    };
    const exports = instance.exports as unknown as {
        call: (src: number, len: number) => void;
        print: (src: number, len: number) => void;
        version: () => bigint;
        trap: (src: number, len: number) => void;
        cost: (m: bigint, p: bigint) => void;
        liquid: () => void;
    };
    const u128At64 = () => {
        const view = new DataView(buffer());
        return view.getBigUint64(64, true) + (view.getBigUint64(72, true) << 64n);
    };
    return {
        log,
        call: (name: string) => exports.call(...put(name)),
        print: (s: string) => exports.print(...put(s)),
        version: () => exports.version(),
        trap: (s: string) => exports.trap(...put(s)),
        cost: (m: bigint, p: bigint) => (exports.cost(m, p), u128At64()),
        liquid: () => (exports.liquid(), u128At64())
    };
}

const rewritten = rewriteCanisterModule(wat(TEST_MODULE));

describe('call_new wrapper', () => {
    it.each([
        ['echo\u00005', 'echo', 5],
        ['echo\u0000300', 'echo', 300],
        ['echo\u00000', 'echo', 0],
        ['\u000042', '', 42],
        ['echo\u00004294967295', 'echo', 4294967295],
        ['echo\u00009999999999', 'echo', 4294967295] // saturates; the system then caps it at 300
    ])('%j becomes call_new(%j) + call_with_best_effort_response(%i)', (name, clean, seconds) => {
        const host = load(rewritten);
        host.call(name);
        expect(host.log).toEqual([
            { name: 'call_new', value: clean },
            { name: 'call_with_best_effort_response', value: seconds }
        ]);
    });

    it.each([
        'echo',
        'echo5',
        'echo\u0000',
        'echo\u0000\u00005x',
        'echo\u00005x',
        'echo\u0000 5',
        'echo\u000012345678901', // 11 digits: not a marker
        '12345',
        ''
    ])('%j passes through unchanged as a guaranteed-response call', (name) => {
        const host = load(rewritten);
        host.call(name);
        expect(host.log).toEqual([{ name: 'call_new', value: name }]);
    });
});

describe('request channel: msg_deadline', () => {
    it('debug_print of the request arms exactly one canister_version read', () => {
        const host = load(rewritten, 1_700_000_000_000_000_000n, 9n);
        expect(host.version()).toBe(9n);
        host.print('\u0000msg_deadline');
        expect(host.log).toEqual([]); // the request is not printed
        expect(host.version()).toBe(1_700_000_000_000_000_000n);
        expect(host.version()).toBe(9n);
    });

    it.each(['hello', '', '\u0000', '\u0000msg_deadlinf', '\u0000msg_deadline!', 'msg_deadline', '\u0000response-models:rewrite'])(
        'other text %j is printed',
        (s) => {
            const host = load(rewritten, 77n, 9n);
            host.print(s);
            expect(host.log).toEqual([{ name: 'debug_print', value: s }]);
            expect(host.version()).toBe(9n);
        }
    );
});

describe('request channel: the rewrite handshake', () => {
    it('debug_print of the handshake request makes the next canister_version read "rwrt", version 1', () => {
        const host = load(rewritten, 77n, 9n);
        host.print(REWRITE_HANDSHAKE_REQUEST);
        expect(host.log).toEqual([]);
        expect(host.version()).toBe(REWRITE_HANDSHAKE_ANSWER);
        expect(REWRITE_HANDSHAKE_ANSWER).toBe(0x7277_7274_0000_0001n);
        expect(host.version()).toBe(9n);
    });
});

describe('trap wrapper', () => {
    it('traps with the first line only, after printing the whole text to the log', () => {
        const host = load(rewritten);
        const text = 'Uncaught TypeError: bad\n    at _Call (/home/builder/.azle/caller/main.js:1:2)';
        expect(() => host.trap(text)).toThrow(WebAssembly.RuntimeError);
        expect(host.log).toEqual([
            { name: 'debug_print', value: text },
            { name: 'trap', value: 'Uncaught TypeError: bad' }
        ]);
    });

    it.each(['one line', '', '\nstarts with a newline'])('keeps %j up to its first newline', (text) => {
        const host = load(rewritten);
        expect(() => host.trap(text)).toThrow();
        expect(host.log.at(-1)).toEqual({ name: 'trap', value: text.split('\n')[0] });
    });
});

describe('imports the dfx 0.24.1-beta.1 replica lacks', () => {
    it('are replaced in-module', () => {
        const imports = WebAssembly.Module.imports(new WebAssembly.Module(new Uint8Array(rewritten)));
        expect(importsOutside(imports, DFX_0_24_1_BETA_1)).toEqual([]);
        expect(imports.map((i) => i.name)).not.toContain('cost_call');
        expect(imports.map((i) => i.name)).toContain('msg_deadline');
    });

    it('cost_call: 260,000 cycles plus 1,000 per byte of method name and payload', () => {
        const host = load(rewritten);
        expect(host.cost(4n, 6n)).toBe(270_000n);
        expect(host.cost(0n, 0n)).toBe(260_000n);
    });

    it('canister_liquid_cycle_balance128 reads the cycle balance', () => {
        expect(load(rewritten, 0n, 0n, 987_654_321n).liquid()).toBe(987_654_321n);
    });

    it('are kept when the target is the current System API', () => {
        const current = rewriteCanisterModule(wat(TEST_MODULE), { profile: CURRENT });
        const names = WebAssembly.Module.imports(new WebAssembly.Module(new Uint8Array(current))).map((i) => i.name);
        expect(names).toEqual(expect.arrayContaining(['cost_call', 'canister_liquid_cycle_balance128']));
    });
});

describe('preconditions', () => {
    it('refuses a module without ic0.call_new', () => {
        const module = wat(`(module
          (import "ic0" "debug_print" (func (param i32 i32)))
          (import "ic0" "canister_version" (func (result i64)))
          (import "ic0" "trap" (func (param i32 i32)))
          (memory 1))`);
        expect(() => rewriteCanisterModule(module)).toThrow(RewriteError);
        expect(() => rewriteCanisterModule(module)).toThrow(/does not import ic0.call_new/);
    });

    it('refuses a module it already rewrote', () => {
        expect(() => rewriteCanisterModule(rewritten)).toThrow(/already rewritten/);
    });

    it('refuses bytes that are not wasm', () => {
        expect(() => rewriteCanisterModule(new TextEncoder().encode('not wasm'))).toThrow(/not a valid wasm module/);
    });

    it('refuses a module importing what the target lacks and has no stand-in for', () => {
        const module = wat(`(module ${BASE_IMPORTS}
          (import "ic0" "root_key_size" (func (result i32)))
          (memory 1))`);
        expect(() => rewriteCanisterModule(module)).toThrow(/ic0.root_key_size/);
    });
});
