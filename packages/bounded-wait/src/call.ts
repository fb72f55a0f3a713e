import { call as azleCall, IDL, msgCyclesRefunded, Principal } from 'azle';

import { unsafeCandid } from './candid_guard.js';
import { CallError, fromAzleCallError } from './errors.js';
import { requireRewrite } from './rewrite_check.js';
import { clampTimeout, DEFAULT_CALL_TIMEOUT_SECONDS } from './timeout.js';
import { boundedMethodName, TIMEOUT_SEPARATOR } from './wire.js';

export type CallResult<T> = { Ok: T } | { Err: CallError };

type Wait = { kind: 'bounded'; timeoutSeconds: number } | { kind: 'unbounded' };

const EMPTY_ARGS = new Uint8Array(IDL.encode([], []));

/**
 * An inter-canister call, built like ic-cdk 0.18's `Call`:
 *
 *     const r = await Call.boundedWait(ledger, 'icrc1_transfer')
 *         .changeTimeout(30)
 *         .withArgs([TransferArg], [arg])
 *         .call(TransferResult);
 *
 * `call` never throws for a failed call: it returns `{ Err: CallError }`, whose class tells what
 * may be done next. A reply whose Candid could cost more to decode than its size says (see
 * candid_guard.ts) is refused as CandidDecodeFailed before it is decoded. It throws only for programming errors (bad timeout, bad method name, args that
 * do not encode) and, for a bounded wait, MissingRewriteError in a module built without the
 * build's wasm rewrite.
 */
export class Call {
    private constructor(
        private readonly canisterId: Principal,
        private readonly method: string,
        private readonly wait: Wait,
        private readonly args: Uint8Array,
        private readonly cycles: bigint
    ) {
        if (method.includes(TIMEOUT_SEPARATOR)) {
            // A NUL in the name would be read as a timeout marker by the rewritten module.
            throw new TypeError('method name must not contain a NUL character');
        }
    }

    /**
     * A best-effort (bounded-wait) call: the system answers `SYS_UNKNOWN` if no response arrives
     * within the timeout (default 300 s, capped at 300 s). The callee cannot make us wait longer,
     * so it cannot keep this canister from stopping or upgrading. Attached cycles are lost if the
     * call times out.
     */
    static boundedWait(canisterId: Principal | string, method: string): Call {
        return new Call(
            toPrincipal(canisterId),
            method,
            { kind: 'bounded', timeoutSeconds: DEFAULT_CALL_TIMEOUT_SECONDS },
            EMPTY_ARGS,
            0n
        );
    }

    /**
     * A guaranteed-response (unbounded-wait) call: exactly one response arrives, however long the
     * callee takes. Use it only for callees you trust to answer.
     */
    static unboundedWait(canisterId: Principal | string, method: string): Call {
        return new Call(toPrincipal(canisterId), method, { kind: 'unbounded' }, EMPTY_ARGS, 0n);
    }

    /** Sets the timeout in whole seconds; values above 300 are capped, as the system does. */
    changeTimeout(seconds: number): Call {
        if (this.wait.kind !== 'bounded') {
            throw new TypeError('changeTimeout applies only to a bounded-wait call');
        }
        return this.with({ wait: { kind: 'bounded', timeoutSeconds: clampTimeout(seconds) } });
    }

    /** Candid-encodes `values` with `types` as the call's arguments. */
    withArgs(types: IDL.Type[], values: unknown[]): Call {
        return this.with({ args: new Uint8Array(IDL.encode(types, values)) });
    }

    /** Already-encoded Candid arguments. */
    withRawArgs(bytes: Uint8Array): Call {
        return this.with({ args: bytes });
    }

    /** Attaches cycles (u128). The callee keeps what it accepts; the rest is refunded, except on timeout. */
    withCycles(cycles: bigint): Call {
        if (cycles < 0n || cycles >= 1n << 128n) {
            throw new RangeError(`cycles must fit in u128, got ${cycles}`);
        }
        return this.with({ cycles });
    }

    /** The timeout the system will apply, or undefined for an unbounded wait. */
    get timeoutSeconds(): number | undefined {
        return this.wait.kind === 'bounded' ? this.wait.timeoutSeconds : undefined;
    }

    /** Sends the call and decodes a single return value of `resultType`. */
    async call<T>(resultType: IDL.Type<T>): Promise<CallResult<T>> {
        return decodeResult(await this.callRaw(), resultType);
    }

    /**
     * Like `call`, and also reports the cycles the callee refunded (`ic0.msg_cycles_refunded`):
     * what it did not accept of the attached cycles. 0 after SYS_UNKNOWN: those cycles are lost.
     */
    async callWithRefund<T>(resultType: IDL.Type<T>): Promise<{ result: CallResult<T>; refunded: bigint }> {
        const { result, refunded } = await this.callRawWithRefund();
        return { result: decodeResult(result, resultType), refunded };
    }

    async callRawWithRefund(): Promise<{ result: CallResult<Uint8Array>; refunded: bigint }> {
        const result = await this.callRaw();
        // Only a response (reply or reject, delivered to a callback) carries a refund; a call that
        // was never sent kept its cycles, and a cleanup callback may not ask.
        const responded = 'Ok' in result || result.Err.kind === 'CallRejected';
        return { result, refunded: responded && this.cycles > 0n ? msgCyclesRefunded() : 0n };
    }

    /** Sends the call and returns the reply's raw Candid bytes. */
    async callRaw(): Promise<CallResult<Uint8Array>> {
        if (this.wait.kind === 'bounded') requireRewrite('a bounded-wait call');
        const method =
            this.wait.kind === 'bounded'
                ? boundedMethodName(this.method, this.wait.timeoutSeconds)
                : this.method;
        try {
            const reply: Uint8Array = await azleCall(this.canisterId, method, {
                raw: true,
                args: this.args,
                cycles: this.cycles
            });
            return { Ok: reply };
        } catch (thrown) {
            return { Err: fromAzleCallError(thrown) };
        }
    }

    private with(change: { wait?: Wait; args?: Uint8Array; cycles?: bigint }): Call {
        return new Call(
            this.canisterId,
            this.method,
            change.wait ?? this.wait,
            change.args ?? this.args,
            change.cycles ?? this.cycles
        );
    }
}

function decodeResult<T>(raw: CallResult<Uint8Array>, resultType: IDL.Type<T>): CallResult<T> {
    if ('Err' in raw) return raw;
    const unsafe = unsafeCandid(raw.Ok);
    if (unsafe !== undefined) return { Err: { kind: 'CandidDecodeFailed', message: `refused before decoding: ${unsafe}` } };
    try {
        const [value] = IDL.decode([resultType], raw.Ok);
        return { Ok: value as T };
    } catch (e) {
        // The callee ran and replied, but not in the agreed type: not a clean reject.
        return { Err: { kind: 'CandidDecodeFailed', message: String(e) } };
    }
}

function toPrincipal(canisterId: Principal | string): Principal {
    return typeof canisterId === 'string' ? Principal.fromText(canisterId) : canisterId;
}
