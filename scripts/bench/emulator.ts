import { readFileSync } from 'node:fs';

import { Emulator } from '@response-models/emulator';
import { idlFactory as callerIdl } from '../../src/declarations/caller/caller.did.js';
import type { _SERVICE as Caller } from '../../src/declarations/caller/caller.did.js';
import { idlFactory as calleeIdl } from '../../src/declarations/untrusted_callee/untrusted_callee.did.js';
import type { _SERVICE as Callee } from '../../src/declarations/untrusted_callee/untrusted_callee.did.js';
import { builtWasm } from '../../harness/built';
import { Measurement, median, time } from './measure';

/** The emulator running this repository's Azle canisters. */
export async function benchEmulator(): Promise<Measurement[]> {
    const calleeWasm = readFileSync(builtWasm('untrusted_callee'));
    const callerWasm = readFileSync(builtWasm('caller'));
    const em = await Emulator.create();

    const compile = await time(() => Emulator.precompile(new Uint8Array(calleeWasm)));
    const installs: number[] = [];
    let callee = await em.setupCanister({ wasm: calleeWasm });
    for (let i = 0; i < 5; i++) {
        const t = await time(() => em.setupCanister({ wasm: calleeWasm }));
        installs.push(t.ms);
        callee = t.value;
    }
    const caller = await em.setupCanister({ wasm: callerWasm });
    await em.runUntilIdle();

    const calleeActor = em.createActor<Callee>(calleeIdl, callee);
    const updates = 300;
    const u = await time(async () => {
        for (let i = 0; i < updates; i++) await calleeActor.echo('x');
    });

    const callerActor = em.createActor<Caller>(callerIdl, caller);
    await callerActor.trust_callee(callee, true); // unbounded waits go only to trusted callees
    const trips = 200;
    const b = await time(async () => {
        for (let i = 0; i < trips; i++) await callerActor.echo_bounded(callee, 'x', 60);
    });
    const g = await time(async () => {
        for (let i = 0; i < trips; i++) await callerActor.echo_unbounded(callee, 'x');
    });

    const canister = em.subnet.canister(callee);
    if (canister === undefined) throw new Error('callee vanished');
    const snapshots: number[] = [];
    for (let i = 0; i < 50; i++) snapshots.push((await time(() => canister.snapshot())).ms);
    const heapBytes = canister.heap().length;

    global.gc?.();
    const before = process.memoryUsage();
    const em2 = await Emulator.create();
    const count = 10;
    for (let i = 0; i < count; i++) await em2.setupCanister({ wasm: calleeWasm });
    global.gc?.();
    const after = process.memoryUsage();
    const perCanister = (after.rss - before.rss) / count / 2 ** 20;

    return [
        { name: 'compile + instrument module (first time)', value: compile.ms, unit: 'ms', note: `${(calleeWasm.length / 2 ** 20).toFixed(1)} MiB wasm` },
        { name: 'canister install + init', value: median(installs), unit: 'ms', note: 'median of 5, module cached' },
        { name: 'update calls (ingress, Azle)', value: (updates / u.ms) * 1000, unit: 'calls/s' },
        { name: 'inter-canister round trips, best-effort', value: (trips / b.ms) * 1000, unit: 'trips/s' },
        { name: 'inter-canister round trips, guaranteed', value: (trips / g.ms) * 1000, unit: 'trips/s' },
        { name: 'rollback snapshot (heap + globals)', value: median(snapshots), unit: 'ms', note: `${(heapBytes / 2 ** 20).toFixed(1)} MiB heap` },
        { name: 'memory per Azle canister', value: perCanister, unit: 'MiB', note: `RSS growth over ${count} installs` }
    ];
}
