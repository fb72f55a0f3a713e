/**
 * transfers_page and unresolved_transfers are public queries, and a query stops at 5 B
 * instructions: under heavy drops, operations carry long attempt logs, and a page of 100 of them
 * would cost more than that (measured: about 450 attempts in 100 operations). The caller returns
 * fewer operations instead; paging on from the last id still reaches every operation once.
 */
import { readFileSync } from 'node:fs';

import { Emulator } from '@response-models/emulator';
import { idlFactory as callerIdl } from '../../src/declarations/caller/caller.did.js';
import type { _SERVICE as Caller } from '../../src/declarations/caller/caller.did.js';
import { idlFactory as ledgerIdl } from '../../src/declarations/ledger_mock/ledger_mock.did.js';
import type { _SERVICE as Ledger } from '../../src/declarations/ledger_mock/ledger_mock.did.js';
import { builtWasm } from '../support/built';

const TRANSFERS = 60;

it('pages of transfers with long attempt logs stay within what a query can encode', async () => {
    const em = await Emulator.create({ roundStepMs: 1_000, seed: 7 });
    const ledger = await em.setupCanister({ wasm: readFileSync(builtWasm('ledger_mock')) });
    const caller = await em.setupCanister({ wasm: readFileSync(builtWasm('caller')) });
    const callerActor = em.createActor<Caller>(callerIdl, caller);
    await em.createActor<Ledger>(ledgerIdl, ledger).mint({ owner: caller, subaccount: [] }, 10n ** 15n);
    await callerActor.set_transfer_settings({ ledger: [ledger], timeout_seconds: 5, max_attempts: 40 });
    em.faults.dropBestEffort('request', { match: (m) => m.to === ledger.toText(), probability: 0.6 });
    em.faults.dropBestEffort('response', { match: (m) => m.from === ledger.toText(), probability: 0.6 });
    const later = em.createDeferredActor<Caller>(callerIdl, caller);
    const to = { owner: Emulator.identity('payee'), subaccount: [] as [] };
    const pending = Array.from({ length: TRANSFERS }, () => later.transfer({ to, amount: 1_000n, client_key: [] }));
    for (const p of pending) await p.wait(500);
    for (let i = 0; i < 500 && (await callerActor.unresolved_transfers()).length > 0; i++) await em.tick(10);

    const pages: number[] = [];
    const ids: bigint[] = [];
    for (let start = 0n; ; ) {
        const page = await callerActor.transfers_page(start, 100);
        if (page.length === 0) break;
        pages.push(page.length);
        ids.push(...page.map((op) => op.id));
        const entries = page.reduce((n, op) => n + 1 + op.attempt_log.length + op.log.length, 0);
        expect(page.length === 1 || entries <= 300).toBe(true);
        start = page[page.length - 1].id + 1n;
    }
    expect(ids).toEqual(Array.from({ length: TRANSFERS }, (_, i) => BigInt(i)));
    expect(pages.length).toBeGreaterThan(1); // the logs were long enough to cut the first page
}, 300_000);
