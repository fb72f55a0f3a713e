import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

import { IDL } from '@dfinity/candid';

import { Emulator } from '@response-models/emulator';
import { instrument } from '@response-models/emulator';
import { builtWasm } from '../../harness/built';
import { callerMemory, deployLoadWorld } from '../../tests/scenarios/load_world';
import { BareHost } from './bare_host';
import { Measurement, median, time } from './measure';

const ROUNDS = 7;
const UPDATES = 200;

/**
 * An Azle update (untrusted_callee's echo, after its inspect_message) through the emulator,
 * against calling the same two exports directly on a bare host: the module as the emulator
 * runs it (metering and write barrier in), and the module as built. Interleaved runs, warm.
 */
async function perMessage(): Promise<Measurement[]> {
    const wasm = new Uint8Array(readFileSync(builtWasm('untrusted_callee')));
    const arg = new Uint8Array(IDL.encode([IDL.Text], ['x']));
    const em = await Emulator.create();
    const id = await em.setupCanister({ wasm });
    const wholeHeap = await Emulator.create({ pageRollback: false });
    const wholeHeapId = await wholeHeap.setupCanister({ wasm });
    const instrumented = instrument(wasm, { metering: true, dirtyPages: true });
    const same = new BareHost(instrumented.wasm, instrumented.heapOffset ?? 0);
    if (instrumented.metering !== undefined) (same.exports[instrumented.metering.counter] as WebAssembly.Global).value = 10n ** 15n;
    if (instrumented.start !== undefined) (same.exports[instrumented.start] as () => void)();
    same.init();
    const plain = new BareHost(wasm);
    plain.init();
    const sides = [
        { name: 'through the emulator', run: () => em.updateCall(id, 'echo', arg), ms: [] as number[] },
        { name: 'through the emulator, copying the whole heap per message', run: () => wholeHeap.updateCall(wholeHeapId, 'echo', arg), ms: [] as number[] },
        { name: 'bare export calls, the module as the emulator runs it', run: () => (same.inspect('echo', arg), same.update('echo', arg)), ms: [] as number[] },
        { name: 'bare export calls, the module as built', run: () => (plain.inspect('echo', arg), plain.update('echo', arg)), ms: [] as number[] }
    ];
    for (const side of sides) for (let i = 0; i < 50; i++) await side.run();
    for (let r = 0; r < ROUNDS; r++) {
        for (const side of sides) {
            const t = await time(async () => {
                for (let i = 0; i < UPDATES; i++) await side.run();
            });
            side.ms.push(t.ms / UPDATES);
        }
    }
    const [emulator, whole, sameBare, plainBare] = sides.map((s) => median(s.ms));
    return [
        ...sides.map((s) => ({ name: `Azle update (inspect + echo), ${s.name}`, value: median(s.ms), unit: 'ms' })),
        { name: 'emulator / bare, same module (target at most 1.2x)', value: emulator / sameBare, unit: 'x' },
        { name: 'emulator / bare, module as built', value: emulator / plainBare, unit: 'x', note: 'the difference is the metering and the barrier' },
        { name: 'whole-heap copy / page rollback', value: whole / emulator, unit: 'x' }
    ];
}

/**
 * Three Azle canisters deployed afresh, against forked from a deployed emulator (heaps shared
 * until first use, then copied), against restored in place after a test-sized workload (each
 * canister called once: only the pages written since are copied back).
 */
