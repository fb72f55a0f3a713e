/**
 * The walkthrough's scenarios (scripts/demo/scenarios.ts) as tests, on the backend IC_BACKEND
 * names: the embedded emulator by default, or the canisters `dfx deploy` put on a local replica
 * (`npm run test:dfx`). The same file runs on both; on dfx, time is real and timeouts are short.
 */
import type { Principal } from '@dfinity/principal';

import { EmulatorHarness } from '../../harness/emulator_harness';
import { prepare, harnessFor } from '../../harness/prepare';
import { Harness } from '../../harness/types';
import { SCENARIOS } from '../../scripts/demo/scenarios';
import { drawTraceOnFailure } from '../support/failure_diagrams';

const backend = process.env.IC_BACKEND ?? 'emulator';

describe(`the walkthrough on ${backend}`, () => {
    let h: Harness;
    beforeAll(async () => {
        h = await harnessFor(backend);
        await prepare(h);
        if (h instanceof EmulatorHarness) {
            const names: [Principal, string][] = [[h.caller, 'caller'], [h.callee, 'untrusted_callee'], [h.ledger, 'ledger_mock']];
            drawTraceOnFailure(h.em, new Map(names.map(([id, name]) => [id.toText(), name])));
        }
    }, 300_000);
    afterAll(async () => h?.close());

    it.each(SCENARIOS.map((s) => [s.name, s] as const))(
        '%s',
        async (_name, scenario) => {
            const steps: string[] = [];
            const outcome = await scenario.run({ h, say: async (t) => void steps.push(t), virtual: h.network === 'emulator' });
            expect({ ok: outcome.ok, summary: outcome.summary, steps }).toMatchObject({ ok: true });
        },
        600_000
    );
});
