/** The real Azle canisters of this repository run in the emulator and answer through typed actors. */
import { readFileSync } from 'node:fs';

import { Emulator } from '@response-models/emulator';
import { idlFactory as calleeIdl } from '../../src/declarations/untrusted_callee/untrusted_callee.did.js';
import type { _SERVICE as Callee } from '../../src/declarations/untrusted_callee/untrusted_callee.did.js';
import { idlFactory as ledgerIdl } from '../../src/declarations/ledger_mock/ledger_mock.did.js';
import type { _SERVICE as Ledger } from '../../src/declarations/ledger_mock/ledger_mock.did.js';
import { builtWasm } from '../support/built';

describe('Azle canisters', () => {
    it('answer an update and a query', async () => {
        const em = await Emulator.create();
        const callee = await em.setupCanister({ wasm: readFileSync(builtWasm('untrusted_callee')) });
        const ledger = await em.setupCanister({ wasm: readFileSync(builtWasm('ledger_mock')) });
        await em.runUntilIdle(); // Azle seeds its randomness from raw_rand through a timer
        const calleeActor = em.createActor<Callee>(calleeIdl, callee);
        const ledgerActor = em.createActor<Ledger>(ledgerIdl, ledger);
        await expect(calleeActor.echo('hello')).resolves.toBe('hello');
        await expect(ledgerActor.icrc1_fee()).resolves.toBe(10_000n);
    });

    it('install on the dfx 0.24.1-beta.1 profile: the rewrite made them fit', async () => {
        const em = await Emulator.create({ profile: 'dfx-0.24.1-beta.1' });
        const callee = await em.setupCanister({ wasm: readFileSync(builtWasm('untrusted_callee')) });
        await expect(em.createActor<Callee>(calleeIdl, callee).deadline()).resolves.toBe(0n);
    });
});
