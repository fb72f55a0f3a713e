/**
 * npm run bench [-- --no-suite]: speed and memory of the emulator running this repository's
 * canisters, what instruction metering and inner rounds cost, what a message costs beyond the
 * bare export call, setup from a fork, a caller with 10,000 calls outstanding, the whole test
 * suite with and without forking (skipped with --no-suite: it runs the suite twice), throughput
 * of the caller's safe transfer path under dropped messages, the cost of a TooOld lookup against
 * the length of the ledger's log, the time the demo's HTML report takes, and the served
 * emulator's certified updates and queries per second through HttpAgent beside the same calls
 * in process. Ratios are measured side by side in one run; wall-clock numbers vary with the
 * machine, so run it on an idle one.
 */
import { benchEmulator } from './bench/emulator';
import { benchHtmlReport } from './bench/html_report';
import { benchHttp } from './bench/http';
import { benchLimits } from './bench/limits';
import { benchLookup } from './bench/lookup';
import { Measurement, print } from './bench/measure';
import { benchScale } from './bench/scale';
import { benchTransfers } from './bench/transfers';

const USAGE = 'usage: npm run bench [-- --no-suite]';
const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
    console.log(`${USAGE}\n\n  --no-suite  skip the two runs of the whole test suite (about 10 minutes)`);
    process.exit(0);
}
const unknown = args.filter((a) => a !== '--no-suite');
if (unknown.length > 0) {
    console.error(`bench: unknown option ${unknown[0]}; ${USAGE}`);
    process.exit(2);
}

/**
 * Runs one section and prints it; a section that fails prints one line and the others still run
 * (an uncaught error would also meet binaryen's handler, which prints its whole source).
 */
async function section(title: string, run: () => Promise<Measurement[]>): Promise<void> {
    try {
        print(title, await run());
    } catch (e) {
        console.log(`\n${title}\n  failed: ${((e as Error).message ?? String(e)).split('\n')[0]}`);
        process.exitCode = 1;
    }
}

await section('Emulator', benchEmulator);
await section('Replica limits (instruction metering, inner rounds)', benchLimits);
await section('Scale (per-message cost, forks, 10,000 outstanding calls, the test suite)', () => benchScale({ suite: !args.includes('--no-suite') }));
await section('Safe transfers (100 per run, 5 s timeout, 1 s rounds)', benchTransfers);
await section(`TooOld lookups (1,000 blocks after the transfer in its window, 250 blocks a call)`, benchLookup);
await section('HTML report (npm run demo -- --html, after the build)', benchHtmlReport);
await section('Served emulator over HTTP (one @dfinity/agent client; the network in a child process)', benchHttp);