async function setup(): Promise<Measurement[]> {
    const wasm = (name: string) => readFileSync(builtWasm(name));
    const fresh: number[] = [];
    const forks: number[] = [];
    const forksUsed: number[] = [];
    const restores: number[] = [];
    let base: Emulator | undefined;
    for (let r = 0; r < 5; r++) {
        const t = await time(async () => {
            const em = await Emulator.create();
            for (const name of ['caller', 'untrusted_callee', 'ledger_mock']) await em.setupCanister({ wasm: wasm(name) });
            await em.runUntilIdle();
            return em;
        });
        fresh.push(t.ms);
        base = t.value;
    }
    if (base === undefined) throw new Error('no deployment');
    const saved = base;
    const ids = [...saved.subnet.canisters.values()].map((c) => c.id);
    // A test-sized workload: one update on each canister (caller, callee, ledger, in deploy order).
    const [caller, callee, ledger] = ids;
    const Account = IDL.Record({ owner: IDL.Principal, subaccount: IDL.Opt(IDL.Vec(IDL.Nat8)) });
    const workload = async (em: Emulator) => {
        await em.updateCall(caller, 'ping', new Uint8Array(IDL.encode([], [])));
        await em.updateCall(callee, 'echo', new Uint8Array(IDL.encode([IDL.Text], ['x'])));
        await em.updateCall(ledger, 'mint', new Uint8Array(IDL.encode([Account, IDL.Nat], [{ owner: caller, subaccount: [] }, 1n])));
    };
    for (let r = 0; r < 20; r++) {
        forks.push((await time(() => saved.fork())).ms);
        const used = await time(() => {
            const em = saved.fork();
            for (const id of ids) em.subnet.canister(id)?.heap();
        });
        forksUsed.push(used.ms);
    }
    const working = saved.fork();
    await workload(working);
    for (let r = 0; r < 20; r++) {
        await workload(working);
        restores.push(
            (
                await time(() => {
                    working.restore(saved);
                    for (const id of ids) working.subnet.canister(id)?.heap();
                })
            ).ms
        );
    }
    return [
        { name: 'deploy caller, callee and ledger afresh (modules compiled)', value: median(fresh), unit: 'ms' },
        { name: 'fork the deployed emulator', value: median(forks), unit: 'ms', note: 'heaps shared copy-on-write' },
        { name: 'fork, then each of the three copies its heap', value: median(forksUsed), unit: 'ms', note: 'fresh memory: page faults' },
        { name: 'restore a forked world in place after a test (target under 20 ms)', value: median(restores), unit: 'ms' },
        { name: 'fresh deploy / restore (target at least 20x)', value: median(fresh) / median(restores), unit: 'x' },
        { name: 'fresh deploy / fork with heaps copied', value: median(fresh) / median(forksUsed), unit: 'x' }
    ];
}

/** Rounds a second while a caller holds 10,000 bounded-wait calls open (before any deadline). */
async function loadRounds(): Promise<Measurement[]> {
    const w = await deployLoadWorld({ hanging: 20, slow: 0 });
    const before = callerMemory(w);
    for (let i = 0; i < 5; i++) await w.callerActor.fan_out({ callees: w.hanging, calls: 2_000, wait: { Bounded: { timeout_seconds: 300n } } });
    await w.em.tick(1);
    const perCall = (callerMemory(w) - before) / 10_000;
    const rounds = 100;
    const t = await time(() => w.em.tick(rounds));
    return [
        { name: 'rounds with 10,000 calls outstanding', value: (rounds / t.ms) * 1000, unit: 'rounds/s' },
        { name: 'caller heap per outstanding call', value: perCall / 1024, unit: 'KiB' },
        { name: 'process peak RSS (whole bench so far)', value: process.resourceUsage().maxRSS / 1024, unit: 'MiB' }
    ];
}

/** The whole test suite, as npm test runs it, with and without forking and page rollback. */
function suite(): Measurement[] {
    const run = (env: Record<string, string>) => {
        const started = process.hrtime.bigint();
        const r = spawnSync(process.execPath, ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning', 'node_modules/jest/bin/jest.js', '--silent'], {
            env: { ...process.env, ...env },
            stdio: ['ignore', 'ignore', 'pipe'],
            encoding: 'utf8'
        });
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        // A failing test is reported beside the time, not hidden: the time then counts a shorter run.
        const failed = r.status === 0 ? undefined : (/Tests:\s+(\d+) failed/.exec(r.stderr)?.[1] ?? 'some');
        return { seconds, note: failed === undefined ? undefined : `${failed} tests failed in this run` };
    };
    const before = run({ EMULATOR_FRESH_DEPLOYS: '1', EMULATOR_WHOLE_HEAP_ROLLBACK: '1' });
    const after = run({});
    return [
        { name: 'npm test, fresh deploys and whole-heap rollback', value: before.seconds, unit: 's', note: before.note },
        { name: 'npm test, forked worlds and page rollback', value: after.seconds, unit: 's', note: after.note },
        { name: 'time saved (target at least 30 %)', value: (1 - after.seconds / before.seconds) * 100, unit: '%' }
    ];
}

/** What a message costs beyond the bare call, setup from a fork, a caller under load, the suite. */
export async function benchScale(options: { suite: boolean }): Promise<Measurement[]> {
    return [...(await perMessage()), ...(await setup()), ...(await loadRounds()), ...(options.suite ? suite() : [])];
}
