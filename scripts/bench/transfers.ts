import { readFileSync } from 'node:fs';

import { Emulator } from '@response-models/emulator';
import { idlFactory as callerIdl } from '../../src/declarations/caller/caller.did.js';
import type { _SERVICE as Caller } from '../../src/declarations/caller/caller.did.js';
import { idlFactory as ledgerIdl } from '../../src/declarations/ledger_mock/ledger_mock.did.js';
import type { _SERVICE as Ledger } from '../../src/declarations/ledger_mock/ledger_mock.did.js';
import { builtWasm } from '../../harness/built';
import { allTransfers } from '../../harness/transfer_pages';
import { Measurement, time } from './measure';

const TRANSFERS = 100;

/** The caller's safe transfer path against the ledger mock, with best-effort messages dropped. */
async function run(dropRate: number): Promise<Measurement[]> {
    const em = await Emulator.create({ roundStepMs: 1_000, seed: 42 });
    const ledger = await em.setupCanister({ wasm: readFileSync(builtWasm('ledger_mock')) });
    const caller = await em.setupCanister({ wasm: readFileSync(builtWasm('caller')) });
    await em.runUntilIdle();
    const ledgerActor = em.createActor<Ledger>(ledgerIdl, ledger);
    const callerActor = em.createActor<Caller>(callerIdl, caller);
    await ledgerActor.mint({ owner: caller, subaccount: [] }, 10n ** 15n);
    await callerActor.set_transfer_settings({ ledger: [ledger], timeout_seconds: 5, max_attempts: 40 });
    if (dropRate > 0) {
        // Requests to the ledger, and the ledger's responses (a response comes from the ledger).
        em.faults.dropBestEffort('request', { match: (m) => m.to === ledger.toText(), probability: dropRate });
        em.faults.dropBestEffort('response', { match: (m) => m.from === ledger.toText(), probability: dropRate });
    }
    const later = em.createDeferredActor<Caller>(callerIdl, caller);
    const to = { owner: Emulator.identity('bench'), subaccount: [] as [] };
    const startNs = em.timeNs;
    const { ms } = await time(async () => {
        const pending = [];
        for (let i = 0; i < TRANSFERS; i++) pending.push(later.transfer({ to, amount: 1_000n, client_key: [] }));
        for (const p of pending) await p.wait(500);
        for (let i = 0; i < 5_000 && (await callerActor.unresolved_transfers()).length > 0; i += 10) await em.tick(10);
    });
    const ops = await allTransfers(callerActor);
    const committed = ops.filter((op) => 'Committed' in op.state).length;
    const calls = ops.reduce((n, op) => n + op.ledger_calls, 0);
    const label = `${Math.round(dropRate * 100)}% drops`;
    return [
        { name: `safe transfers, ${label}`, value: (TRANSFERS / ms) * 1000, unit: 'transfers/s', note: `${committed}/${TRANSFERS} committed` },
        { name: `ledger calls per transfer, ${label}`, value: calls / ops.length, unit: 'calls' },
        { name: `virtual time to resolve all, ${label}`, value: Number(em.timeNs - startNs) / 1e9, unit: 's' }
    ];
}

export async function benchTransfers(): Promise<Measurement[]> {
    const rows: Measurement[] = [];
    for (const rate of [0, 0.1, 0.5]) rows.push(...(await run(rate)));
    return rows;
}
