import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import { writeBindings } from './bindings.js';
import { annotateCandid, readCanisterDocs } from './candid_comments.js';
import { CanisterSpec, paths } from './canisters.js';
import { BuildUsageError, step } from './errors.js';
import { collectInputs, Inputs, unchanged } from './inputs.js';
import { withCandidMetadata } from './metadata.js';
import { rewriteCanisterModule } from './rewrite/index.js';

export type BuildOutcome = 'built' | 'up to date';

/** azle build -> wasm rewrite -> .did -> candid:service metadata -> bindings, skipped when no input changed. */
export async function buildCanister(root: string, canister: CanisterSpec, force: boolean): Promise<BuildOutcome> {
    const p = paths(canister.name);
    if (!force && (await isUpToDate(root, canister))) return 'up to date';

    await step(canister.name, 'azle build', () => runAzleBuild(root, canister.name, p.azleDid));
    await step(canister.name, 'wasm rewrite', async () => {
        const rewritten = rewriteCanisterModule(await readFile(join(root, p.azleWasm)));
        await mkdir(join(root, p.outDir), { recursive: true });
        await writeFile(join(root, p.wasm), rewritten);
    });
    await step(canister.name, 'candid', async () => {
        const docs = readCanisterDocs(canister.main, await readFile(join(root, canister.main), 'utf8'));
        await writeFile(join(root, p.did), annotateCandid(await readFile(join(root, p.azleDid), 'utf8'), docs));
    });
    await step(canister.name, 'metadata', async () => {
        await writeFile(join(root, p.wasm), withCandidMetadata(await readFile(join(root, p.wasm)), await readFile(join(root, p.did), 'utf8')));
    });
    await step(canister.name, 'bindings', () => writeBindings(root, canister.name, p.did, p.declarations));
    await step(canister.name, 'stamp', async () => {
        const inputs = await collectInputs(root, canister.main, canister);
        await writeFile(join(root, p.stamp), JSON.stringify(inputs, null, 1));
    });
    return 'built';
}

async function isUpToDate(root: string, canister: CanisterSpec): Promise<boolean> {
    const p = paths(canister.name);
    const outputs = [p.wasm, p.did, p.stamp, join(p.declarations, 'index.js')];
    if (!outputs.every((f) => existsSync(join(root, f)))) return false;
    const stamp = JSON.parse(await readFile(join(root, p.stamp), 'utf8')) as Inputs;
    return unchanged(root, stamp, canister);
}

/** The directory of `name` as the project at `root` installed it (node_modules, looking upwards). */
export function installedPackage(root: string, name: string): string {
    for (let dir = root; ; dir = dirname(dir)) {
        const candidate = join(dir, 'node_modules', name);
        if (existsSync(join(candidate, 'package.json'))) return candidate;
        if (dirname(dir) === dir) throw new BuildUsageError(`${name} is not installed in ${root} or a folder above it (npm install --ignore-scripts ${name})`);
    }
}

/**
 * Runs Azle's own build (esbuild bundle + Candid extraction + template wasm), offline: the
 * project's Azle, run with this package's tsx (Azle ships TypeScript).
 */
function runAzleBuild(root: string, name: string, candidPath: string): Promise<void> {
    const tsx = join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'cli.mjs');
    const azle = join(installedPackage(root, 'azle'), 'src', 'build.ts');
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [tsx, azle, 'build', name], {
            cwd: root,
            env: { ...process.env, AZLE_DFX_ROOT: root, CANISTER_CANDID_PATH: join(root, candidPath) },
            stdio: ['ignore', 'pipe', 'pipe']
        });
        let output = '';
        child.stdout.on('data', (d: Buffer) => (output += d.toString()));
        child.stderr.on('data', (d: Buffer) => (output += d.toString()));
        child.on('error', reject);
        child.on('close', (code) => {
            if (code === 0) resolve();
            else reject(new Error(`exit code ${code}\n${output.trim().split('\n').slice(-20).join('\n')}`));
        });
    });
}
