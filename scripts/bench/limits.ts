import { readFileSync } from 'node:fs';

import { CallRejectedError, Emulator } from '@response-models/emulator';
import { idlFactory as callerIdl } from '../../src/declarations/caller/caller.did.js';
import type { _SERVICE as Caller } from '../../src/declarations/caller/caller.did.js';
import { idlFactory as calleeIdl } from '../../src/declarations/untrusted_callee/untrusted_callee.did.js';
import type { _SERVICE as Callee } from '../../src/declarations/untrusted_callee/untrusted_callee.did.js';
import { builtWasm } from '../../harness/built';
import { wat } from '@response-models/emulator/testing';
import { Measurement, median, time } from './measure';

const UPDATES = 100;
const RUNS = 7;

/** What instruction metering costs: the same Azle update with and without it, runs interleaved. */
async function meteringOverhead(): Promise<Measurement[]> {
    const wasm = readFileSync(builtWasm('untrusted_callee'));
    const sides = [];
    for (const metering of [true, false]) {
        const compile = await time(() => Emulator.precompile(new Uint8Array(wasm), { metering }));
        const em = await Emulator.create({ metering });
        const id = await em.setupCanister({ wasm });
        const actor = em.createActor<Callee>(calleeIdl, id);
        await actor.echo('warm up');
        sides.push({ metering, em, id, actor, compile: compile.ms, runs: [] as number[] });
    }
    for (let run = 0; run < RUNS; run++) {
        for (const side of sides) {
            const t = await time(async () => {
                for (let i = 0; i < UPDATES; i++) await side.actor.echo('x');
            });
            side.runs.push(t.ms / UPDATES);
        }
    }
    const [metered, plain] = sides;
    const instructions = metered.em.subnet.canister(metered.id)?.instructionsUsed() ?? 0n;
    const ratio = median(metered.runs) / median(plain.runs);
    return [
        { name: 'Azle update (echo), metered', value: median(metered.runs), unit: 'ms', note: `${instructions.toLocaleString('en-US')} instructions counted` },
        { name: 'Azle update (echo), without metering', value: median(plain.runs), unit: 'ms' },
        { name: 'metering overhead (target at most 1.3x)', value: ratio, unit: 'x', note: `median of ${RUNS} interleaved runs of ${UPDATES}` },
        { name: 'instrument + compile the module, metered', value: metered.compile, unit: 'ms' },
        { name: 'instrument + compile the module, without metering', value: plain.compile, unit: 'ms' }
    ];
}

/** How long `loop br 0` runs before the default 40 B update limit stops it. */
async function defaultLimit(): Promise<Measurement[]> {
    const em = await Emulator.create();
    const id = await em.setupCanister({ wasm: wat('(module (func (export "canister_update spin") (loop $l (br $l))))') });
    const t = await time(() =>
        em.updateCall(id, 'spin', new Uint8Array()).then(
            () => 'replied',
            (e: unknown) => (e instanceof CallRejectedError && e.message.includes('exceeded the limit of 40000000000 instructions') ? 'trapped' : String(e))
        )
    );
    if (t.value !== 'trapped') throw new Error(`loop br 0 ended with ${t.value}`);
    return [{ name: 'loop br 0 until the 40 B update limit traps it', value: t.ms / 1000, unit: 's', note: '20 B iterations at 2 instructions each' }];
}

/** Update throughput with same-subnet calls run in inner rounds, against one hop per round. */
async function innerRounds(): Promise<Measurement[]> {
    const sides = [];
    for (const inner of [true, false]) {
        const em = await Emulator.create({ innerRounds: inner });
        const callee = await em.setupCanister({ wasm: readFileSync(builtWasm('untrusted_callee')) });
        const caller = await em.setupCanister({ wasm: readFileSync(builtWasm('caller')) });
        await em.runUntilIdle();
        const actor = em.createActor<Caller>(callerIdl, caller);
        await actor.echo_bounded(callee, 'warm up', 60);
        sides.push({ inner, actor, callee, runs: [] as number[] });
    }
    for (let run = 0; run < RUNS; run++) {
        for (const side of sides) {
            const t = await time(async () => {
                for (let i = 0; i < UPDATES / 2; i++) await side.actor.echo_bounded(side.callee, 'x', 60);
            });
            side.runs.push((UPDATES / 2 / t.ms) * 1000);
        }
    }
    const [inner, oneHop] = sides;
    return [
        { name: 'caller updates with a bounded call, inner rounds', value: median(inner.runs), unit: 'calls/s' },
        { name: 'the same, one hop per round', value: median(oneHop.runs), unit: 'calls/s' },
        { name: 'inner rounds / one hop per round (target at least 1x)', value: median(inner.runs) / median(oneHop.runs), unit: 'x' }
    ];
}

/** The replica's limits in the emulator: what metering costs, and what inner rounds change. */
export async function benchLimits(): Promise<Measurement[]> {
    return [...(await meteringOverhead()), ...(await defaultLimit()), ...(await innerRounds())];
}
