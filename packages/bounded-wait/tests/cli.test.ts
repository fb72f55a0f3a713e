/**
 * bounded-wait-build refuses bad input as a CLI should: exit code 2, one line on stderr naming the
 * problem, no stack trace, and nothing written to the project. Runs the package's bin in an empty
 * temporary project (the root's npm test builds the packages first).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BIN = resolve(import.meta.dirname, '..', '..', '..', 'node_modules', '.bin', 'bounded-wait-build');

let project: string;
beforeEach(() => {
    project = mkdtempSync(join(tmpdir(), 'bounded-wait-cli-'));
});
afterEach(() => rmSync(project, { recursive: true, force: true }));

function run(args: string[], env: Record<string, string> = {}) {
    return spawnSync(BIN, args, { cwd: project, encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });
}

describe('bounded-wait-build', () => {
    it('--help prints the usage on stdout and exits 0', () => {
        const r = run(['--help']);
        expect(r.status).toBe(0);
        expect(r.stdout).toMatch(/^usage: bounded-wait-build \[--force\] \[canister \.\.\.\]\n {7}bounded-wait-build --entry <file> --name <canister>/);
    });

    it.each<[string, string[], string | undefined, RegExp]>([
        ['an unknown option', ['--bogus'], undefined, /^unknown option --bogus \(see --help\)$/],
        ['--entry without its value', ['--entry'], undefined, /^Option '--entry <value>' argument missing \(see --help\)$/],
        ['--entry without --name', ['--entry', 'main.ts'], undefined, /^--entry needs --name <canister>$/],
        ['a name that is not a canister name', ['--entry', 'main.ts', '--name', '../up'], undefined, /^--name \.\.\/up: a canister name has letters, digits, _ and - only$/],
        ['an entry file that does not exist', ['--entry', 'nosuch.ts', '--name', 'a'], undefined, /^--entry nosuch\.ts: no such file in /],
        ['--name without --entry', ['--name', 'a'], undefined, /^--name and --out go with --entry \(see --help\)$/],
        ['neither dfx.json nor icp.yaml', [], undefined, /^no dfx\.json or icp\.yaml in .*: name the entry point instead/],
        ['a dfx.json that is not JSON', [], '{ "canisters": ', /dfx\.json is not valid JSON: /],
        ['a dfx.json without canisters', [], '{ "version": 1 }', /dfx\.json has no "canisters" object$/],
        ['a canister without "main"', [], '{ "canisters": { "a": { "type": "custom" } } }', /dfx\.json: canister a has no "main" entry point$/],
        ['a canister dfx.json does not declare', ['b'], '{ "canisters": { "a": { "main": "a.ts" } } }', /^unknown canister\(s\): b; dfx\.json declares a$/],
        ['a dfx.json canister named like a path', [], '{ "canisters": { "../escape": { "main": "a.ts" } } }', /dfx\.json: canister \.\.\/escape: a canister name has letters, digits, _ and - only$/],
        ['a dfx.json with Motoko canisters only', [], '{ "canisters": { "m": { "type": "motoko", "main": "m.mo" } } }', /dfx\.json declares no canister of type "custom" or "azle"$/],
        ['a Motoko canister named among Azle ones', ['m'], '{ "canisters": { "a": { "main": "a.ts" }, "m": { "type": "motoko", "main": "m.mo" } } }', /^unknown canister\(s\): m; dfx\.json declares a$/],
        ['a dfx.json entry point that does not exist', [], '{ "canisters": { "a": { "main": "a.ts" } } }', /^a: entry point a\.ts: no such file in /]
    ])('%s: exit code 2, one line, nothing written', (_what, args, dfxJson, message) => {
        if (dfxJson !== undefined) writeFileSync(join(project, 'dfx.json'), dfxJson);
        expectRefused(args, message);
    });

    const step = (command: string) => `canisters:\n  - name: a\n    build:\n      steps:\n        - type: script\n          command: ${command}\n`;
    it.each<[string, string[], string, RegExp]>([
        ['an icp.yaml that is not YAML', [], 'canisters: [', /icp\.yaml is not valid YAML: /],
        ['an icp.yaml whose canisters are all pre-built', [], 'canisters:\n  - name: a\n    build:\n      steps:\n        - type: pre-built\n          path: a.wasm\n', /icp\.yaml has no canister with a script step that runs bounded-wait-build --entry <file>/],
        ['a step without --entry', [], step('npx bounded-wait-build'), /icp\.yaml: canister a: its build step runs bounded-wait-build without --entry <file>$/],
        ['a step that names another canister', [], step('npx bounded-wait-build --entry a.ts --name b'), /icp\.yaml: canister a: its build step names it --name b$/],
        ['a step whose entry file is missing (quoted, after other commands)', [], step(`cd . && npx bounded-wait-build --entry 'src/my file.ts'`), /^a: entry point src\/my file\.ts: no such file in /],
        ['a canister icp.yaml does not build', ['b'], step('npx bounded-wait-build --entry a.ts'), /^unknown canister\(s\): b; icp\.yaml builds a with bounded-wait-build$/],
        ['a step with --entry=<file> whose file is missing', [], step('npx bounded-wait-build --entry=src/a.ts --name=a'), /^a: entry point src\/a\.ts: no such file in /],
        ['a step with --name but no value', [], step('npx bounded-wait-build --entry a.ts --name'), /icp\.yaml: canister a: --name without a value in its build step$/],
        ['an icp.yaml canister named like a path', [], 'canisters:\n  - name: ../esc\n', /icp\.yaml: canister \.\.\/esc: a canister name has letters, digits, _ and - only$/]
    ])('%s: exit code 2, one line, nothing written', (_what, args, icpYaml, message) => {
        writeFileSync(join(project, 'icp.yaml'), icpYaml);
        expectRefused(args, message);
    });
});

/** The CLI refuses `args` with `message` (after its name): exit code 2, one line on stderr, no file written. */
describe('bounded-wait-build with an entry point that exists', () => {
    beforeEach(() => {
        mkdirSync(join(project, 'src'));
        writeFileSync(join(project, 'src', 'a.ts'), 'export default class {}\n');
    });

    it.each<[string, string[], Record<string, string>, RegExp]>([
        ['an entry point that is a folder', ['--entry', 'src', '--name', 'a'], {}, /^a: entry point src is not a file$/],
        ['an output folder that is a file', ['--entry', 'src/a.ts', '--name', 'a', '--out', 'src/a.ts'], {}, /^a: output folder src\/a\.ts is a file$/],
        ['an ICP_WASM_OUTPUT_PATH in no folder', ['--entry', 'src/a.ts', '--name', 'a'], { ICP_WASM_OUTPUT_PATH: 'nowhere/a.wasm' }, /^ICP_WASM_OUTPUT_PATH nowhere\/a\.wasm: no folder /],
        ['a project without Azle', ['--entry', 'src/a.ts', '--name', 'a'], {}, /^azle is not installed in .* or a folder above it \(npm install --ignore-scripts azle\)$/]
    ])('%s: exit code 2, one line, nothing written', (_what, args, env, message) => expectRefused(args, message, env));
});

function expectRefused(args: string[], message: RegExp, env: Record<string, string> = {}): void {
    const before = readdirSync(project, { recursive: true });
    const r = run(args, env);
    expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 2, stdout: '' });
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^bounded-wait-build: /);
    expect(lines[0].slice('bounded-wait-build: '.length)).toMatch(message);
    expect(readdirSync(project, { recursive: true })).toEqual(before);
}
