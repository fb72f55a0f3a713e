import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

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

/** A canister name the build can use as a folder name: no path separators, no dots. */
const CANISTER_NAME = /^[A-Za-z_][\w-]*$/;

/** Throws a usage error unless `name` is a name the build can use (`where` says whose). */
export function checkCanisterName(name: string, where: string): void {
    if (!CANISTER_NAME.test(name)) throw new BuildUsageError(`${where}${name}: a canister name has letters, digits, _ and - only`);
}

/** Throws a usage error unless `entry` (relative to `root`) is a file. */
export function checkEntryPoint(root: string, name: string, entry: string): void {
    const path = resolve(root, entry);
    if (!existsSync(path)) throw new BuildUsageError(`${name}: entry point ${entry}: no such file in ${root}`);
    if (!statSync(path).isFile()) throw new BuildUsageError(`${name}: entry point ${entry} is not a file`);
}

/**
 * The Azle canisters the project's dfx.json declares, in its order: those of type "custom" (the
 * build command is then this one) or "azle" (Azle's dfx extension). Motoko, Rust, asset and other
 * canisters are not ours to build.
 */
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
    const specs: CanisterSpec[] = [];
    for (const [name, config] of Object.entries(canisters as Record<string, { main?: unknown; type?: unknown } | null>)) {
        if (config?.type !== undefined && config.type !== 'custom' && config.type !== 'azle') continue;
        checkCanisterName(name, `${file}: canister `);
        if (typeof config?.main !== 'string') throw new BuildUsageError(`${file}: canister ${name} has no "main" entry point`);
        specs.push({ name, main: config.main });
    }
    if (specs.length === 0) throw new BuildUsageError(`${file} declares no canister of type "custom" or "azle"`);
    return specs;
}
