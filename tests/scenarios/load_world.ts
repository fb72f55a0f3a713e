/**
 * A caller under load: the Azle caller and many small callees, some that hang and some that are
 * slow. A hanging callee forwards each call to a sink that never runs (fault injection: it is
 * unresponsive), so it holds the call without spending a round on it, as a callee stuck behind
 * a slow dependency does; a slow callee replies after a few rounds of raw_rand. WAT keeps the
 * callees cheap, so that the caller's cost is what the numbers show.
 */
import { IDL } from '@dfinity/candid';
import type { ActorSubclass } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';

import { readFileSync } from 'node:fs';

import { DeferredActor, Emulator } from '@response-models/emulator';
import { idlFactory as callerIdl } from '../../src/declarations/caller/caller.did.js';
import type { _SERVICE as Caller } from '../../src/declarations/caller/caller.did.js';
import { ic0Module as module, watBytes } from '@response-models/emulator/testing';
import { builtWasm } from '../support/built';

// Not world.ts, which registers test hooks: the bench builds this world too.
const CALLER_CYCLES = 10_000_000_000_000n;

function ok<T>(result: { Ok: T } | { Err: unknown }): T {
    if ('Err' in result) throw new Error(`expected Ok, got ${JSON.stringify(result.Err, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}`);
    return result.Ok;
}

/** The callee's reply as the caller decodes it (src/untrusted_callee/types.ts, CalleeReply). */
const CalleeReply = IDL.Record({ payload: IDL.Vec(IDL.Nat8), deadline: IDL.Nat64, cycles_accepted: IDL.Nat, waited_rounds: IDL.Nat32, released: IDL.Bool });
const REPLY = new Uint8Array(IDL.encode([CalleeReply], [{ payload: [], deadline: 0n, cycles_accepted: 0n, waited_rounds: 0, released: false }]));

/** Never answers while the fault lasts: `hold` replies when it finally runs. */
function sinkModule(): Uint8Array {
    return module(`(func (export "canister_update hold") (call $reply_bytes (i32.const 0) (i32.const 0)))`);
}

/** `work` calls the sink's `hold` (guaranteed response) and replies when that call returns. */
function hangingModule(sink: Principal): Uint8Array {
    const id = sink.toUint8Array();
    return module(`
  (table 2 funcref)
  (elem (i32.const 0) $answer $answer)
  (data (i32.const 0) "${watBytes(id)}")
  (data (i32.const 100) "hold")
  (data (i32.const 200) "${watBytes(REPLY)}")
  (func $answer (param i32) (call $reply_bytes (i32.const 200) (i32.const ${REPLY.length})))
  (func (export "canister_update work")
    (call $call_new (i32.const 0) (i32.const ${id.length}) (i32.const 100) (i32.const 4) (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 0))
    (if (call $call_perform) (then unreachable)))`);
}

/** `work` makes `rounds` raw_rand round trips (one a round), then replies. */
function slowModule(rounds: number): Uint8Array {
    const management = Principal.fromText('aaaaa-aa').toUint8Array();
    const empty = new Uint8Array(IDL.encode([], []));
    return module(`
  (table 2 funcref)
  (elem (i32.const 0) $again $again)
  (data (i32.const 100) "raw_rand")
  (data (i32.const 150) "${watBytes(empty)}")
  (data (i32.const 200) "${watBytes(REPLY)}")
  (func $rand (param $left i32)
    (call $call_new (i32.const 0) (i32.const ${management.length}) (i32.const 100) (i32.const 8) (i32.const 0) (local.get $left) (i32.const 1) (local.get $left))
    (call $call_data_append (i32.const 150) (i32.const ${empty.length}))
    (if (call $call_perform) (then unreachable)))
  (func $again (param $left i32)
    (if (i32.eqz (local.get $left))
      (then (call $reply_bytes (i32.const 200) (i32.const ${REPLY.length})))
      (else (call $rand (i32.sub (local.get $left) (i32.const 1))))))
  (func (export "canister_update work") (call $rand (i32.const ${rounds})))`);
}

export interface LoadWorld {
    em: Emulator;
    caller: Principal;
    callerActor: ActorSubclass<Caller>;
    later: DeferredActor<Caller>;
    hanging: Principal[];
    slow: Principal[];
    sink: Principal;
}

/** The caller, `hanging` hanging callees and `slow` slow ones (each replying after `slowRounds` rounds). */
export async function deployLoadWorld(options: { hanging: number; slow: number; slowRounds?: number }): Promise<LoadWorld> {
    const em = await Emulator.create({ roundStepMs: 1_000 });
    const caller = await em.setupCanister({ wasm: readFileSync(builtWasm('caller')), cycles: CALLER_CYCLES });
    const sink = await em.setupCanister({ wasm: sinkModule() });
    const hanging = [];
    for (let i = 0; i < options.hanging; i++) hanging.push(await em.setupCanister({ wasm: hangingModule(sink) }));
    const slow = [];
    for (let i = 0; i < options.slow; i++) slow.push(await em.setupCanister({ wasm: slowModule(options.slowRounds ?? 5) }));
    em.makeUnresponsive(sink, 1_000_000);
    await em.runUntilIdle();
    const callerActor = em.createActor<Caller>(callerIdl, caller);
    for (const callee of [...hanging, ...slow]) ok(await callerActor.trust_callee(callee, true)); // for the unbounded-wait contrast
    return { em, caller, callerActor, later: em.createDeferredActor<Caller>(callerIdl, caller), hanging, slow, sink };
}

/** The caller's heap, in bytes (its stable memory is reserved in large blocks up front). */
export function callerMemory(w: LoadWorld): number {
    const c = w.em.subnet.canister(w.caller);
    if (c === undefined) throw new Error('no caller');
    return c.heap().length;
}
