import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');

export interface CanisterSpec {
    readonly name: string;
    /** Entry point, relative to the repository root. */
    readonly main: string;
}

/** Where each artefact of a canister lives, relative to the repository root. */
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

/** The canisters dfx.json declares, in its order. */
export function readCanisters(root = ROOT): CanisterSpec[] {
    const dfx = JSON.parse(readFileSync(join(root, 'dfx.json'), 'utf8')) as {
        canisters: Record<string, { main?: string }>;
    };
    return Object.entries(dfx.canisters).map(([name, config]) => {
        if (config.main === undefined) {
            throw new Error(`dfx.json: canister ${name} has no "main" entry point`);
        }
        return { name, main: config.main };
    });
}
