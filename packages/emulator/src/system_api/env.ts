import { Principal } from '@dfinity/principal';

import { HostTrap } from '../errors.js';
import { ExecutionState } from '../execution/execution_state.js';
import { StableMemory } from '../subnet/stable_memory.js';

export type CanisterStatusName = 'running' | 'stopping' | 'stopped';

/** What the System API may see of the canister it serves and of the subnet. */
export interface CanisterView {
    readonly id: Principal;
    /** The canister's heap as its code addresses it. */
    heap(): Uint8Array;
    stable: StableMemory;
    /** Lines the wasm start function printed, for the install to log. */
    readonly startLog: string[];
    readonly controllers: readonly Principal[];
    readonly status: CanisterStatusName;
    readonly version: bigint;
    readonly globalTimer: bigint;
    /** Charges instructions to the execution under way; traps once its limit is exceeded. */
    charge(instructions: bigint): void;
    /** Instructions the execution under way used so far. */
    instructionsUsed(): bigint;
    /** Records that the host wrote [start, start + length) of the heap (for rollback). */
    noteHostWrite(start: number, length: number): void;
}

/** The limits a subnet enforces; defaults in emulator.ts, each with the replica's constant. */
export interface Limits {
    /** Instructions one message may use, by entry point; install covers pre_upgrade, start and init or post_upgrade. */
    readonly instructions: { readonly update: bigint; readonly query: bigint; readonly install: bigint; readonly inspect: bigint };
    readonly ingressBytes: number;
    /** Method name plus argument of a request to a canister of this subnet. */
    readonly requestBytes: number;
    /** A reply or reject from an update, a replicated query or a callback. */
    readonly replyBytes: number;
    /** A reply from a query in non-replicated mode. */
    readonly queryReplyBytes: number;
}

export interface SubnetView {
    readonly subnetId: Principal;
    readonly rootKey: Uint8Array;
    readonly maxCallTimeoutSeconds: number;
    readonly maxStablePages: bigint;
    readonly fees: { readonly callBase: bigint; readonly callPerByte: bigint };
    readonly limits: Limits;
    readonly queueCapacity: number;
    /** Calls `from` has made to `to` whose responses it has not consumed yet. */
    outstandingCalls(from: Principal, to: Principal): number;
}

export type Ic0Function = (...args: never[]) => unknown;

/** Shared helpers for the System API modules, bound to one canister. */
export class ApiEnv {
    constructor(
        readonly canister: CanisterView,
        readonly subnet: SubnetView,
        /** The execution under way; undefined while the wasm start function runs. */
        readonly current: () => ExecutionState | undefined
    ) {}

    state(): ExecutionState {
        const s = this.current();
        if (s === undefined) throw new HostTrap('this System API function cannot be called from the start function');
        return s;
    }

    bytes(): Uint8Array {
        return this.canister.heap();
    }

    read(src: number, size: number): Uint8Array {
        const heap = this.bytes();
        if (src < 0 || size < 0 || src + size > heap.length) {
            throw new HostTrap(`memory access out of bounds: [${src}, ${src + size}) in a heap of ${heap.length} bytes`);
        }
        return heap.slice(src, src + size);
    }

    write(dst: number, data: Uint8Array): void {
        const heap = this.bytes();
        if (dst < 0 || dst + data.length > heap.length) {
            throw new HostTrap(`memory access out of bounds: [${dst}, ${dst + data.length}) in a heap of ${heap.length} bytes`);
        }
        heap.set(data, dst);
        this.canister.noteHostWrite(dst, data.length);
    }

    /** The `_copy` convention: copy data[offset, offset+size) to dst, trapping if out of range. */
    copyOut(what: string, data: Uint8Array, dst: number, offset: number, size: number): void {
        if (offset + size > data.length) {
            throw new HostTrap(`${what}: offset ${offset} + size ${size} exceeds the length ${data.length}`);
        }
        this.write(dst, data.subarray(offset, offset + size));
    }

    writeU128(dst: number, value: bigint): void {
        const out = new Uint8Array(16);
        const view = new DataView(out.buffer);
        view.setBigUint64(0, value & 0xffff_ffff_ffff_ffffn, true);
        view.setBigUint64(8, value >> 64n, true);
        this.write(dst, out);
    }

    text(src: number, size: number): string {
        return new TextDecoder().decode(this.read(src, size));
    }
}

export const u32 = (v: number): number => v >>> 0;
export const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);
export const u128 = (high: bigint, low: bigint): bigint => (u64(high) << 64n) | u64(low);
export const MAX_U64 = 2n ** 64n - 1n;
