import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';

/**
 * What a canister's build depends on, so that an unchanged canister is not rebuilt: the project
 * files its entry point reaches (found by esbuild, packages left external), this build tool
 * (with the library it rewrites for), and the installed dependency versions (package-lock.json).
 */
export interface Inputs {
    readonly files: Record<string, string>;
}

export function sha256(data: string | Uint8Array): string {
    return createHash('sha256').update(data).digest('hex');
}

function hashFile(root: string, path: string): string {
    const full = join(root, path);
    return existsSync(full) ? sha256(readFileSync(full)) : 'missing';
}

function listFiles(root: string, dir: string): string[] {
    const full = join(root, dir);
    if (!existsSync(full)) return [];
    return readdirSync(full).flatMap((entry) => {
        const path = join(dir, entry);
        return statSync(join(root, path)).isDirectory() ? listFiles(root, path) : [path];
    });
}

/** Project files reachable from `main`, relative to root. */
async function sourceFiles(root: string, main: string): Promise<string[]> {
    const result = await build({
        entryPoints: [join(root, main)],
        absWorkingDir: root,
        bundle: true,
        write: false,
        metafile: true,
        logLevel: 'silent',
        format: 'esm',
        platform: 'neutral',
        plugins: [
            {
                name: 'packages-are-external',
                setup(b): void {
                    b.onResolve({ filter: /^[^./]/ }, (args) => ({ path: args.path, external: true }));
                }
            }
        ]
    });
    return Object.keys(result.metafile.inputs).map((p) => relative(root, join(root, p)));
}

/** This build tool's own code (the package's compiled files), as one hash: a new version rebuilds. */
function toolHash(): string {
    const dir = join(dirname(fileURLToPath(import.meta.url)), '..'); // import.meta.dirname needs Node 20.11
    return sha256(
        listFiles(dir, '.')
            .filter((f) => f.endsWith('.js'))
            .sort()
            .map((f) => `${f}:${hashFile(dir, f)}`)
            .join('\n')
    );
}

export async function collectInputs(root: string, main: string, config: unknown): Promise<Inputs> {
    const files = [...(await sourceFiles(root, main)), 'package-lock.json'].sort();
    const hashes: Record<string, string> = { 'dfx.json#canister': sha256(JSON.stringify(config)), 'bounded-wait-build': toolHash() };
    for (const file of files) hashes[file] = hashFile(root, file);
    return { files: hashes };
}

/** True when every input recorded in `stamp` still has the same content. */
export function unchanged(root: string, stamp: Inputs, config: unknown): boolean {
    return Object.entries(stamp.files).every(([file, hash]) => {
        if (file === 'dfx.json#canister') return hash === sha256(JSON.stringify(config));
        if (file === 'bounded-wait-build') return hash === toolHash();
        return hashFile(root, file) === hash;
    });
}
