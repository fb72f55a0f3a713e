/**
 * The packages as a user gets them: npm pack, a new project outside this repository that
 * installs the tarballs and azle (from the npm cache where it can), an Azle canister that makes a bounded-wait
 * call and reads msgDeadline(), built with the package's bounded-wait-build, and tested with jest
 * against the emulator package: the call to a canister that never answers ends in SYS_UNKNOWN.
 * Then icp-cli (the npm-installed binary) builds the same canisters from the project's icp.yaml,
 * whose script steps run bounded-wait-build --entry. The project reads nothing of this
 * repository but the tarballs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ICP } from '../../harness/icp';
import { ROOT } from '../../harness/root';

const PACKAGES = ['system-api', 'emulator', 'bounded-wait'];

/** The user's project, file by file. */
function projectFiles(tarballs: Record<string, string>): Record<string, string> {
    const dependency = (name: string) => `file:../${tarballs[name]}`;
    return {
        'package.json': JSON.stringify(
            {
                name: 'bounded-wait-example',
                private: true,
                type: 'module',
                scripts: { build: 'bounded-wait-build', test: 'node --experimental-vm-modules --no-warnings=ExperimentalWarning node_modules/jest/bin/jest.js' },
                dependencies: { azle: '0.33.0', '@response-models/bounded-wait': dependency('bounded-wait'), '@response-models/system-api': dependency('system-api') },
                devDependencies: {
                    '@response-models/emulator': dependency('emulator'),
                    '@dfinity/candid': '3.4.3',
                    '@dfinity/principal': '3.4.3',
                    jest: '30.5.2',
                    'ts-jest': '29.4.15',
                    typescript: '5.9.3'
                }
            },
            null,
            2
        ),
        // azle's install script wants dfx; nothing this project does needs it.
        '.npmrc': 'ignore-scripts=true\n',
        'dfx.json': JSON.stringify({ canisters: { caller: { type: 'custom', main: 'src/caller.ts' }, silent: { type: 'custom', main: 'src/silent.ts' } } }, null, 2),
        'icp.yaml': ['caller', 'silent']
            .map((name) => `  - name: ${name}\n    build:\n      steps:\n        - type: script\n          command: npx bounded-wait-build --entry src/${name}.ts --name ${name}\n`)
            .join('')
            .replace(/^/, 'canisters:\n'),
        'src/caller.ts': `import { canisterSelf, IDL, Principal, update } from 'azle';
import { Call, describeCallError, isOutcomeUnknown, msgDeadline } from '@response-models/bounded-wait';

export default class {
    /** A 2-second bounded-wait call to a canister that never answers. */
    @update([IDL.Principal], IDL.Text)
    async callSilent(silent: Principal): Promise<string> {
        const result = await Call.boundedWait(silent, 'wait').changeTimeout(2).call(IDL.Text);
        if ('Ok' in result) return 'replied: ' + result.Ok;
        return (isOutcomeUnknown(result.Err) ? 'unknown: ' : 'failed: ') + describeCallError(result.Err);
    }

    /** The deadline this canister sees when it calls itself with a bounded wait. */
    @update([], IDL.Nat64)
    async deadlineSeen(): Promise<bigint> {
        const result = await Call.boundedWait(canisterSelf(), 'deadline').changeTimeout(60).call(IDL.Nat64);
        return 'Ok' in result ? result.Ok : 0n;
    }

    @update([], IDL.Nat64)
    deadline(): bigint {
        return msgDeadline();
    }
}
`,
        'src/silent.ts': `import { IDL, Principal, update } from 'azle';
import { Call } from '@response-models/bounded-wait';

export default class {
    /** Never answers: it waits on the management canister's raw_rand, one round after another. */
    @update([], IDL.Text)
    async wait(): Promise<string> {
        for (;;) await Call.unboundedWait(Principal.fromText('aaaaa-aa'), 'raw_rand').call(IDL.Vec(IDL.Nat8));
    }
}
`,
        'jest.config.js': `export default {
    extensionsToTreatAsEsm: ['.ts'],
    transform: { '^.+\\\\.ts$': ['ts-jest', { useESM: true, tsconfig: { isolatedModules: true, module: 'ESNext', target: 'ES2022', moduleResolution: 'bundler', esModuleInterop: true } }] },
    testMatch: ['<rootDir>/test/*.test.ts']
};
`,
        'test/bounded_wait.test.ts': `import { readFileSync } from 'node:fs';

import { IDL } from '@dfinity/candid';
import { Emulator } from '@response-models/emulator';

const wasm = (name: string) => readFileSync(\`build/\${name}/\${name}.wasm\`);

it('a bounded-wait call to a canister that never answers ends in SYS_UNKNOWN; the callee sees its deadline', async () => {
    const em = await Emulator.create();
    const silent = await em.setupCanister({ wasm: wasm('silent') });
    const caller = await em.setupCanister({ wasm: wasm('caller') });
    const reply = await em.updateCall(caller, 'callSilent', new Uint8Array(IDL.encode([IDL.Principal], [silent])));
    expect(IDL.decode([IDL.Text], reply)[0]).toMatch(/^unknown: .*code 6/);
    const seen = IDL.decode([IDL.Nat64], await em.updateCall(caller, 'deadlineSeen', new Uint8Array(IDL.encode([], []))))[0] as bigint;
    expect(seen).toBeGreaterThan(BigInt(em.timeNs) - 60n * 1_000_000_000n);
});
`
    };
}

