import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { BuildUsageError } from './errors.js';

export interface CanisterSpec {
    readonly name: string;
    /** Entry point, relative to the project root. */
    readonly main: string;
}

/** Where each artefact of a canister lives, relative to the project root. */
export function paths(name: string): {
    azleDir: string;
    azleWasm: string;
    azleDid: string;
    outDir: string;
    wasm: string;
    did: string;
    stamp: string;
    declarations: string;
} {
    const azleDir = join('.azle', name);
    const outDir = join('build', name);
    return {
        azleDir,
        azleWasm: join(azleDir, `${name}.wasm`),
        azleDid: join(azleDir, `${name}.did`),
        outDir,
        wasm: join(outDir, `${name}.wasm`),
        did: join(outDir, `${name}.did`),
        stamp: join(outDir, 'stamp.json'),
        declarations: join('src', 'declarations', name)
    };
}

/** The canisters the project's dfx.json declares, in its order. */
export function readCanisters(root: string): CanisterSpec[] {
    const file = join(root, 'dfx.json');
    if (!existsSync(file)) throw new BuildUsageError(`no dfx.json or icp.yaml in ${root}: name the entry point instead (--entry <file> --name <canister>)`);
    let dfx: unknown;
    try {
        dfx = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
        throw new BuildUsageError(`${file} is not valid JSON: ${(e as Error).message}`);
    }
    const canisters = (dfx as { canisters?: unknown } | null)?.canisters;
    if (typeof canisters !== 'object' || canisters === null || Array.isArray(canisters)) throw new BuildUsageError(`${file} has no "canisters" object`);
    return Object.entries(canisters as Record<string, { main?: unknown } | null>).map(([name, config]) => {
        if (typeof config?.main !== 'string') {
            throw new BuildUsageError(`${file}: canister ${name} has no "main" entry point`);
        }
        return { name, main: config.main };
    });
}
