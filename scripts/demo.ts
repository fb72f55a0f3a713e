/**
 * npm run demo [-- [scenario ...] [--network emulator|local|icp:<env>|<url>] [--json] [--list] [--html <file>] [--help]]
 *
 * Deploys the three canisters (on the embedded emulator by default; with --network local, the
 * ones `dfx deploy` put on a local replica; with a URL, it deploys them there over HTTP, e.g. on
 * `npm run network`) and walks through what each response model does,
 * printing a timeline per scenario and a summary table; --html also writes the walkthrough as
 * one page, with a sequence diagram per scenario. Builds the canisters first if needed
 * (progress on stderr). Exit codes: 0 when every scenario behaved, 1 when one did not, 2 for a
 * usage or environment error.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { DfxMissingError } from '../harness/dfx';
import { NetworkUnreachableError } from '../harness/errors';
import { Network } from '../harness/types';
import { BuildUsageError, buildAll } from '@response-models/bounded-wait/build';
import { BuildError } from '@response-models/bounded-wait/build';
import type { DemoReport } from './demo/run';
import { SCENARIOS, selectScenarios } from './demo/scenarios';

const USAGE = `usage: npm run demo [-- [scenario ...] [--network emulator|local|icp:<env>|<url>] [--json] [--list] [--html <file>] [--help]]

Walks through what guaranteed and best-effort responses do, scenario by scenario, with a
timeline of every message and a summary table.

  scenario            run only these (see --list); default: all
  --network emulator  the embedded emulator, in virtual time (default)
  --network local     the canisters dfx deployed on a local replica, in real time
  --network icp:<env> the canisters icp deploy put in that icp-cli environment (e.g. icp:local)
  --network <url>     deploys the canisters over HTTP on the network at <url> (npm run network:
                      http://127.0.0.1:4944, whose clock it moves ahead; or a local replica)
  --json              print one JSON document (scripts/demo/report.schema.json) and nothing else
  --list              list the scenarios
  --html <file>       also write the walkthrough as one page, a sequence diagram per scenario
  --help              print this help

Exit codes: 0 every scenario behaved, 1 one did not, 2 usage or environment error.`;

/** A mistake in how the demo was started: one line on stderr, exit code 2. */
class UsageError extends Error {}

interface Args {
    /** emulator, local, or a URL. */
    network: string;
    json: boolean;
    list: boolean;
    help: boolean;
    only: string[];
    html: string | undefined;
}

function isUrl(text: string | undefined): text is string {
    if (text === undefined || !/^https?:\/\//.test(text)) return false;
    try {
        new URL(text);
        return true;
    } catch {
        return false;
    }
}

/** Where the report says the walkthrough ran. */
const WHERE: Record<Network, string> = {
    emulator: 'embedded emulator, virtual time',
    local: 'dfx local replica, real time',
    http: 'a network over HTTP'
};

function parse(argv: string[]): Args {
    const out: Args = { network: 'emulator', json: false, list: false, help: false, only: [], html: undefined };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === '--json') out.json = true;
        else if (a === '--list') out.list = true;
        else if (a === '--help' || a === '-h') out.help = true;
        else if (a === '--network') {
            const n = argv[++i];
            if (n !== 'local' && n !== 'emulator' && !isUrl(n) && !/^icp:[\w-]+$/.test(n ?? '')) {
                throw new UsageError(`--network takes emulator, local, icp:<environment> or a URL, got ${n ?? 'nothing'}`);
            }
            out.network = n;
        } else if (a === '--html') {
            const file = argv[++i];
            if (file === undefined || file.startsWith('-')) throw new UsageError('--html takes a file name');
            out.html = file;
        } else if (a.startsWith('-')) throw new UsageError(`unknown option ${a} (see --help)`);
        else out.only.push(a);
    }
    return out;
}

function table(report: DemoReport): string[] {
    const width = Math.max(...report.scenarios.map((s) => s.name.length));
    return [
        '',
        `Summary (${WHERE[report.network]})`,
        ...report.scenarios.map((s) => `  ${s.ok ? 'OK    ' : 'FAILED'}  ${s.name.padEnd(width)}  ${s.summary}`),
        `  ${report.passed} of ${report.scenarios.length} scenarios behaved as described`
    ];
}

async function main(argv: string[]): Promise<number> {
    const args = parse(argv);
    if (args.help) {
        console.log(USAGE);
        return 0;
    }
    if (args.list) {
        for (const s of SCENARIOS) console.log(`${s.name.padEnd(20)} ${s.title}`);
        return 0;
    }
    try {
        selectScenarios(args.only);
    } catch (e) {
        throw new UsageError((e as Error).message);
    }
    await buildAll({ progress: (line) => console.error(line) });
    // Only now: the harnesses import the bindings the build generates.
    const { runDemo } = await import('./demo/run');
    const { htmlReport } = await import('./demo/html_report');

    const live = !args.json;
    const tty = process.stderr.isTTY === true;
    let shown = 0;
    const report = await runDemo({
        network: args.network,
        only: args.only,
        print: (line) => {
            if (tty && shown > 0) process.stderr.write('\r\x1b[K');
            shown = 0;
            if (live) console.log(line);
        },
        progress: (text) => {
            // A countdown on the terminal only; piped output and --json stay clean.
            if (!tty) return;
            process.stderr.write(`\r\x1b[K  … ${text}`);
            shown++;
        }
    });
    if (tty && shown > 0) process.stderr.write('\r\x1b[K');
    if (args.json) console.log(JSON.stringify(report, null, 2));
    else for (const line of table(report)) console.log(line);
    if (args.html !== undefined) {
        // npm runs scripts in the package root; the file name is relative to where npm was started.
        const file = resolve(process.env.INIT_CWD ?? process.cwd(), args.html);
        writeFileSync(file, htmlReport(report));
        (args.json ? console.error : console.log)(`HTML report: ${file}`);
    }
    return report.failed === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
        if (e instanceof UsageError || e instanceof BuildUsageError || e instanceof DfxMissingError || e instanceof NetworkUnreachableError) {
            console.error(`demo: ${e.message}`);
            process.exit(2);
        }
        console.error(e instanceof BuildError ? `demo: build failed: ${e.message}` : e);
        process.exit(1);
    }
);
