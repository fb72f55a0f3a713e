/**
 * npm run build [-- [--force] [canister ...]]
 *
 * Builds the named canisters (default: all in dfx.json) into build/<name>/ and their bindings into
 * src/declarations/<name>/: azle build, the wasm rewrite, the Candid interface, TypeScript
 * bindings. Unchanged canisters are skipped. dfx calls it for one canister at a time (dfx.json
 * custom type). Progress goes to stderr; exit code 1 if a build step failed, 2 for a usage error.
 */
import { BuildUsageError, buildAll } from './build_all';
import { BuildError } from './errors';

const USAGE = `usage: npm run build [-- [--force] [canister ...]]

Builds the canisters dfx.json declares (or the ones named): azle build, the bounded-wait wasm
rewrite, the Candid interface, TypeScript bindings. Unchanged canisters are skipped.

  --force   rebuild even if nothing changed
  --help    print this help`;

async function main(argv: string[]): Promise<number> {
    if (argv.includes('--help') || argv.includes('-h')) {
        console.log(USAGE);
        return 0;
    }
    const unknown = argv.filter((a) => a.startsWith('-') && a !== '--force');
    if (unknown.length > 0) throw new BuildUsageError(`unknown option ${unknown[0]} (see --help)`);
    await buildAll({
        force: argv.includes('--force'),
        names: argv.filter((a) => !a.startsWith('-')),
        progress: (line) => console.error(line)
    });
    return 0;
}

main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
        if (e instanceof BuildUsageError) {
            console.error(`build: ${e.message}`);
            process.exit(2);
        }
        console.error(e instanceof BuildError ? `build failed: ${e.message}` : e);
        process.exit(1);
    }
);
