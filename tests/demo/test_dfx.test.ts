/** `npm run test:dfx` where dfx is missing: fails at once with the install command, runs nothing. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { ROOT } from '../../tools/build/canisters';

describe('npm run test:dfx without dfx', () => {
    it('fails fast, naming the install command', () => {
        const started = Date.now();
        const run = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'scripts', 'test_dfx.ts')], {
            cwd: ROOT,
            encoding: 'utf8',
            env: { ...process.env, DFX: '/nonexistent/dfx' },
            timeout: 60_000
        });
        expect(run.status).toBe(1);
        expect(run.stderr).toMatch(/dfxvm install 0\.24\.1-beta\.1/);
        expect(run.stdout).not.toMatch(/passed/);
        expect(Date.now() - started).toBeLessThan(30_000);
    });
});
