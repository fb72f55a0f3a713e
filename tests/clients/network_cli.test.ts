/** ic-emulator (npm run network): prints where it serves and its root key, follows the CLI conventions, stops on SIGTERM. */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { decode } from '@dfinity/cbor';

import { ROOT } from '../../harness/root';

/** The package's bin, as a user's `npx ic-emulator` runs it (npm test builds the packages first). */
const BIN = join(ROOT, 'node_modules', '.bin', 'ic-emulator');

function runCli(args: string[]) {
    return spawnSync(BIN, args, { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
}

describe('ic-emulator', () => {
    it('--help prints the usage and exits 0', () => {
        const run = runCli(['--help']);
        expect(run.status).toBe(0);
        expect(run.stdout).toMatch(/^usage: ic-emulator \[--port <n>\]/);
        expect(run.stdout).toMatch(/POST \/_\/advance_time/);
    });

    it.each([
        [['--port', 'x'], /^ic-emulator: --port takes an integer from 0 to 65535, got x$/],
        [['--port'], /^ic-emulator: --port takes an integer from 0 to 65535, got nothing$/],
        [['--verbose'], /^ic-emulator: unknown argument --verbose \(see --help\)$/],
        [['--port=99999'], /^ic-emulator: --port takes an integer from 0 to 65535, got 99999$/],
        [['--json=yes'], /^ic-emulator: unknown argument --json=yes \(see --help\)$/]
    ])('%j is a usage error: one line on stderr, exit code 2', (args, message) => {
        const run = runCli(args);
        expect(run.status).toBe(2);
        expect(run.stderr.trim()).toMatch(message);
        expect(run.stderr.trim().split('\n')).toHaveLength(1);
    });

    it('serves on the port it prints, with the root key it prints, and stops cleanly on SIGTERM', async () => {
        const child = spawn(BIN, ['--port=0', '--json'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
        const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
        const line = await new Promise<string>((resolve, reject) => {
            let out = '';
            child.stdout.on('data', (d: Buffer) => {
                out += d.toString();
                if (out.includes('\n')) resolve(out.split('\n')[0]);
            });
            child.on('close', () => reject(new Error(`network exited before printing: ${out}`)));
        });
        const printed = JSON.parse(line) as { url: string; root_key: string; subnet_id: string };
        const status = decode(new Uint8Array(await (await fetch(new URL('/api/v2/status', printed.url))).arrayBuffer())) as { root_key: Uint8Array; ic_api_version: string };
        expect(Buffer.from(status.root_key).toString('hex')).toBe(printed.root_key);
        expect(status.ic_api_version).toBe('0.18.0');
        child.kill('SIGTERM');
        expect(await exited).toBe(0);
    });
});
