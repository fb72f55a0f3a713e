/**
 * What a stranger can cost the caller, and where it stops: outstanding calls are capped per
 * principal and for strangers together, never for controllers, and a call whose reply handling
 * trapped stops counting once its deadline has passed; texts a callee chooses are cut at 1 KiB;
 * Candid that costs more to decode than its size (a vector of zero-sized elements) is refused
 * before it is decoded, in a reply and in an ingress argument (inspect_message).
 */
import { IDL } from '@dfinity/candid';

import { CallRejectedError, Emulator } from '@response-models/emulator';
import { idlFactory as callerIdl } from '../../src/declarations/caller/caller.did.js';
import { ic0Module as module, watBytes } from '@response-models/emulator/testing';
import { Caller, deployWorld, ok, SECOND, World } from './world';

const bounded = (s: number) => ({ Bounded: { timeout_seconds: BigInt(s) } });
const NONE = new Uint8Array();
/** `vec null` of 2^32 - 1 elements: 14 bytes of Candid. */
const VEC_NULL_BOMB = new Uint8Array([0x44, 0x49, 0x44, 0x4c, 0x01, 0x6d, 0x7f, 0x01, 0x00, 0xff, 0xff, 0xff, 0xff, 0x0f]);

/** A canister whose `echo` replies with `bytes`, whatever it is asked. */
function fixedReply(bytes: Uint8Array): Uint8Array {
    return module(`
  (data (i32.const 0) "${watBytes(bytes)}")
  (func (export "canister_update echo") (call $reply_bytes (i32.const 0) (i32.const ${bytes.length})))`);
}

function stranger(w: World, name = 'stranger') {
    return {
        now: w.em.createActor<Caller>(callerIdl, w.caller, { sender: Emulator.identity(name) }),
        later: w.em.createDeferredActor<Caller>(callerIdl, w.caller, { sender: Emulator.identity(name) })
    };
}

describe('outstanding calls made on request', () => {
    it('a stranger has at most 100 at once; a controller is never refused', async () => {
        const w = await deployWorld();
        const s = stranger(w);
        w.em.congest(w.callee, 1_000); // the requests wait in the caller's output queue: nothing answers
        for (let i = 0; i < 100; i++) s.later.echo_bounded(w.callee, 'x', 300);
        await w.em.tick(1);
        expect((await s.now.stats()).outstanding).toBe(100);
        expect(await s.now.echo_bounded(w.callee, 'x', 300)).toEqual({ Err: { TooManyOutstandingCalls: { limit: 100 } } });
        const controller = w.later.echo_bounded(w.callee, 'x', 5);
        await w.em.tick(8);
        expect(controller.result()).toHaveProperty('Err.CallFailed'); // it was made: SYS_TRANSIENT, timed out in the queue
    });

    it('strangers together have at most 1,000', async () => {
        const w = await deployWorld();
        // Three targets: one caller may have at most 500 calls outstanding to one callee (queue capacity).
        const targets = [w.callee, await w.em.setupCanister({ wasm: fixedReply(NONE) }), await w.em.setupCanister({ wasm: fixedReply(NONE) })];
        for (const t of targets) w.em.congest(t, 1_000);
        for (let p = 0; p < 10; p++) {
            const s = stranger(w, `stranger-${p}`);
            for (let i = 0; i < 100; i++) s.later.echo_bounded(targets[(p * 100 + i) % 3], 'x', 300);
        }
        // 1,000 Azle executions take more than one round's instruction budget: give them a few.
        await w.em.tick(5);
        expect((await w.callerActor.stats()).outstanding).toBe(1_000);
        expect(await stranger(w, 'one more').now.echo_bounded(w.callee, 'x', 300)).toEqual({ Err: { TooManyOutstandingCalls: { limit: 1_000 } } });
    });

    it('a call whose reply handling trapped (cleanup too) stops counting a minute after its deadline', async () => {
        const w = await deployWorld();
        const s = stranger(w);
        w.em.faults.trapCallbacks({ match: (m) => m.method === 'echo', cleanupTraps: true });
        for (let i = 0; i < 100; i++) s.later.echo_bounded(w.callee, 'x', 10);
        await w.em.tick(2);
        expect((await s.now.stats()).outstanding).toBe(100); // answered, but the count's decrement was rolled back
        expect(await s.now.echo_bounded(w.callee, 'x', 10)).toEqual({ Err: { TooManyOutstandingCalls: { limit: 100 } } });
        w.em.faults.clear();
        const deadline = w.em.timeNs + 10n * SECOND;
        while (w.em.timeNs <= deadline + 61n * SECOND) await w.em.tick(5);
        expect((await s.now.stats()).outstanding).toBe(0);
        expect(await s.now.echo_bounded(w.callee, 'x', 10)).toEqual({ Ok: 'x' });
    });
});

describe('texts a callee chooses', () => {
    it('are cut at 1 KiB in the history and in replies', async () => {
        const w = await deployWorld();
        const huge = 'n'.repeat(50_000);
        const report = ok(await stranger(w).now.call_callee(w.callee, { Reject: huge }, NONE, bounded(10), 0n));
        const message = 'Rejected' in report.outcome ? report.outcome.Rejected.message : '';
        expect(new TextEncoder().encode(message).length).toBeLessThanOrEqual(1_024);
        expect(message.endsWith('...')).toBe(true);
        const [kept] = await w.callerActor.history_page(report.id, 1);
        expect(kept.outcome).toEqual(report.outcome);
    });
});

describe('Candid that costs more to decode than its size', () => {
    it('a reply declaring a vector of zero-sized elements is refused before decoding (CandidDecodeFailed)', async () => {
        const w = await deployWorld();
        const bomb = await w.em.setupCanister({ wasm: fixedReply(VEC_NULL_BOMB), sender: Emulator.identity('stranger') });
        const r = await stranger(w).now.echo_bounded(bomb, 'x', 10);
        expect(r).toEqual({ Err: { CallFailed: { class: 'Failed', reject_code: [], message: expect.stringMatching(/^reply did not decode: refused before decoding: it declares a vector of zero-sized elements/) } } });
        expect((await w.callerActor.stats()).outstanding).toBe(0);
    });

    it('an ingress argument declaring one is refused by inspect_message, before the canister pays to decode it', async () => {
        const w = await deployWorld();
        const before = w.em.stableMemoryDigest(w.caller);
        const refused = await w.em.updateCall(w.caller, 'ping', VEC_NULL_BOMB, { sender: Emulator.identity('stranger') }).then(
            () => undefined,
            (e: unknown) => e
        );
        expect(refused).toBeInstanceOf(CallRejectedError);
        expect(refused).toMatchObject({ rejectCode: 4, rejectMessage: `Error from Canister ${w.caller.toText()}: Canister rejected the message` });
        expect(w.em.stableMemoryDigest(w.caller)).toBe(before);
        expect((await w.callerActor.stats()).pings).toBe(0n);
        // An ordinary argument passes.
        expect(IDL.decode([IDL.Nat64], await w.em.updateCall(w.caller, 'ping', new Uint8Array(IDL.encode([], [])), { sender: Emulator.identity('stranger') }))).toEqual([1n]);
    });
});

