/** `npm run demo -- --json` prints one JSON document that follows scripts/demo/report.schema.json. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Ajv } from 'ajv';

import { ROOT } from '../../tools/build/canisters';
import { runScript } from '../support/run_script';

const schema = JSON.parse(readFileSync(join(ROOT, 'scripts', 'demo', 'report.schema.json'), 'utf8')) as object;
const validate = new Ajv({ allErrors: true }).compile(schema);

const demo = (args: string[]) => runScript('demo.ts', args);

describe('the demo', () => {
    it('--json output validates against the schema, and every scenario behaved', () => {
        const run = demo(['--json']);
        expect(run.status).toBe(0);
        const report = JSON.parse(run.stdout) as { scenarios: { name: string; ok: boolean }[]; failed: number; network: string };
        expect(validate(report)).toBe(true);
        expect(validate.errors ?? []).toEqual([]);
        expect(report.network).toBe('emulator');
        expect(report.failed).toBe(0);
        expect(report.scenarios.map((s) => s.name)).toEqual([
            'deadlines',
            'timeouts',
            'hang',
            'stop-upgrade',
            'cycles',
            'safe-transfer',
            'guaranteed-transfer'
        ]);
    });

    it('runs one scenario by name', () => {
        const run = demo(['cycles', '--json']);
        const report = JSON.parse(run.stdout) as { scenarios: { name: string; facts: Record<string, unknown> }[] };
        expect(report.scenarios.map((s) => s.name)).toEqual(['cycles']);
        expect(report.scenarios[0].facts).toEqual({ refunded_after_reject: 1_000_000_000, refunded_after_timeout: 0 });
    });

    it('the schema rejects a report that breaks it', () => {
        expect(validate({ network: 'mainnet', scenarios: [], passed: 0, failed: 0 })).toBe(false);
    });

    it('an unknown scenario is a clear error', () => {
        const run = demo(['nope']);
        expect(run.status).toBe(2);
        expect(run.stderr).toMatch(/unknown scenario\(s\): nope; choose from deadlines/);
    });

    it('--network local without dfx fails fast with the install hint', () => {
        const run = runScript('demo.ts', ['--network', 'local'], { DFX: '/nonexistent/dfx' }, 60_000);
        expect(run.status).toBe(2);
        expect(run.stderr).toMatch(/dfxvm install 0\.24\.1-beta\.1/);
    });
});
