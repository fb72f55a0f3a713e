import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parse } from 'yaml';

import { checkCanisterName } from './canisters.js';
import { BuildUsageError } from './errors.js';

/** A canister built from one entry point (--entry), and where its wasm and .did go. */
export interface EntrySpec {
    readonly name: string;
    /** Entry point, relative to the project root. */
    readonly entry: string;
    /** Output folder, relative to the project root (default build/<name>). */
    readonly out: string;
}

/** The command's name in a build step. */
const COMMAND = 'bounded-wait-build';

/**
 * The canisters an icp-cli project (icp.yaml) builds with this package: those with a `script`
 * build step whose command runs `bounded-wait-build --entry <file>`, the way icp-cli runs it
 * for `icp build` and `icp deploy`. Other canisters (pre-built, recipes) are not ours to build.
 * A canister given as a path is read from `<path>/canister.yaml`, as icp-cli does.
 */
export function readIcpCanisters(root: string): EntrySpec[] {
    const file = join(root, 'icp.yaml');
    const manifest = parseYaml(file) as { canisters?: unknown; canister?: unknown } | null;
    const listed: unknown[] = Array.isArray(manifest?.canisters) ? manifest.canisters : manifest?.canister !== undefined ? [manifest.canister] : [];
    const specs: EntrySpec[] = [];
    for (const item of listed) {
        const canister = typeof item === 'string' ? (parseYaml(join(root, item, 'canister.yaml')) as unknown) : item;
        const name = (canister as { name?: unknown } | null)?.name;
        if (typeof name !== 'string') throw new BuildUsageError(`${file}: a canister without a name`);
        checkCanisterName(name, `${file}: canister `);
        const steps = (canister as { build?: { steps?: unknown } }).build?.steps;
        for (const step of Array.isArray(steps) ? (steps as unknown[]) : []) {
            const { type, command, commands } = (step ?? {}) as { type?: unknown; command?: unknown; commands?: unknown };
            if (type !== 'script') continue;
            const lines = [command, ...(Array.isArray(commands) ? (commands as unknown[]) : [])].filter((c): c is string => typeof c === 'string');
            for (const line of lines) {
                const spec = fromCommand(file, name, line);
                if (spec !== undefined) specs.push(spec);
            }
        }
    }
    if (specs.length === 0) {
        throw new BuildUsageError(`${file} has no canister with a script step that runs ${COMMAND} --entry <file> (see --help)`);
    }
    return specs;
}

function parseYaml(file: string): unknown {
    if (!existsSync(file)) throw new BuildUsageError(`no ${file}`);
    try {
        return parse(readFileSync(file, 'utf8'));
    } catch (e) {
        throw new BuildUsageError(`${file} is not valid YAML: ${(e as Error).message.split('\n')[0]}`);
    }
}

/** The entry, name and output folder of a `bounded-wait-build --entry ...` command line, if it is one. */
function fromCommand(file: string, canister: string, line: string): EntrySpec | undefined {
    for (const words of shellCommands(line)) {
        const at = words.findIndex((w) => w === COMMAND || w.endsWith(`/${COMMAND}`));
        if (at < 0) continue;
        // --flag value or --flag=value, as the command's own parser takes them.
        const flag = (name: string): string | undefined => {
            for (let i = at + 1; i < words.length; i++) {
                if (words[i].startsWith(`${name}=`)) return words[i].slice(name.length + 1);
                if (words[i] !== name) continue;
                const value = words[i + 1];
                if (value === undefined || value.startsWith('-')) throw new BuildUsageError(`${file}: canister ${canister}: ${name} without a value in its build step`);
                return value;
            }
            return undefined;
        };
        const entry = flag('--entry');
        if (entry === undefined) throw new BuildUsageError(`${file}: canister ${canister}: its build step runs ${COMMAND} without --entry <file>`);
        const name = flag('--name') ?? canister;
        if (name !== canister) throw new BuildUsageError(`${file}: canister ${canister}: its build step names it --name ${name}`);
        return { name, entry, out: flag('--out') ?? join('build', name) };
    }
    return undefined;
}

/**
 * The words of each command of a shell line (split at ;, &&, || and |): enough to find our own
 * flags in a build step (quotes and whitespace; no variables or globs, which a step would not put
 * there). Written here, a dozen lines, rather than a shell parser as a dependency.
 */
function shellCommands(line: string): string[][] {
    const commands: string[][] = [[]];
    const pattern = /'([^']*)'|"((?:[^"\\]|\\.)*)"|(&&|\|\||[;|&])|([^\s'";|&]+)/g;
    let joined = false; // the previous token ended where this one starts: one word
    let last = -1;
    for (let m = pattern.exec(line); m !== null; m = pattern.exec(line)) {
        const words = commands[commands.length - 1];
        joined = last === m.index && m[3] === undefined && words.length > 0;
        last = pattern.lastIndex;
        if (m[3] !== undefined) {
            commands.push([]);
            continue;
        }
        const text = m[1] ?? (m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[4]);
        if (joined) words[words.length - 1] += text;
        else words.push(text);
    }
    return commands.filter((c) => c.length > 0);
}