describe('the packages, packed and installed in a new project', () => {
    it('build a canister with bounded-wait calls and test it against the emulator', () => {
        const work = mkdtempSync(join(tmpdir(), 'packed-'));
        try {
            const tarballs: Record<string, string> = {};
            for (const name of PACKAGES) {
                const before = new Set(readdirSync(work));
                execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: join(ROOT, 'packages', name), stdio: 'ignore' });
                tarballs[name] = readdirSync(work).find((f) => !before.has(f)) as string;
            }
            const project = join(work, 'project');
            for (const [file, text] of Object.entries(projectFiles(tarballs))) {
                mkdirSync(join(project, file, '..'), { recursive: true });
                writeFileSync(join(project, file), text);
            }
            const run = (command: string, args: string[]) => {
                const r = spawnSync(command, args, { cwd: project, encoding: 'utf8', timeout: 600_000, env: { ...process.env, npm_config_loglevel: 'error', DO_NOT_TRACK: '1' } });
                return { command: `${command} ${args.join(' ')}`, status: r.status, output: r.status === 0 ? '' : `${r.stdout}\n${r.stderr}`.slice(-3_000) };
            };
            for (const [command, args] of [
                ['npm', ['install', '--prefer-offline', '--no-audit', '--no-fund']],
                ['npm', ['run', 'build']],
                ['npm', ['test']]
            ] as const) {
                expect(run(command, [...args])).toEqual({ command: `${command} ${args.join(' ')}`, status: 0, output: '' });
            }
            // icp-cli runs the script steps (bounded-wait-build --entry) and takes each module from
            // $ICP_WASM_OUTPUT_PATH; the same test passes against the modules it built.
            rmSync(join(project, 'build'), { recursive: true });
            expect(run(ICP, ['build'])).toEqual({ command: `${ICP} build`, status: 0, output: '' });
            for (const name of ['caller', 'silent']) {
                expect(readFileSync(join(project, '.icp', 'cache', 'artifacts', name)).equals(readFileSync(join(project, 'build', name, `${name}.wasm`)))).toBe(true);
            }
            expect(run('npm', ['test'])).toEqual({ command: 'npm test', status: 0, output: '' });
        } finally {
            rmSync(work, { recursive: true, force: true });
        }
    }, 900_000);
});
