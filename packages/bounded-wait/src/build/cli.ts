#!/usr/bin/env node
/**
 * bounded-wait-build [--force] [canister ...]
 * bounded-wait-build --entry <file> --name <canister> [--out <dir>] [--force]
 *
 * Builds Azle canisters with bounded-wait calls: azle build, the wasm rewrite, the Candid
 * interface (with the methods' doc comments), candid:service metadata, TypeScript bindings.
 * Reads the project's dfx.json (as a dfx `custom` build command) or icp.yaml from the working
 * directory, or takes one entry point (as an icp-cli script build step, which also gets the module
 * at $ICP_WASM_OUTPUT_PATH). Unchanged canisters are skipped. Progress on stderr; exit code 1 if
 * a build step failed, 2 for a usage error.
 */
import { copyFileSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { buildAll } from './build_all.js';
import { installedPackage } from './build_canister.js';
import { checkCanisterName, checkEntryPoint, paths } from './canisters.js';
import { EntrySpec, readIcpCanisters } from './icp_yaml.js';
import { BuildError, BuildUsageError } from './errors.js';

const USAGE = `usage: bounded-wait-build [--force] [canister ...]
       bounded-wait-build --entry <file> --name <canister> [--out <dir>] [--force]

Builds Azle canisters with bounded-wait calls: azle build, the wasm rewrite, the Candid
interface, candid:service metadata, TypeScript bindings. Unchanged canisters are skipped.

Without --entry, builds the canisters the project in the working directory declares, or the
ones named: from dfx.json, into build/<name>/ with their bindings in src/declarations/<name>/
(dfx's layout); without a dfx.json, from icp.yaml, each canister whose script build step runs
bounded-wait-build --entry, as that step says.

  --entry <file>     build this entry point alone (no dfx.json needed), e.g. as an icp.yaml
                     script step: the module also goes to $ICP_WASM_OUTPUT_PATH when icp-cli
                     sets it; work files go to .bounded-wait/<name>/
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
    const project = process.cwd();
    if (values.entry === undefined) {
        if (values.name !== undefined || values.out !== undefined) throw new BuildUsageError('--name and --out go with --entry (see --help)');
        if (existsSync(join(project, 'dfx.json')) || !existsSync(join(project, 'icp.yaml'))) {
            await buildAll({ force: values.force, names: positionals, progress });
            return 0;
        }
        const all = readIcpCanisters(project);
        const unknown = positionals.filter((n) => !all.some((c) => c.name === n));
        if (unknown.length > 0) throw new BuildUsageError(`unknown canister(s): ${unknown.join(', ')}; icp.yaml builds ${all.map((c) => c.name).join(', ')} with bounded-wait-build`);
        await buildEntries(project, positionals.length === 0 ? all : all.filter((c) => positionals.includes(c.name)), values.force, progress);
        return 0;
    }
    if (values.name === undefined) throw new BuildUsageError('--entry needs --name <canister>');
    checkCanisterName(values.name, '--name ');
    if (positionals.length > 0) throw new BuildUsageError(`--entry builds one canister; unexpected ${positionals[0]}`);
    if (!existsSync(resolve(project, values.entry))) throw new BuildUsageError(`--entry ${values.entry}: no such file in ${project}`);
    const spec: EntrySpec = { name: values.name, entry: values.entry, out: values.out ?? join('build', values.name) };
    // icp-cli runs a script build step with the path where it wants the module.
    const icpOutput = process.env.ICP_WASM_OUTPUT_PATH || undefined; // set but empty: not asked
    if (icpOutput !== undefined) {
        const folder = dirname(resolve(project, icpOutput));
        if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new BuildUsageError(`ICP_WASM_OUTPUT_PATH ${icpOutput}: no folder ${folder}`);
    }
    await buildEntries(project, [spec], values.force, progress);
    if (icpOutput !== undefined) copyFileSync(join(resolve(project, spec.out), `${spec.name}.wasm`), resolve(project, icpOutput));
    return 0;
}

/**
 * Builds canisters given by entry point. Azle reads its canister from a dfx.json: each gets a
 * private one, in a work folder of its own (.bounded-wait/<name>/), so that builds icp-cli runs
 * side by side do not meet; the wasm and .did are then copied to the canister's output folder.
 */
async function buildEntries(project: string, specs: readonly EntrySpec[], force: boolean, progress: (line: string) => void): Promise<void> {
    for (const spec of specs) {
        checkEntryPoint(project, spec.name, spec.entry);
        const out = resolve(project, spec.out);
        if (existsSync(out) && !statSync(out).isDirectory()) throw new BuildUsageError(`${spec.name}: output folder ${spec.out} is a file`);
    }
    if (specs.length > 0) installedPackage(project, 'azle');
    for (const spec of specs) {
        const work = join(project, '.bounded-wait', spec.name);
        mkdirSync(work, { recursive: true });
        const main = relative(work, resolve(project, spec.entry));
        writeFileSync(join(work, 'dfx.json'), `${JSON.stringify({ canisters: { [spec.name]: { type: 'custom', main } } }, null, 2)}\n`);
        await buildAll({ root: work, canister: { name: spec.name, main }, force, progress });
        const out = resolve(project, spec.out);
        mkdirSync(out, { recursive: true });
        const built = paths(spec.name);
        copyFileSync(join(work, built.wasm), join(out, `${spec.name}.wasm`));
        copyFileSync(join(work, built.did), join(out, `${spec.name}.did`));
    }
}

main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
        if (e instanceof BuildUsageError) {
            console.error(`bounded-wait-build: ${e.message}`);
            process.exit(2);
        }
        // A failed step says which canister and step; anything else (a file system error) in one line too.
        console.error(e instanceof BuildError ? `bounded-wait-build: build failed: ${e.message}` : `bounded-wait-build: ${(e as Error).message ?? String(e)}`);
        process.exit(1);
    }
);
