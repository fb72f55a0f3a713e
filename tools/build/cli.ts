/**
 * npm run build [-- [--force] [canister ...]]
 * Builds the named canisters (default: all in dfx.json) into build/<name>/ and their bindings into
 * src/declarations/<name>/. dfx calls it for one canister at a time (dfx.json custom type).
 */
import { buildCanister } from './build_canister';
import { readCanisters, ROOT } from './canisters';
import { BuildError } from './errors';

const CONCURRENCY = 2;

async function main(argv: string[]): Promise<void> {
    const force = argv.includes('--force');
    const names = argv.filter((a) => !a.startsWith('--'));
    const all = readCanisters();
    const unknown = names.filter((n) => !all.some((c) => c.name === n));
    if (unknown.length > 0) {
        throw new Error(`unknown canister(s): ${unknown.join(', ')}; dfx.json declares ${all.map((c) => c.name).join(', ')}`);
    }
    const selected = names.length === 0 ? all : all.filter((c) => names.includes(c.name));

    const queue = [...selected];
    const started = Date.now();
    const worker = async (): Promise<void> => {
        for (let c = queue.shift(); c !== undefined; c = queue.shift()) {
            const t = Date.now();
            const outcome = await buildCanister(ROOT, c, force);
            console.log(`${c.name}: ${outcome}${outcome === 'built' ? ` in ${((Date.now() - t) / 1000).toFixed(1)} s` : ''}`);
        }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, selected.length) }, worker));
    console.log(`build finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e instanceof BuildError ? `build failed: ${e.message}` : e);
    process.exit(1);
});
