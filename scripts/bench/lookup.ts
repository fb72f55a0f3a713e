import { readFileSync } from 'node:fs';

import { Emulator } from '@response-models/emulator';
import { idlFactory as callerIdl } from '../../src/declarations/caller/caller.did.js';
import type { _SERVICE as Caller } from '../../src/declarations/caller/caller.did.js';
import { idlFactory as ledgerIdl } from '../../src/declarations/ledger_mock/ledger_mock.did.js';
import type { _SERVICE as Ledger } from '../../src/declarations/ledger_mock/ledger_mock.did.js';
import { builtWasm } from '../../harness/built';
import { Measurement } from './measure';

const LENGTHS = [1_000, 10_000, 100_000, 1_000_000];
/** Blocks other accounts append in the transfer's window, after it: what any lookup must read past. */
const AFTER = 1_000;
const DAY_AND_A_BIT_MS = (24 * 3600 + 300) * 1_000;

function unwrap<T>(r: { Ok: T } | { Err: unknown }): T {
    if ('Err' in r) throw new Error(JSON.stringify(r.Err, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
    return r.Ok;
}

/**
 * One TooOld lookup: `before` blocks an hour old, then our transfer (committed, its answer lost),
 * then AFTER blocks, then a day with the caller stopped. `knowsTip`: the caller made a transfer
 * just before, so it knows where the log stood; otherwise it is new to the ledger and bisects.
 */
async function lookupCost(before: number, knowsTip: boolean): Promise<{ calls: number; seconds: number }> {
    const em = await Emulator.create({ roundStepMs: 1_000, seed: 3 });
    const ledgerId = await em.setupCanister({ wasm: readFileSync(builtWasm('ledger_mock')) });
    const callerId = await em.setupCanister({ wasm: readFileSync(builtWasm('caller')) });
    await em.runUntilIdle();
    const ledger = em.createActor<Ledger>(ledgerIdl, ledgerId);
    const caller = em.createActor<Caller>(callerIdl, callerId);
    unwrap(await ledger.mint({ owner: callerId, subaccount: [] }, 10n ** 15n));
    unwrap(await caller.set_transfer_settings({ ledger: [ledgerId], timeout_seconds: 5, max_attempts: 40 }));
    unwrap(await ledger.generate_blocks(before));
    await em.advanceTime(3_600_000);
    const to = { owner: Emulator.identity('bench'), subaccount: [] as [] };
    if (knowsTip) unwrap(await caller.transfer({ to, amount: 1n, client_key: [] }));
    unwrap(await ledger.set_block_log({ max_blocks_per_request: 250 }));
    const noAnswers = em.faults.dropBestEffort('response', { match: (m) => m.method === 'icrc1_transfer' });
    const op = unwrap(await caller.transfer({ to, amount: 1_000n, client_key: [] }));
    unwrap(await ledger.generate_blocks(AFTER));
    await em.stopCanister({ canisterId: callerId, maxRounds: 30 });
    em.faults.remove(noAnswers);
    await em.advanceTime(DAY_AND_A_BIT_MS);
    await em.startCanister({ canisterId: callerId });
    const started = em.timeNs;
    for (let i = 0; i < 2_000 && (await caller.unresolved_transfers()).length > 0; i++) await em.tick(1);
    const [done] = await caller.get_transfer(op.id);
    if (done === undefined || !('Committed' in done.state)) throw new Error('the lookup did not find the transfer');
    return { calls: done.lookup[0]?.calls ?? 0, seconds: Number(em.timeNs - started) / 1e9 };
}

/** Lookup cost against the length of the log before the transfer. */
export async function benchLookup(): Promise<Measurement[]> {
    const rows: Measurement[] = [];
    const known: number[] = [];
    for (const before of LENGTHS) {
        const k = await lookupCost(before, true);
        const n = await lookupCost(before, false);
        known.push(k.calls);
        const label = `${before.toLocaleString('en')} blocks before`;
        rows.push({ name: `lookup calls, ${label}, log position known`, value: k.calls, unit: 'calls', note: `${k.seconds.toFixed(0)} s virtual` });
        rows.push({ name: `lookup calls, ${label}, caller new to the ledger`, value: n.calls, unit: 'calls', note: `${n.seconds.toFixed(0)} s virtual, bisection` });
    }
    rows.push({ name: 'calls at 1,000,000 / calls at 1,000, log position known', value: known[known.length - 1] / known[0], unit: 'x', note: 'does not grow with the log before the transfer' });
    return rows;
}
