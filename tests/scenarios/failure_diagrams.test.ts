/**
 * A failed scenario test leaves the diagram of its trace behind and names it in its failure
 * (tests/support/failure_diagrams.ts). Checked on a scenario that fails on purpose, in a jest
 * run of its own.
 */
import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ROOT } from '../../harness/root';

describe('a failed scenario test', () => {
    const dir = mkdtempSync(join(tmpdir(), 'failure-diagrams-'));
    let run: SpawnSyncReturns<string>;
    beforeAll(() => {
        run = spawnSync(
            process.execPath,
            [
                '--experimental-vm-modules',
                '--no-warnings=ExperimentalWarning',
                join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'),
                '--ci',
                '--reporters=default',
                '--testMatch',
                '<rootDir>/tests/support/fixtures/failing_scenario.fixture.ts'
            ],
            { cwd: ROOT, encoding: 'utf8', env: { ...process.env, TRACE_DIAGRAM_DIR: dir }, timeout: 120_000 }
        );
    }, 150_000);
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('fails, and its failure names the diagram of its trace', () => {
        expect(run.status).toBe(1);
        expect(run.stderr).toMatch(/1 failed, 1 passed|Tests: +1 failed, 1 passed/);
        expect(run.stderr).toContain(`the trace of this failed test is drawn in ${join(dir, 'a-scenario-that-fails-after-a-timed-out-call.svg')}`);
    });

    it('leaves one diagram, of the failed test only, with the timed-out call in it', () => {
        expect(readdirSync(dir)).toEqual(['a-scenario-that-fails-after-a-timed-out-call.svg']);
        const svg = readFileSync(join(dir, 'a-scenario-that-fails-after-a-timed-out-call.svg'), 'utf8');
        expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
        expect(svg).toContain('<title>a scenario that fails after a timed-out call</title>');
        expect(svg).toMatch(/<g data-kind="sys-unknown"[^>]*data-from="system" data-to="caller"/);
        expect(svg).toContain('best-effort, timeout 5 s');
        expect(svg).toContain('data-lane="untrusted_callee"');
    });
});
