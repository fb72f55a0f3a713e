/**
 * npm run test:dfx: the walkthrough scenarios on a clean dfx local replica, in real time.
 * Fails at once, naming the install command, where dfx is missing; never passes without running.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { dfx, DfxMissingError, requireDfx } from '../harness/dfx';
import { ROOT } from '../tools/build/canisters';

function main(): number {
    let version: string;
    try {
        version = requireDfx();
    } catch (e) {
        console.error(e instanceof DfxMissingError ? e.message : e);
        return 1;
    }
    console.log(`using ${version}; starting a clean local replica`);
    dfx(['start', '--clean', '--background']);
    try {
        dfx(['deploy', '--yes']);
        const jest = spawnSync(
            process.execPath,
            ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning', join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), 'tests/scenarios/walkthrough.test.ts'],
            { cwd: ROOT, stdio: 'inherit', env: { ...process.env, IC_BACKEND: 'dfx' } }
        );
        return jest.status ?? 1;
    } finally {
        dfx(['stop']);
    }
}

process.exit(main());
