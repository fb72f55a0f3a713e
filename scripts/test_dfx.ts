/**
 * npm run test:dfx: the walkthrough scenarios on a clean dfx local replica, in real time.
 * dfx starts the replica and deploys the canisters with a key made for the run (imported as a
 * dfx identity); the scenarios then run through the same HTTP harness as on any network.
 * Fails at once, naming the install command, where dfx is missing; never passes without running.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { dfx, DfxMissingError, requireDfx } from '../harness/dfx';
import { newEd25519Pem } from '../harness/identity';
import { ROOT } from '../harness/root';

/** The dfx identity the run deploys with; removed afterwards. */
const IDENTITY = 'ic-response-models-test';

function main(): number {
    let version: string;
    try {
        version = requireDfx();
    } catch (e) {
        console.error(e instanceof DfxMissingError ? e.message : e);
        return 1;
    }
    console.log(`using ${version}; starting a clean local replica`);
    const dir = mkdtempSync(join(tmpdir(), 'test-dfx-'));
    const pem = join(dir, 'identity.pem');
    writeFileSync(pem, newEd25519Pem(), { mode: 0o600 });
    dfx(['start', '--clean', '--background']);
    try {
        dfx(['identity', 'import', '--storage-mode', 'plaintext', '--force', IDENTITY, pem], { quiet: true });
        dfx(['deploy', '--yes', '--identity', IDENTITY]);
        const jest = spawnSync(
            process.execPath,
            ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning', join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), 'tests/scenarios/walkthrough.test.ts'],
            { cwd: ROOT, stdio: 'inherit', env: { ...process.env, IC_BACKEND: 'dfx', IC_IDENTITY_PEM: pem } }
        );
        return jest.status ?? 1;
    } finally {
        dfx(['stop']);
        try {
            dfx(['identity', 'remove', IDENTITY], { quiet: true });
        } catch {
            // It may be missing if the import failed; nothing to clean up then.
        }
        rmSync(dir, { recursive: true, force: true });
    }
}

process.exit(main());
