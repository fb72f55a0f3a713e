import { buildCanister, installedPackage } from './build_canister.js';
import { CanisterSpec, checkCanisterName, checkEntryPoint, readCanisters } from './canisters.js';
import { BuildUsageError } from './errors.js';

export { BuildUsageError };

const CONCURRENCY = 2;

export interface BuildAllOptions {
    /** The project's root, where dfx.json is (default: the working directory). */
    root?: string;
    /** One canister outside dfx.json: its name and entry point (relative to the root). */
    canister?: CanisterSpec;
    /** Canisters to build (default: every canister dfx.json declares). */
    names?: readonly string[];
    /** Rebuild even when no input changed (default false). */
    force?: boolean;
    /** Receives one line per canister and a closing line; progress, not results. */
    progress?: (line: string) => void;
}

/** Builds the canisters two at a time; unchanged ones are skipped. Throws BuildError for a failed step. */
export async function buildAll(options: BuildAllOptions = {}): Promise<void> {
    const root = options.root ?? process.cwd();
    const all = options.canister !== undefined ? [options.canister] : readCanisters(root);
    const names = options.names ?? [];
    const unknown = names.filter((n) => !all.some((c) => c.name === n));
    if (unknown.length > 0) {
        throw new BuildUsageError(`unknown canister(s): ${unknown.join(', ')}; dfx.json declares ${all.map((c) => c.name).join(', ')}`);
    }
    const selected: CanisterSpec[] = names.length === 0 ? all : all.filter((c) => names.includes(c.name));
    // What a user can fix is said before anything is built: names, entry points, Azle itself.
    for (const c of selected) {
        checkCanisterName(c.name, 'canister ');
        checkEntryPoint(root, c.name, c.main);
    }
    if (selected.length > 0) installedPackage(root, 'azle');
    const progress = options.progress ?? (() => undefined);
    const queue = [...selected];
    const started = Date.now();
    const worker = async (): Promise<void> => {
        for (let c = queue.shift(); c !== undefined; c = queue.shift()) {
            const t = Date.now();
            const outcome = await buildCanister(root, c, options.force ?? false);
            progress(`${c.name}: ${outcome}${outcome === 'built' ? ` in ${((Date.now() - t) / 1000).toFixed(1)} s` : ''}`);
        }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, selected.length) }, worker));
    progress(`build finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
