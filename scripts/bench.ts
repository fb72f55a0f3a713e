/**
 * npm run bench: speed and memory of the emulator running this repository's canisters, what
 * instruction metering and inner rounds cost,
 * throughput of the caller's safe transfer path under dropped messages, the cost of a TooOld
 * lookup against the length of the ledger's log, the time the demo's HTML report takes, and the
 * served emulator's certified updates and queries per second through HttpAgent beside the same
 * calls in process.
 * Wall-clock numbers vary with the machine; run it on an idle one.
 */
import { benchEmulator } from './bench/emulator';
import { benchHtmlReport } from './bench/html_report';
import { benchLimits } from './bench/limits';
import { benchHttp } from './bench/http';
import { benchLookup } from './bench/lookup';
import { print } from './bench/measure';
import { benchTransfers } from './bench/transfers';

print('Emulator', await benchEmulator());
print('Replica limits (instruction metering, inner rounds)', await benchLimits());
print('Safe transfers (100 per run, 5 s timeout, 1 s rounds)', await benchTransfers());
print(`TooOld lookups (1,000 blocks after the transfer in its window, 250 blocks a call)`, await benchLookup());
print('HTML report (npm run demo -- --html, after the build)', await benchHtmlReport());
print('Served emulator over HTTP (one @dfinity/agent client; the network in a child process)', await benchHttp());
