/**
 * The physical floor for a benchmark: one canister module, uninstrumented, instantiated with the
 * least System API that lets an Azle method run, and its exports called directly. No rounds, no
 * rollback, no metering, no Candid beyond the argument given: what any host must at least spend.
 */
const PAGE = 65_536;

export class BareHost {
    private readonly instance: WebAssembly.Instance;
    private arg: Uint8Array = new Uint8Array();
    private method = '';
    private reply: Uint8Array[] = [];
    private stable = new Uint8Array(0);
    private readonly caller = new Uint8Array([4]); // the anonymous principal
    private readonly self = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 1, 1, 1]);

    /** `heapOffset`: where the heap starts in the memory, for a module instrumented with the write barrier. */
    constructor(
        wasm: Uint8Array,
        private readonly heapOffset = 0
    ) {
        const module = new WebAssembly.Module(new Uint8Array(wasm));
        this.instance = new WebAssembly.Instance(module, { ic0: this.ic0() });
    }

    /** The instance's exports (a benchmark of an instrumented module sets its host globals). */
    get exports(): WebAssembly.Exports {
        return this.instance.exports;
    }

    init(): void {
        this.run('canister_init', '', new Uint8Array([0x44, 0x49, 0x44, 0x4c, 0, 0]));
    }

    /** Calls `canister_update <method>` and returns the reply bytes. */
    update(method: string, arg: Uint8Array): Uint8Array {
        return this.run(`canister_update ${method}`, method, arg);
    }

    /** Calls `canister_inspect_message`, as the IC does before an ingress update. */
    inspect(method: string, arg: Uint8Array): void {
        this.run('canister_inspect_message', method, arg);
    }

    private run(name: string, method: string, arg: Uint8Array): Uint8Array {
        this.arg = arg;
        this.method = method;
        this.reply = [];
        (this.instance.exports[name] as () => void)();
        const out: Uint8Array = new Uint8Array(this.reply.reduce((n, c) => n + c.length, 0));
        let at = 0;
        for (const c of this.reply) {
            out.set(c, at);
            at += c.length;
        }
        return out;
    }

    private heap(): Uint8Array {
        return new Uint8Array((this.instance.exports.memory as WebAssembly.Memory).buffer, this.heapOffset);
    }

    private copyOut(data: Uint8Array, dst: number, offset: number, size: number): void {
        this.heap().set(data.subarray(offset, offset + size), dst);
    }

    private ic0(): Record<string, (...args: never[]) => unknown> {
        const text = new TextEncoder();
        const u128 = (dst: number, value: bigint) => {
            const view = new DataView(this.heap().buffer, dst, 16);
            view.setBigUint64(0, value & 0xffff_ffff_ffff_ffffn, true);
            view.setBigUint64(8, value >> 64n, true);
        };
        return {
            msg_arg_data_size: () => this.arg.length,
            msg_arg_data_copy: (dst: number, offset: number, size: number) => this.copyOut(this.arg, dst, offset, size),
            msg_caller_size: () => this.caller.length,
            msg_caller_copy: (dst: number, offset: number, size: number) => this.copyOut(this.caller, dst, offset, size),
            msg_method_name_size: () => text.encode(this.method).length,
            msg_method_name_copy: (dst: number, offset: number, size: number) => this.copyOut(text.encode(this.method), dst, offset, size),
            msg_reply_data_append: (src: number, size: number) => void this.reply.push(this.heap().slice(src, src + size)),
            msg_reply: () => undefined,
            msg_reject: () => undefined,
            msg_reject_code: () => 0,
            msg_reject_msg_size: () => 0,
            msg_reject_msg_copy: () => undefined,
            msg_cycles_available128: (dst: number) => u128(dst, 0n),
            msg_cycles_refunded128: (dst: number) => u128(dst, 0n),
            msg_cycles_accept128: (_h: bigint, _l: bigint, dst: number) => u128(dst, 0n),
            msg_deadline: () => 0n,
            accept_message: () => undefined,
            canister_self_size: () => this.self.length,
            canister_self_copy: (dst: number, offset: number, size: number) => this.copyOut(this.self, dst, offset, size),
            canister_cycle_balance128: (dst: number) => u128(dst, 10n ** 13n),
            canister_version: () => 1n,
            cycles_burn128: (_h: bigint, _l: bigint, dst: number) => u128(dst, 0n),
            time: () => 1_700_000_000_000_000_000n,
            global_timer_set: () => 0n,
            performance_counter: () => 0n,
            in_replicated_execution: () => 1,
            is_controller: () => 1,
            certified_data_set: () => undefined,
            data_certificate_present: () => 0,
            data_certificate_size: () => 0,
            data_certificate_copy: () => undefined,
            debug_print: () => undefined,
            trap: (src: number, size: number) => {
                throw new Error(new TextDecoder().decode(this.heap().subarray(src, src + size)));
            },
            call_new: () => undefined,
            call_on_cleanup: () => undefined,
            call_data_append: () => undefined,
            call_cycles_add128: () => undefined,
            call_with_best_effort_response: () => undefined,
            call_perform: () => 0,
            stable64_size: () => BigInt(this.stable.length / PAGE),
            stable64_grow: (pages: bigint) => {
                const old = this.stable.length / PAGE;
                const grown = new Uint8Array((old + Number(pages)) * PAGE);
                grown.set(this.stable);
                this.stable = grown;
                return BigInt(old);
            },
            stable64_write: (offset: bigint, src: bigint, size: bigint) => this.stable.set(this.heap().subarray(Number(src), Number(src + size)), Number(offset)),
            stable64_read: (dst: bigint, offset: bigint, size: bigint) => this.heap().set(this.stable.subarray(Number(offset), Number(offset + size)), Number(dst))
        };
    }
}
