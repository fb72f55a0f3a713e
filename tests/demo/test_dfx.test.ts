/** `npm run test:dfx` where dfx is missing: fails at once with the install command, runs nothing. */
import { runScript } from '../support/run_script';

describe('npm run test:dfx without dfx', () => {
    it('fails fast, naming the install command', () => {
        const started = Date.now();
        const run = runScript('test_dfx.ts', [], { DFX: '/nonexistent/dfx' }, 60_000);
        expect(run.status).toBe(1);
        expect(run.stderr).toMatch(/dfxvm install 0\.24\.1-beta\.1/);
        expect(run.stdout).not.toMatch(/passed/);
        expect(Date.now() - started).toBeLessThan(30_000);
    });
});
