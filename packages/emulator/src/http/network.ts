import { AddressInfo } from 'node:net';
import { Server } from 'node:http';

import { Principal } from '@dfinity/principal';

import { Emulator, EmulatorOptions } from '../emulator.js';
import { NetworkKeys } from './keys.js';
import { createNetworkServer } from './server.js';
import { ServedSubnet } from './served_subnet.js';

/** The port `ic-emulator` listens on unless told otherwise: clear of dfx (4943) and icp-cli (8000). */
export const DEFAULT_PORT = 4944;

export interface NetworkOptions {
    /** TCP port on 127.0.0.1 (default DEFAULT_PORT; 0 picks a free one). */
    port?: number;
    /** Interface to listen on (default 127.0.0.1). */
    host?: string;
    /** Seed of the network's keys and of the emulator's randomness (default 0): same seed, same root key and ids. */
    seed?: number;
    /** How long v3/v4 calls wait for a certified result before answering 202 (default 10,000 ms, as the replica). */
    syncCallTimeoutMs?: number;
    /**
     * Least time between two rounds while there is work (default 100 ms, a third of an
     * application subnet's block time: its initial notarisation delay is 300 ms, dfinity/ic PR
     * #1508). Calls that arrive within it share a round and one certificate signature, so that a
     * client that remembers verified signatures checks one per round; a canister that counts
     * rounds takes seconds, as on the IC.
     */
    roundIntervalMs?: number;
    /** Time between rounds when nothing is queued (default 1,000 ms). */
    idleIntervalMs?: number;
    /** Emulator options other than time: profile, fees, printLogs (time follows the network's clock). */
    emulator?: Omit<EmulatorOptions, 'roundStepMs' | 'startTime' | 'seed'>;
}

/**
 * The embedded emulator served over the IC HTTP interface, so that any IC client (agent-js,
 * @icp-sdk/core, icp-cli, dfx) can deploy to it and call it: status, calls (v2 with polling, v3
 * and v4 synchronous), queries and read_state (v2, v3), certificates signed with the network's
 * own BLS key, query responses signed by a node key, sender signatures and expiry checked. Its
 * clock follows wall time; {@link advanceTime} jumps it ahead.
 *
 * @example
 * ```ts
 * import { HttpAgent } from '@dfinity/agent';
 * import { ServedNetwork } from '@response-models/emulator/http';
 *
 * const network = await ServedNetwork.start({ port: 0 });
 * const agent = await HttpAgent.create({ host: network.url, shouldFetchRootKey: true });
 * // ... deploy and call canisters with the agent, icp-cli or dfx ...
 * await network.stop();
 * ```
 */
export class ServedNetwork {
    private constructor(
        private readonly served: ServedSubnet,
        private readonly server: Server,
        /** The URL clients connect to, e.g. http://127.0.0.1:4944. */
        readonly url: string
    ) {}

    /** Starts the network and listens; resolves once it accepts connections. */
    static async start(options: NetworkOptions = {}): Promise<ServedNetwork> {
        const seed = options.seed ?? 0;
        const emulator = await Emulator.create({ ...options.emulator, seed, roundStepMs: 0 });
        const served = new ServedSubnet(emulator, NetworkKeys.fromSeed(seed), {
            roundIntervalMs: options.roundIntervalMs ?? 100,
            idleIntervalMs: options.idleIntervalMs ?? 1_000
        });
        const server = createNetworkServer(served, { syncCallTimeoutMs: options.syncCallTimeoutMs ?? 10_000, implVersion: 'ic-emulator' });
        const host = options.host ?? '127.0.0.1';
        await new Promise<void>((resolve, reject) => {
            server.once('error', reject);
            server.listen(options.port ?? DEFAULT_PORT, host, () => {
                server.off('error', reject);
                resolve();
            });
        });
        served.start();
        const { port } = server.address() as AddressInfo;
        return new ServedNetwork(served, server, `http://${host}:${port}`);
    }

    get port(): number {
        return Number(new URL(this.url).port);
    }

    /** The root key in DER (133 bytes), as /api/v2/status serves it. */
    get rootKey(): Uint8Array {
        return this.served.keys.rootKeyDer;
    }

    /** The subnet's id (the root key's self-authenticating principal). */
    get subnetId(): Principal {
        return this.served.keys.subnetId;
    }

    /** The emulator behind the network, for direct inspection (stableMemoryDigest, trace, logs). */
    get emulator(): Emulator {
        return this.served.emulator;
    }

    /** The network's time, ns since the epoch. */
    get timeNs(): bigint {
        return this.served.now();
    }

    /**
     * Moves the network's clock `ms` ahead and runs a round at the new time (as POST
     * /_/advance_time does). Returns the new time and how many calls finished in that round.
     */
    advanceTime(ms: number): Promise<{ timeNs: bigint; finished: number }> {
        return this.served.advance(ms);
    }

    /** Stops serving: open calls are answered 202, then connections close. */
    async stop(): Promise<void> {
        this.served.stop();
        this.server.closeAllConnections();
        await new Promise<void>((resolve) => this.server.close(() => resolve()));
    }
}
