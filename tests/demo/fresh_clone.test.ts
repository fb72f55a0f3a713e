/**
 * The README's first command on a fresh clone: only the files git tracks (no build output, no
 * generated bindings), node_modules as npm ci left it. Catches a module the demo loads before
 * it builds that needs what the build generates, and a file the repository forgot to track.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { ROOT } from '../../harness/root';

describe('a fresh clone', () => {
    it('runs the demo with nothing built: npm run demo builds first', () => {
        const clone = mkdtempSync(join(tmpdir(), 'fresh-clone-'));
        try {
            const files = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
            for (const file of files) {
                mkdirSync(dirname(join(clone, file)), { recursive: true });
                copyFileSync(join(ROOT, file), join(clone, file));
            }
            symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'));
            const run = spawnSync('npm', ['run', '-s', 'demo', '--', 'deadlines', '--json'], { cwd: clone, encoding: 'utf8', timeout: 300_000 });
            expect({ status: run.status, stderr: run.status === 0 ? '' : run.stderr.slice(-2_000) }).toEqual({ status: 0, stderr: '' });
            const report = JSON.parse(run.stdout) as { passed: number; scenarios: unknown[] };
            expect(report.passed).toBe(1);
        } finally {
            rmSync(clone, { recursive: true, force: true });
        }
    }, 300_000);
});
