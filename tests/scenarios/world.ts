import { readFileSync } from 'node:fs';

import type { ActorSubclass } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';

import { DeferredActor, Emulator } from '@response-models/emulator';
import { idlFactory as callerIdl } from '../../src/declarations/caller/caller.did.js';
import type { _SERVICE as Caller } from '../../src/declarations/caller/caller.did.js';
import { idlFactory as ledgerIdl } from '../../src/declarations/ledger_mock/ledger_mock.did.js';
import type { _SERVICE as Ledger } from '../../src/declarations/ledger_mock/ledger_mock.did.js';
import { idlFactory as calleeIdl } from '../../src/declarations/untrusted_callee/untrusted_callee.did.js';
import type { _SERVICE as Callee } from '../../src/declarations/untrusted_callee/untrusted_callee.did.js';
import { builtWasm } from '../support/built';
import { drawTraceOnFailure } from '../support/failure_diagrams';

export type { Caller, Callee, Ledger };
export type TransferOp = Extract<Awaited<ReturnType<Caller['transfer']>>, { Ok: unknown }>['Ok'];
export type CallReport = Extract<Awaited<ReturnType<Caller['call_callee']>>, { Ok: unknown }>['Ok'];

export const SECOND = 1_000_000_000n;
export const ROUND_MS = 1_000;
export const CALLER_CYCLES = 10_000_000_000_000n;
export const CALLEE_CYCLES = 5_000_000_000_000n;

export const wasm = {
    caller: () => readFileSync(builtWasm('caller')),
    callee: () => readFileSync(builtWasm('untrusted_callee')),
    ledger: () => readFileSync(builtWasm('ledger_mock'))
};

export interface World {
    em: Emulator;
    caller: Principal;
    callee: Principal;
    callerActor: ActorSubclass<Caller>;
    /** The caller's methods, submitted without running rounds. */
    later: DeferredActor<Caller>;
    calleeActor: ActorSubclass<Callee>;
}

/**
 * Deployed worlds, one per set of options, deployed once per test file and forked for each test
 * (em.fork()): every test starts from the same deployed state without paying for the deploy.
 * EMULATOR_FRESH_DEPLOYS=1 deploys every world afresh instead, which is how the bench measures
 * what forking saves.
 */
const bases = new Map<string, Promise<Emulator>>();
const FRESH = process.env.EMULATOR_FRESH_DEPLOYS === '1';

async function deployed(key: string, deploy: () => Promise<Emulator>): Promise<Emulator> {
    if (FRESH) return deploy();
    let base = bases.get(key);
    if (base === undefined) {
        base = deploy();
        bases.set(key, base);
    }
    return (await base).fork();
}

/** The ids every world has: the first canisters created on a fresh emulator, in deploy order. */
function deployedIds(em: Emulator): Principal[] {
    return [...em.subnet.canisters.values()].map((c) => c.id);
}

/**
 * The caller and the untrusted callee on a fresh emulator with 1-second rounds. The caller's
 * controller trusts the callee for unbounded waits unless `trusted` is false: most tests here
 * study what such a wait does.
 */
export async function deployWorld(options: { trusted?: boolean } = {}): Promise<World> {
    const em = await deployed(`world ${options.trusted !== false}`, async () => {
        const em = await Emulator.create({ roundStepMs: ROUND_MS });
        const callee = await em.setupCanister({ wasm: wasm.callee(), cycles: CALLEE_CYCLES });
        const caller = await em.setupCanister({ wasm: wasm.caller(), cycles: CALLER_CYCLES });
        await em.runUntilIdle(); // Azle's start-up timers
        if (options.trusted !== false) ok(await em.createActor<Caller>(callerIdl, caller).trust_callee(callee, true));
        return em;
    });
    const [callee, caller] = deployedIds(em);
    drawTraceOnFailure(em, names({ caller, untrusted_callee: callee }));
    return {
        em,
        caller,
        callee,
        callerActor: em.createActor<Caller>(callerIdl, caller),
        later: em.createDeferredActor<Caller>(callerIdl, caller),
        calleeActor: em.createActor<Callee>(calleeIdl, callee)
    };
}

