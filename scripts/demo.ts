/**
 * npm run demo [-- [scenario ...] [--network local] [--json] [--list] [--html <file>]]
 *
 * Deploys the three canisters (on the embedded emulator by default; with --network local, the
 * ones `dfx deploy` put on a local replica) and walks through what each response model does,
 * printing a timeline per scenario and a summary table. Exits 1 if a scenario did not behave.
 * --html also writes the walkthrough as one page, with a sequence diagram per scenario.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { DfxMissingError } from '../harness/dfx';
import { Network } from '../harness/types';
import { htmlReport } from './demo/html_report';
import { DemoReport, runDemo } from './demo/run';
import { SCENARIOS } from './demo/scenarios';

function parse(argv: string[]): { network: Network; json: boolean; list: boolean; only: string[]; html?: string } {
    const out = { network: 'emulator' as Network, json: false, list: false, only: [] as string[], html: undefined as string | undefined };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === '--json') out.json = true;
        else if (a === '--list') out.list = true;
        else if (a === '--network') {
            const n = argv[++i];
            if (n !== 'local' && n !== 'emulator') throw new Error(`--network takes local or emulator, got ${n ?? 'nothing'}`);
            out.network = n;
        } else if (a === '--html') {
            const file = argv[++i];
            if (file === undefined || file.startsWith('--')) throw new Error('--html takes a file name');
            out.html = file;
        } else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
        else out.only.push(a);
    }
    return out;
}

function table(report: DemoReport): string[] {
    const width = Math.max(...report.scenarios.map((s) => s.name.length));
    return [
        '',
        `Summary (${report.network === 'emulator' ? 'embedded emulator, virtual time' : 'dfx local replica, real time'})`,
        ...report.scenarios.map((s) => `  ${s.ok ? 'OK    ' : 'FAILED'}  ${s.name.padEnd(width)}  ${s.summary}`),
        `  ${report.passed} of ${report.scenarios.length} scenarios behaved as described`
    ];
}

async function main(): Promise<number> {
    const args = parse(process.argv.slice(2));
    if (args.list) {
        for (const s of SCENARIOS) console.log(`${s.name.padEnd(20)} ${s.title}`);
        return 0;
    }
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

main().then(
    (code) => process.exit(code),
    (e: unknown) => {
        console.error(e instanceof DfxMissingError ? e.message : e);
        process.exit(2);
    }
);
