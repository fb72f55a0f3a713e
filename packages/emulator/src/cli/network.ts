#!/usr/bin/env node
/**
 * ic-emulator [--port <n>] [--seed <n>] [--json] [--help]   (in this repository: npm run network)
 *
 * Serves the embedded emulator over the IC HTTP interface on 127.0.0.1, prints its URL and root
 * key, and runs until Ctrl-C or SIGTERM. Deploy to it with icp-cli (`icp deploy -e emulator`,
 * see icp.yaml), dfx (`--network http://127.0.0.1:<port>`) or any agent (fetch the root key).
 * Exit codes: 0 when stopped by a signal, 1 when it could not start, 2 for a usage error.
 */
import { DEFAULT_PORT, ServedNetwork } from '../http/index.js';

const USAGE = `usage: ic-emulator [--port <n>] [--seed <n>] [--json] [--help]

Serves the embedded emulator over the IC HTTP interface on 127.0.0.1 until Ctrl-C.

  --port <n>   the port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)
  --seed <n>   seed of the root key and of the emulator's randomness (default 0)
  --json       print one JSON line { url, root_key, subnet_id } and nothing else
  --help       print this help

Its clock follows wall time. Tests move it ahead with POST /_/advance_time {"ms": <n>};
GET /_/time reads it. Exit codes: 0 stopped by a signal, 1 could not start, 2 usage error.`;

class UsageError extends Error {}

interface Args {
    port: number;
    seed: number;
    json: boolean;
    help: boolean;
}

function integer(flag: string, value: string | undefined, max: number): number {
    if (value === undefined || !/^\d+$/.test(value) || Number(value) > max) throw new UsageError(`${flag} takes an integer from 0 to ${max}, got ${value ?? 'nothing'}`);
    return Number(value);
}

function parse(argv: string[]): Args {
    const out: Args = { port: DEFAULT_PORT, seed: 0, json: false, help: false };
    for (let i = 0; i < argv.length; i++) {
        // --port 4944 and --port=4944 alike
        const [a, inline] = argv[i].startsWith('--') && argv[i].includes('=') ? [argv[i].slice(0, argv[i].indexOf('=')), argv[i].slice(argv[i].indexOf('=') + 1)] : [argv[i], undefined];
        const value = () => inline ?? argv[++i];
        if (inline === undefined && (a === '--help' || a === '-h')) out.help = true;
        else if (inline === undefined && a === '--json') out.json = true;
        else if (a === '--port') out.port = integer('--port', value(), 65_535);
        else if (a === '--seed') out.seed = integer('--seed', value(), 2 ** 31 - 1);
        else throw new UsageError(`unknown argument ${argv[i]} (see --help)`);
    }
    return out;
}

async function main(argv: string[]): Promise<number> {
    const args = parse(argv);
    if (args.help) {
        console.log(USAGE);
        return 0;
    }
    let network: ServedNetwork;
    try {
        network = await ServedNetwork.start({ port: args.port, seed: args.seed });
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        console.error(`ic-emulator: cannot listen on 127.0.0.1:${args.port}: ${code === 'EADDRINUSE' ? 'the port is in use (choose another with --port)' : (e as Error).message}`);
        return 1;
    }
    const rootKey = Buffer.from(network.rootKey).toString('hex');
    if (args.json) {
        console.log(JSON.stringify({ url: network.url, root_key: rootKey, subnet_id: network.subnetId.toText() }));
    } else {
        console.log(`IC emulator network at ${network.url}`);
        console.log(`root key: ${rootKey}`);
        console.log(`subnet:   ${network.subnetId.toText()}`);
        console.log('Ctrl-C stops it.');
    }
    return new Promise((resolve) => {
        const stop = () => {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            void network.stop().then(() => resolve(0));
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
    });
}

main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
        if (e instanceof UsageError) {
            console.error(`ic-emulator: ${e.message}`);
            process.exit(2);
        }
        console.error(e);
        process.exit(1);
    }
);
