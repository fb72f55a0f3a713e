import { buildCanister } from './build_canister';
import { CanisterSpec, readCanisters, ROOT } from './canisters';

const CONCURRENCY = 2;

/** A mistake in what was asked for (an unknown canister): the CLI answers it with exit code 2. */
export class BuildUsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'BuildUsageError';
    }
}

export interface BuildAllOptions {
    /** Canisters to build (default: every canister dfx.json declares). */
    names?: readonly string[];
    /** Rebuild even when no input changed (default false). */
    force?: boolean;
    /** Receives one line per canister and a closing line; progress, not results. */
    progress?: (line: string) => void;
}

/** Builds the canisters two at a time; unchanged ones are skipped. Throws BuildError for a failed step. */
export async function buildAll(options: BuildAllOptions = {}): Promise<void> {
    const all = readCanisters();
    const names = options.names ?? [];
    const unknown = names.filter((n) => !all.some((c) => c.name === n));
    if (unknown.length > 0) {
        throw new BuildUsageError(`unknown canister(s): ${unknown.join(', ')}; dfx.json declares ${all.map((c) => c.name).join(', ')}`);
    }
    const selected: CanisterSpec[] = names.length === 0 ? all : all.filter((c) => names.includes(c.name));
    const progress = options.progress ?? (() => undefined);
    const queue = [...selected];
    const started = Date.now();
    const worker = async (): Promise<void> => {
        for (let c = queue.shift(); c !== undefined; c = queue.shift()) {
            const t = Date.now();
            const outcome = await buildCanister(ROOT, c, options.force ?? false);
            progress(`${c.name}: ${outcome}${outcome === 'built' ? ` in ${((Date.now() - t) / 1000).toFixed(1)} s` : ''}`);
        }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, selected.length) }, worker));
    progress(`build finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
