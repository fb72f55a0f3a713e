/**
 * icp-cli against the served emulator, with the binary npm installs: `icp deploy` puts the three
 * canisters from icp.yaml on it, then every `icp canister call` of docs/TUTORIAL_ICP.md runs in
 * order and must print what the tutorial shows (variant tags, booleans, plain numbers). Where the
 * tutorial waits (timeouts, retries), the test moves the network's clock ahead instead; icp
 * (ic-agent) accepts certificates from a clock ahead of its own.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ServedNetwork } from '@response-models/emulator/http';
import { HttpHarness } from '../../harness/http_harness';
import { icpDeployment } from '../../harness/icp';
import { prepare } from '../../harness/prepare';
import { SCENARIOS } from '../../scripts/demo/scenarios';
import { ROOT } from '../../harness/root';
import { agrees, shellWords } from '../docs/tutorial_text';
import { IcpProject, IcpResult, requireIcp } from './icp';

interface TutorialLine {
    line: string;
    words: string[];
    background: boolean;
    expected: string | undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The `icp identity new` and `icp canister call` lines of the tutorial, each with the output it shows. */
function tutorialLines(text: string, vars: Record<string, string>): TutorialLine[] {
    const out: TutorialLine[] = [];
    const blocks = [...text.matchAll(/```(\w+)\n([\s\S]*?)```/g)];
    blocks.forEach(([, lang, body], i) => {
        if (lang !== 'bash') return;
        const next = blocks[i + 1];
        const expected = next !== undefined && next[1] === 'text' ? next[2].trim() : undefined;
        const lines = body.split('\n').filter((l) => /^icp (canister call|identity new stranger) /.test(l));
        lines.forEach((line, j) => {
            const background = line.endsWith(' &');
            const words = shellWords(background ? line.slice(0, -2) : line, vars).slice(1);
            out.push({ line, words, background, expected: j === lines.length - 1 ? expected : undefined });
        });
    });
    return out;
}

/** At most this much network time is added while calls run: ic-agent's requests expire 4 minutes after its own clock. */
const TIME_BUDGET_MS = 200_000;

describe('icp-cli on the served emulator', () => {
    let network: ServedNetwork;
    let project: IcpProject;
    let moved = 0;

    beforeAll(async () => {
        requireIcp();
        network = await ServedNetwork.start({ port: 0, seed: 0 });
        project = new IcpProject(network.port);
    });
    afterAll(async () => {
        await network?.stop();
        project?.remove();
    });

    /** Moves the network ahead one second (one round) while a call has been running a moment: its waits pass at once. */
    const pump = async (elapsedMs: number) => {
        if (elapsedMs > 300 && moved < TIME_BUDGET_MS) {
            await network.advanceTime(1_000);
            moved += 1_000;
        }
        await sleep(50);
    };
    const icp = async (args: string[], whileRunning?: (ms: number) => Promise<void>): Promise<IcpResult> => {
        const r = await project.run(args, whileRunning);
        if (r.code !== 0) throw new Error(`icp ${args.join(' ')} failed (exit ${r.code}):\n${r.stderr}`);
        return r;
    };

    it('icp deploy creates and installs the three canisters from icp.yaml', async () => {
        await icp(['identity', 'new', 'me', '--storage', 'plaintext']);
        await icp(['identity', 'default', 'me']);
        const deploy = await icp(['deploy', '-e', 'emulator', '-y']);
        const created = [...(deploy.stdout + deploy.stderr).matchAll(/Created canister (\w+) with ID ([a-z0-9-]+)/g)].map((m) => m[1]);
        expect(created.sort()).toEqual(['caller', 'ledger_mock', 'untrusted_callee']);
        const status = await icp(['canister', 'status', 'caller', '-e', 'emulator']);
        expect(status.stdout).toMatch(/Status: Running/);
    }, 120_000);

    it('every icp canister call of docs/TUTORIAL_ICP.md runs and shows what the tutorial says', async () => {
        const id = async (name: string) => (await icp(['canister', 'status', name, '-e', 'emulator', '-i'])).stdout.trim();
        const vars = {
            CALLER: await id('caller'),
            CALLEE: await id('untrusted_callee'),
            LEDGER: await id('ledger_mock'),
            ME: (await icp(['identity', 'principal'])).stdout.trim()
        };
        const lines = tutorialLines(readFileSync(join(ROOT, 'docs', 'TUTORIAL_ICP.md'), 'utf8'), vars);
        expect(lines.filter((l) => l.words[1] === 'call').length).toBeGreaterThanOrEqual(18);
        const background: Promise<IcpResult>[] = [];
        for (const l of lines) {
            if (l.background) {
                // The next lines assume the network has the call: wait until it arrives (icp needs a moment to start and sign).
                const received = async () => ((await (await fetch(new URL('/_/time', network.url))).json()) as { calls_received: number }).calls_received;
                const before = await received();
                background.push(project.run(l.words));
                for (let waited = 0; (await received()) === before && waited < 10_000; waited += 50) await sleep(50);
                continue;
            }
            const r = await icp(l.words, pump);
            if (l.expected !== undefined && !agrees(l.expected, r.stdout.trim())) {
                throw new Error(`${l.line}\n  the tutorial shows: ${l.expected}\n  icp printed: ${r.stdout.trim()}`);
            }
            if (l.words[3] === 'transfer') {
                // "Some seconds later": the retries run on timers.
                for (let i = 0; i < 40; i++) await network.advanceTime(1_000);
                moved += 40_000;
            }
        }
        for (const r of await Promise.all(background)) expect(r).toMatchObject({ code: 0 });
    }, 300_000);

    it('the walkthrough harness takes over what icp deployed, with the key of icp\'s identity (secp256k1), and runs scenarios', async () => {
        const h = await HttpHarness.connect({ ...icpDeployment('emulator', { cwd: project.dir, env: { ICP_HOME: project.home } }), seed: 3 });
        try {
            await prepare(h);
            for (const scenario of SCENARIOS.filter((s) => s.name === 'trust' || s.name === 'deadlines')) {
                const outcome = await scenario.run({ h, say: async () => undefined, virtual: h.virtual });
                expect({ scenario: scenario.name, ok: outcome.ok, summary: outcome.summary }).toMatchObject({ ok: true });
            }
        } finally {
            await h.close();
        }
    }, 120_000);
});
