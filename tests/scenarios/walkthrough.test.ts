/**
 * The walkthrough's scenarios (scripts/demo/scenarios.ts) as tests, on the backends IC_BACKEND
 * names (comma-separated): by default the embedded emulator in process and the same emulator
 * served over HTTP, deployed and called with @dfinity/agent; `npm run test:dfx` runs it on the
 * canisters dfx deployed on a local replica. The same file runs on all of them; in real time,
 * timeouts are short.
 */
import type { Principal } from '@dfinity/principal';

import { EmulatorHarness } from '../../harness/emulator_harness';
import { prepare, harnessFor } from '../../harness/prepare';
import { Harness } from '../../harness/types';
import { SCENARIOS } from '../../scripts/demo/scenarios';
import { drawTraceOnFailure } from '../support/failure_diagrams';

const backends = (process.env.IC_BACKEND ?? 'emulator,served').split(',');

describe.each(backends)('the walkthrough on %s', (backend) => {
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
            const outcome = await scenario.run({ h, say: async (t) => void steps.push(t), virtual: h.virtual });
            expect({ ok: outcome.ok, summary: outcome.summary, steps }).toMatchObject({ ok: true });
        },
        600_000
    );
});
