/**
 * Running the `icp` binary (icp-cli) that `npm ci` installs from npm
 * (@icp-sdk/icp-cli-linux-x64, pinned in package.json) in a project directory of its own.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DEFAULT_PORT } from '@response-models/emulator/http';
import { ROOT } from '../../harness/root';

export const ICP_BINARY = join(ROOT, 'node_modules', '@icp-sdk', 'icp-cli-linux-x64', 'bin', 'icp');

/** Fails with what to do when the binary is missing (another platform, or npm ci skipped the optional dependency). */
export function requireIcp(): string {
    if (!existsSync(ICP_BINARY)) {
        throw new Error(`the icp binary is missing at ${ICP_BINARY}: run npm ci on Linux x64 (it installs @icp-sdk/icp-cli-linux-x64, pinned in package.json)`);
    }
    return ICP_BINARY;
}

export interface IcpResult {
    code: number | null;
    stdout: string;
    stderr: string;
}

/**
 * A copy of the project for icp: the root icp.yaml with the emulator network's port changed to
 * `port` (the only change), beside a link to build/. Its own ICP_HOME keeps identities apart.
 */
export class IcpProject {
    readonly dir: string;
    readonly home: string;

    constructor(port: number) {
        this.dir = mkdtempSync(join(tmpdir(), 'icp-project-'));
        this.home = mkdtempSync(join(tmpdir(), 'icp-home-'));
        const manifest = readFileSync(join(ROOT, 'icp.yaml'), 'utf8');
        const url = `http://127.0.0.1:${DEFAULT_PORT}`;
        if (manifest.split(url).length !== 2) throw new Error(`icp.yaml should name the emulator network at ${url} once`);
        writeFileSync(join(this.dir, 'icp.yaml'), manifest.replace(url, `http://127.0.0.1:${port}`));
        symlinkSync(join(ROOT, 'build'), join(this.dir, 'build'));
    }

    /** Runs icp with `args` in the project; `whileRunning` is called until it exits. */
    run(args: string[], whileRunning?: (elapsedMs: number) => Promise<void>): Promise<IcpResult> {
        const child = spawn(requireIcp(), args, {
            cwd: this.dir,
            env: { ...process.env, ICP_HOME: this.home, DO_NOT_TRACK: '1', NO_COLOR: '1', RUST_BACKTRACE: '0' },
            stdio: ['ignore', 'pipe', 'pipe']
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        let exited = false;
        const done = new Promise<IcpResult>((resolve, reject) => {
            child.on('error', reject);
            child.on('close', (code) => {
                exited = true;
                resolve({ code, stdout, stderr });
            });
        });
        if (whileRunning !== undefined) {
            const started = Date.now();
            void (async () => {
                while (!exited) await whileRunning(Date.now() - started);
            })();
        }
        return done;
    }

    remove(): void {
        rmSync(this.dir, { recursive: true, force: true });
        rmSync(this.home, { recursive: true, force: true });
    }
}
