/**
 * The library refuses to run in a module built by plain `azle build`, without the wasm rewrite:
 * `msgDeadline()` and a bounded-wait call throw an error naming the missing build step instead
 * of returning the canister version as a deadline or calling a method named `echo\0<seconds>`.
 * The check is a handshake with the rewrite (packages/bounded-wait/src/wire.ts), not a guess.
 */
import { readFileSync } from 'node:fs';

import { IDL } from '@dfinity/candid';

import { CallRejectedError, Emulator } from '@response-models/emulator';
import { REWRITE_SECTION } from '@response-models/bounded-wait/build';
import { azleWasm, builtWasm } from '../support/built';

const MISSING = /needs the bounded-wait wasm rewrite, and this module was built without it \(plain `azle build`\): build the canister with this project's build \(`npm run build`\)/;

async function rejection(call: Promise<unknown>): Promise<CallRejectedError> {
    const outcome = await call.then(
        () => undefined,
        (e: unknown) => e
    );
    if (!(outcome instanceof CallRejectedError)) throw new Error(`expected a reject, got ${String(outcome)}`);
    return outcome;
}

describe('a canister built by plain azle build (no rewrite)', () => {
    const plainCallee = () => readFileSync(azleWasm('untrusted_callee'));
    const plainCaller = () => readFileSync(azleWasm('caller'));

    it('is what Azle produced: the module carries no rewrite section', () => {
        for (const wasm of [plainCallee(), plainCaller()]) {
            expect(WebAssembly.Module.customSections(new WebAssembly.Module(wasm), REWRITE_SECTION)).toEqual([]);
        }
        expect(WebAssembly.Module.customSections(new WebAssembly.Module(readFileSync(builtWasm('caller'))), REWRITE_SECTION)).toHaveLength(1);
    });

    it('msgDeadline() throws, naming the missing build step, instead of returning the canister version', async () => {
        const em = await Emulator.create();
        const callee = await em.setupCanister({ wasm: plainCallee() });
        await em.runUntilIdle();
        const reject = await rejection(em.updateCall(callee, 'deadline', new Uint8Array(IDL.encode([], []))));
        expect(reject.rejectCode).toBe(5);
        expect(reject.rejectMessage).toMatch(/Uncaught MissingRewriteError: msgDeadline\(\) /);
        expect(reject.rejectMessage).toMatch(MISSING);
    });

    it('a bounded-wait call throws before anything is sent; an unbounded-wait call still works', async () => {
        const em = await Emulator.create();
        const callee = await em.setupCanister({ wasm: readFileSync(builtWasm('untrusted_callee')) });
        const caller = await em.setupCanister({ wasm: plainCaller() });
        await em.runUntilIdle();
        const trust = IDL.encode([IDL.Principal, IDL.Bool], [callee, true]);
        await em.updateCall(caller, 'trust_callee', new Uint8Array(trust));
        const tracedBefore = em.trace().length;

        const bounded = IDL.encode([IDL.Principal, IDL.Text, IDL.Nat32], [callee, 'hello', 10]);
        const reject = await rejection(em.updateCall(caller, 'echo_bounded', new Uint8Array(bounded)));
        expect(reject.rejectMessage).toMatch(/Uncaught MissingRewriteError: a bounded-wait call /);
        expect(reject.rejectMessage).toMatch(MISSING);
        // Only the ingress message itself: no call left the caller, to `echo` or to `echo\0<seconds>`.
        expect(em.trace().slice(tracedBefore).map((e) => e.method)).toEqual(['echo_bounded']);

        const unbounded = IDL.encode([IDL.Principal, IDL.Text], [callee, 'hello']);
        const reply = await em.updateCall(caller, 'echo_unbounded', new Uint8Array(unbounded));
        expect(IDL.decode([IDL.Variant({ Ok: IDL.Text, Err: IDL.Reserved })], reply)[0]).toEqual({ Ok: 'hello' });
    });
});