/** Display names for a failed test's diagram. */
function names(canisters: Record<string, Principal>): Map<string, string> {
    return new Map(Object.entries(canisters).map(([name, id]) => [id.toText(), name]));
}

/** Unwraps the caller's Ok, failing the test with the error otherwise. */
export function ok<T>(result: { Ok: T } | { Err: unknown }): T {
    if ('Err' in result) throw new Error(`expected Ok, got ${JSON.stringify(result.Err, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}`);
    return result.Ok;
}

/** Lets `seconds` of virtual time pass in big steps, running a few rounds after each step. */
export async function elapse(em: Emulator, seconds: number, stepSeconds = 60): Promise<void> {
    const end = em.timeNs + BigInt(seconds) * SECOND;
    while (em.timeNs < end) {
        await em.advanceTime(Math.min(stepSeconds, Number((end - em.timeNs) / SECOND)) * 1_000);
        await em.tick(2);
    }
}

export interface LedgerWorld {
    em: Emulator;
    caller: Principal;
    ledger: Principal;
    callerActor: ActorSubclass<Caller>;
    later: DeferredActor<Caller>;
    ledgerActor: ActorSubclass<Ledger>;
}

export const MINTED = 1_000_000_000_000n;
export const FEE = 10_000n;

/** The caller and the ledger mock, with MINTED tokens on the caller's account and the caller configured. */
export async function deployLedgerWorld(options: { seed?: number; timeoutSeconds?: number; innerRounds?: boolean } = {}): Promise<LedgerWorld> {
    const em = await deployed(`ledger ${options.seed ?? 0} ${options.timeoutSeconds ?? 10} ${options.innerRounds ?? true}`, async () => {
        const em = await Emulator.create({ roundStepMs: ROUND_MS, seed: options.seed ?? 0, innerRounds: options.innerRounds });
        const ledger = await em.setupCanister({ wasm: wasm.ledger() });
        const caller = await em.setupCanister({ wasm: wasm.caller(), cycles: CALLER_CYCLES });
        await em.runUntilIdle();
        const callerActor = em.createActor<Caller>(callerIdl, caller);
        ok(await em.createActor<Ledger>(ledgerIdl, ledger).mint({ owner: caller, subaccount: [] }, MINTED));
        ok(await callerActor.set_transfer_settings({ ledger: [ledger], timeout_seconds: options.timeoutSeconds ?? 10, max_attempts: 40 }));
        ok(await callerActor.trust_callee(ledger, true)); // for transfer_unbounded
        return em;
    });
    const [ledger, caller] = deployedIds(em);
    drawTraceOnFailure(em, names({ caller, ledger_mock: ledger }));
    return {
        em,
        caller,
        ledger,
        callerActor: em.createActor<Caller>(callerIdl, caller),
        later: em.createDeferredActor<Caller>(callerIdl, caller),
        ledgerActor: em.createActor<Ledger>(ledgerIdl, ledger)
    };
}

/**
 * An archive canister for the world's ledger: another ledger_mock instance, with the ledger
 * among its controllers (as a real ledger controls its archives).
 */
export async function deployArchive(w: LedgerWorld): Promise<Principal> {
    const archive = await w.em.setupCanister({ wasm: wasm.ledger(), controllers: [w.em.defaultSender, w.ledger] });
    await w.em.runUntilIdle();
    return archive;
}

export function account(owner: Principal): { owner: Principal; subaccount: [] } {
    return { owner, subaccount: [] };
}

export function stateOf(op: TransferOp): string {
    return Object.keys(op.state)[0];
}

/** Runs rounds until every transfer is resolved (or `maxRounds` pass). */
export async function settleTransfers(w: LedgerWorld, maxRounds = 2_000): Promise<void> {
    for (let i = 0; i < maxRounds; i += 10) {
        await w.em.tick(10);
        const open = await w.callerActor.unresolved_transfers();
        if (open.length === 0 && w.em.subnet.queue.length === 0) return;
    }
    throw new Error(`transfers still unresolved after ${maxRounds} rounds`);
}
