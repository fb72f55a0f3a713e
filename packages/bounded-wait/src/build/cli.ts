#!/usr/bin/env node
/**
 * bounded-wait-build [--force] [canister ...]
 * bounded-wait-build --entry <file> --name <canister> [--out <dir>] [--force]
 *
 * Builds Azle canisters with bounded-wait calls: azle build, the wasm rewrite, the Candid
 * interface (with the methods' doc comments), candid:service metadata, TypeScript bindings.
 * Reads the project's dfx.json from the working directory (as a dfx `custom` build command), or
 * takes one entry point (as an icp-cli build step). Unchanged canisters are skipped. Progress on
 * stderr; exit code 1 if a build step failed, 2 for a usage error.
 */
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { buildAll } from './build_all.js';
import { paths } from './canisters.js';
import { BuildError, BuildUsageError } from './errors.js';

const USAGE = `usage: bounded-wait-build [--force] [canister ...]
       bounded-wait-build --entry <file> --name <canister> [--out <dir>] [--force]

Builds Azle canisters with bounded-wait calls: azle build, the wasm rewrite, the Candid
interface, candid:service metadata, TypeScript bindings. Unchanged canisters are skipped.

Without --entry, builds the canisters dfx.json (in the working directory) declares, or the ones
named, into build/<name>/ and their bindings into src/declarations/<name>/ (dfx's layout).

  --entry <file>     build this entry point alone (no dfx.json needed), e.g. in an icp.yaml
                     script step; its work files go to .bounded-wait/
  --name <canister>  the canister's name, with --entry
  --out <dir>        where <name>.wasm and <name>.did go, with --entry (default build/<name>)
  --force            rebuild even if nothing changed
  --help             print this help`;

async function main(argv: string[]): Promise<number> {
    let parsed;
    try {
        parsed = parseArgs({
            args: argv,
            allowPositionals: true,
            options: {
                entry: { type: 'string' },
                name: { type: 'string' },
                out: { type: 'string' },
                force: { type: 'boolean', default: false },
                help: { type: 'boolean', short: 'h', default: false }
            }
        });
    } catch (e) {
        // node:util's texts are long ("... place it at the end of the command after '--' ..."): the gist, on one line.
        const { code, message } = e as NodeJS.ErrnoException;
        const option = /'(-[^' ]+)/.exec(message)?.[1];
        if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option !== undefined) throw new BuildUsageError(`unknown option ${option} (see --help)`);
        throw new BuildUsageError(`${message} (see --help)`);
    }
    const { values, positionals } = parsed;
    if (values.help) {
        console.log(USAGE);
        return 0;
    }
    const progress = (line: string) => console.error(line);
    if (values.entry === undefined) {
        if (values.name !== undefined || values.out !== undefined) throw new BuildUsageError('--name and --out go with --entry (see --help)');
        await buildAll({ force: values.force, names: positionals, progress });
        return 0;
    }
    if (values.name === undefined) throw new BuildUsageError('--entry needs --name <canister>');
    if (!/^[A-Za-z_][\w-]*$/.test(values.name)) throw new BuildUsageError(`--name ${values.name}: letters, digits, _ and - only`);
    if (positionals.length > 0) throw new BuildUsageError(`--entry builds one canister; unexpected ${positionals[0]}`);
    // Azle reads its canister from a dfx.json: a private one, in a work directory of the project.
    const project = process.cwd();
    if (!existsSync(resolve(project, values.entry))) throw new BuildUsageError(`--entry ${values.entry}: no such file in ${project}`);
    const work = join(project, '.bounded-wait');
    mkdirSync(work, { recursive: true });
    const main = relative(work, resolve(project, values.entry));
    writeFileSync(join(work, 'dfx.json'), `${JSON.stringify({ canisters: { [values.name]: { type: 'custom', main } } }, null, 2)}\n`);
    await buildAll({ root: work, canister: { name: values.name, main }, force: values.force, progress });
    const out = resolve(project, values.out ?? join('build', values.name));
    mkdirSync(out, { recursive: true });
    const built = paths(values.name);
    copyFileSync(join(work, built.wasm), join(out, `${values.name}.wasm`));
    copyFileSync(join(work, built.did), join(out, `${values.name}.did`));
    return 0;
}

main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
        if (e instanceof BuildUsageError) {
            console.error(`bounded-wait-build: ${e.message}`);
            process.exit(2);
        }
        console.error(e instanceof BuildError ? `bounded-wait-build: build failed: ${e.message}` : e);
        process.exit(1);
    }
);
