import { readFileSync } from 'node:fs';

import { Principal } from '@dfinity/principal';

import { instrument } from '@response-models/emulator';

/** One System API call the canister made, with its arguments and, for calls, what they meant. */
export interface Ic0Call {
    readonly name: string;
    readonly args: readonly (number | bigint)[];
    /** call_new: `<callee> <method>`; debug_print: the text. */
    readonly detail?: string;
}

export class Trap extends Error {}

/**
 * A single-canister host that runs a real canister module with a System API that records every
 * call. It executes one message at a time and never delivers responses: enough to see exactly
 * which ic0 calls a method makes, not a model of the IC (that is the emulator's job).
 */
export class RecordingHost {
    readonly calls: Ic0Call[] = [];
    readonly logs: string[] = [];
    msgDeadline = 0n;
    canisterVersion = 7n;
    time = 1_700_000_000_000_000_000n;
    callerIsController = true;

    private instance!: WebAssembly.Instance;
    private globals: WebAssembly.Global[] = [];
    private arg: Uint8Array = new Uint8Array();
    private method = '';
    private reply: number[] = [];
    private outcome: { reply: Uint8Array } | { reject: string } | undefined;
    private stable = new Uint8Array(0);
    private readonly self = Principal.fromText('rrkah-fqaaa-aaaaa-aaaaq-cai').toUint8Array();

    static load(path: string): RecordingHost {
        const host = new RecordingHost();
        const instrumented = instrument(readFileSync(path), { metering: false, dirtyPages: false });
        const module = new WebAssembly.Module(new Uint8Array(instrumented.wasm));
        const ic0: Record<string, (...args: (number | bigint)[]) => unknown> = {};
        for (const imp of WebAssembly.Module.imports(module)) {
            if (imp.module !== 'ic0') throw new Error(`unexpected import ${imp.module}.${imp.name}`);
            ic0[imp.name] = (...args) => host.dispatch(imp.name, args);
        }
        host.instance = new WebAssembly.Instance(module, { ic0 });
        host.globals = instrumented.mutableGlobals.map((g) => host.instance.exports[g] as WebAssembly.Global);
        return host;
    }

    /** Runs `canister_init` with an empty Candid argument. */
    init(): void {
        this.run('canister_init', '', new Uint8Array([0x44, 0x49, 0x44, 0x4c, 0, 0]));
    }

    /** Runs `canister_update <method>`; returns its reply or reject, or undefined if it awaits a call. */
    update(method: string, arg: Uint8Array): { reply: Uint8Array } | { reject: string } | undefined {
        this.calls.length = 0;
        return this.run(`canister_update ${method}`, method, arg);
    }

    /** The recorded calls whose name starts with `call_`, in order. */
    callSequence(): Ic0Call[] {
        return this.calls.filter((c) => c.name.startsWith('call_'));
    }

    private run(
        exportName: string,
        method: string,
        arg: Uint8Array
    ): { reply: Uint8Array } | { reject: string } | undefined {
        this.arg = arg;
        this.method = method;
        this.reply = [];
        this.outcome = undefined;
        const entry = this.instance.exports[exportName];
        if (typeof entry !== 'function') throw new Error(`the module exports no ${exportName}`);
        // A trap rolls the message back, as on the IC: heap, globals and stable memory.
        const heap = this.memory.slice();
        const globals = this.globals.map((g) => g.value as unknown);
        const stable = this.stable.slice();
        try {
            (entry as () => void)();
        } catch (e) {
            this.memory.set(heap);
            this.globals.forEach((g, i) => (g.value = globals[i]));
            this.stable = stable;
            throw e;
        }
        return this.outcome;
    }

    private get memory(): Uint8Array {
        return new Uint8Array((this.instance.exports.memory as WebAssembly.Memory).buffer);
    }

    private read(src: number, size: number): Uint8Array {
        return this.memory.slice(src, src + size);
    }

    private write(dst: number, bytes: Uint8Array): void {
        this.memory.set(bytes, dst);
    }

    private writeU128(dst: number, value: bigint): void {
        const bytes = new Uint8Array(16);
        new DataView(bytes.buffer).setBigUint64(0, value & 0xffff_ffff_ffff_ffffn, true);
        new DataView(bytes.buffer).setBigUint64(8, value >> 64n, true);
        this.write(dst, bytes);
    }

    private dispatch(name: string, args: (number | bigint)[]): unknown {
        const n = (i: number): number => Number(args[i]);
        let detail: string | undefined;
        if (name === 'call_new') {
            const callee = Principal.fromUint8Array(this.read(n(0), n(1))).toText();
            detail = `${callee} ${new TextDecoder().decode(this.read(n(2), n(3)))}`;
        } else if (name === 'debug_print') {
            detail = new TextDecoder().decode(this.read(n(0), n(1)));
            this.logs.push(detail);
        }
        this.calls.push({ name, args, detail });

        switch (name) {
            case 'msg_arg_data_size':
                return this.arg.length;
            case 'msg_arg_data_copy':
                return this.write(n(0), this.arg.slice(n(1), n(1) + n(2)));
            case 'msg_caller_size':
                return 1;
            case 'msg_caller_copy':
                return this.write(n(0), new Uint8Array([4]).slice(n(1), n(1) + n(2)));
            case 'msg_method_name_size':
                return this.method.length;
            case 'msg_method_name_copy':
                return this.write(n(0), new TextEncoder().encode(this.method).slice(n(1), n(1) + n(2)));
            case 'msg_reply_data_append':
                this.reply.push(...this.read(n(0), n(1)));
                return;
            case 'msg_reply':
                this.outcome = { reply: new Uint8Array(this.reply) };
                return;
            case 'msg_reject':
                this.outcome = { reject: new TextDecoder().decode(this.read(n(0), n(1))) };
                return;
            case 'msg_cycles_available128':
            case 'msg_cycles_refunded128':
                return this.writeU128(n(0), 0n);
            case 'msg_cycles_accept128':
                return this.writeU128(n(2), 0n);
            case 'canister_self_size':
                return this.self.length;
            case 'canister_self_copy':
                return this.write(n(0), this.self.slice(n(1), n(1) + n(2)));
            case 'canister_cycle_balance128':
                return this.writeU128(n(0), 10n ** 13n);
            case 'canister_version':
                return this.canisterVersion;
            case 'msg_deadline':
                return this.msgDeadline;
            case 'time':
                return this.time;
            case 'global_timer_set':
            case 'performance_counter':
                return 0n;
            case 'in_replicated_execution':
                return 1;
            case 'is_controller':
                return this.callerIsController ? 1 : 0;
            case 'data_certificate_present':
            case 'call_perform':
                return 0;
            case 'debug_print':
            case 'certified_data_set':
            case 'accept_message':
            case 'call_on_cleanup':
            case 'call_data_append':
            case 'call_cycles_add128':
            case 'call_with_best_effort_response':
            case 'call_new':
                return;
            case 'trap':
                throw new Trap(new TextDecoder().decode(this.read(n(0), n(1))));
            case 'stable64_size':
                return BigInt(this.stable.length / 65536);
            case 'stable64_grow': {
                const old = this.stable.length / 65536;
                const grown = new Uint8Array((old + n(0)) * 65536);
                grown.set(this.stable);
                this.stable = grown;
                return BigInt(old);
            }
            case 'stable64_write':
                return this.stable.set(this.read(n(1), n(2)), n(0));
            case 'stable64_read':
                return this.write(n(0), this.stable.slice(n(1), n(1) + n(2)));
            default:
                throw new Error(`the recording host does not implement ic0.${name}`);
        }
    }
}
