import { readFileSync } from 'node:fs';

import { Actor, ActorConfig, ActorSubclass, HttpAgent, Identity, PollStrategy, SignIdentity } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { Principal } from '@dfinity/principal';

import { idlFactory as callerIdl } from '../src/declarations/caller/caller.did.js';
import { idlFactory as ledgerIdl } from '../src/declarations/ledger_mock/ledger_mock.did.js';
import { idlFactory as calleeIdl } from '../src/declarations/untrusted_callee/untrusted_callee.did.js';
import { cachedBlsVerify } from './bls_cache';
import { builtWasm } from './built';
import { ManagementCanister } from './management';
import { ControlledClock } from './network_clock';
import { NetworkUnreachableError } from './errors';
import { Callee, Caller, Harness, Ledger, Network, Pending } from './types';

export { NetworkUnreachableError };

/** The ids of the three canisters on a network. */
export interface CanisterIds {
    caller: string;
    untrusted_callee: string;
    ledger_mock: string;
}

export interface ConnectOptions {
    /** The network's URL (the served emulator, an icp-cli or dfx local network, https://icp-api.io). */
    url: string;
    /** An identity that controls the three canisters (the one that deployed them). */
    deployer: SignIdentity;
    canisters: CanisterIds;
    /** What the report calls the network (default 'http'). */
    network?: Network;
    /** Fetch the root key from the network (default: yes, except for mainnet). */
    fetchRootKey?: boolean;
    /** Seed of the harness's own keys (default: fresh random keys). */
    seed?: number;
    /** Run when the harness closes (after it gave up control), e.g. to stop a network it started. */
    onClose?: () => Promise<void>;
    /** The replica generation, where it is known (the served emulator's profile). */
    generation?: string;
}

export interface DeployOptions extends Omit<ConnectOptions, 'deployer' | 'canisters'> {
    /** Cycles for each canister (default 100 T). */
    cycles?: bigint;
}

const SECOND_MS = 1_000;
/**
 * How far the harness moves a controlled clock between two time synchronisations of its agents:
 * they refuse certificates more than 5 minutes from their clock, and their requests expire about
 * 4 minutes after they are made.
 */
const RESYNC_EVERY_MS = 120 * SECOND_MS;
/** How long a real client may take to send a call, or to verify and hand over a result (wall time). */
const CLIENT_GRACE_MS = 2_000;

/** Fails with NetworkUnreachableError unless the network at `url` serves its status. */
async function requireNetwork(url: string): Promise<void> {
    try {
        const res = await fetch(new URL('/api/v2/status', url));
        if (!res.ok) throw new Error(`/api/v2/status answered ${res.status}`);
    } catch (e) {
        throw new NetworkUnreachableError(url, e);
    }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const isMainnet = (url: string) => /(^|\.)(icp-api\.io|ic0\.app|icp0\.io)$/.test(new URL(url).hostname);

function seededIdentity(seed: number | undefined, role: string): Ed25519KeyIdentity {
    if (seed === undefined) return Ed25519KeyIdentity.generate();
    const bytes = new Uint8Array(32);
    new TextEncoder().encodeInto(`${role}:${seed}`.padEnd(32, '.'), bytes);
    return Ed25519KeyIdentity.generate(bytes);
}

/**
 * The three canisters on any network, reached over the IC HTTP interface with @dfinity/agent:
 * the served emulator, an icp-cli or dfx local network, or mainnet. It takes control with the
 * deployer's identity once (adding its own key as a controller of each canister; close() removes
 * it again), then signs everything with that key; the stranger is a key that controls nothing.
 *
 * Time: where the network's clock can be moved (the served emulator's control endpoint), waits
 * cost nothing: the harness moves the clock one second per round and keeps its agents' clocks
 * synchronised. Elsewhere they pass in real time.
 */
export class HttpHarness implements Harness {
    readonly network: Network;
    readonly virtual: boolean;
    /** A network over HTTP says nothing of its replica's generation; the served emulator runs today's. */
    readonly generation: string;
    onWait: ((text: string) => void) | undefined;
    /** A call just begun, until the network has received it. */
    private sending: Promise<void> = Promise.resolve();
    private movedSinceSync = 0;

    private constructor(
        private readonly options: ConnectOptions,
        private readonly deployerManagement: ManagementCanister,
        private readonly management: ManagementCanister,
        private readonly operator: Principal,
        private readonly agents: HttpAgent[],
        private readonly clock: ControlledClock | undefined,
        readonly caller: Principal,
        readonly callee: Principal,
        readonly ledger: Principal,
        readonly callerActor: ActorSubclass<Caller>,
        readonly strangerActor: ActorSubclass<Caller>,
        readonly calleeActor: ActorSubclass<Callee>,
        readonly ledgerActor: ActorSubclass<Ledger>
    ) {
        this.network = options.network ?? 'http';
        this.virtual = clock !== undefined;
        this.generation = options.generation ?? 'the network\'s replica';
    }

    /**
     * Connects to the canisters at `options.canisters`: the deployer adds the harness's key as a
     * controller of each, and the harness signs with that key from then on.
     */
    static async connect(options: ConnectOptions): Promise<HttpHarness> {
        await requireNetwork(options.url);
        const clock = await ControlledClock.detect(options.url);
        const fetchRootKey = options.fetchRootKey ?? !isMainnet(options.url);
        const agentFor = (identity: Identity) => HttpAgent.create({ host: options.url, identity, shouldFetchRootKey: fetchRootKey });
        const operatorIdentity = seededIdentity(options.seed, 'operator');
        const deployerAgent = await agentFor(options.deployer);
        const operatorAgent = await agentFor(operatorIdentity);
        const strangerAgent = await agentFor(seededIdentity(options.seed, 'stranger'));
        const agents = [deployerAgent, operatorAgent, strangerAgent];
        if (clock !== undefined) await Promise.all(agents.map((a) => a.syncTime()));

        const config: Partial<ActorConfig> = { blsVerify: cachedBlsVerify() };
        // On the served emulator results come at once; poll often rather than back off for seconds.
        if (clock !== undefined) config.pollingOptions = { strategy: (() => sleep(50)) as PollStrategy };
        const deployerManagement = new ManagementCanister(deployerAgent, config);
        const ids = { caller: Principal.fromText(options.canisters.caller), callee: Principal.fromText(options.canisters.untrusted_callee), ledger: Principal.fromText(options.canisters.ledger_mock) };
        for (const id of Object.values(ids)) await deployerManagement.addController(id, operatorIdentity.getPrincipal());

        const actor = <T>(idl: IDL.InterfaceFactory, id: Principal, agent: HttpAgent) => Actor.createActor<T>(idl, { ...config, agent, canisterId: id });
        return new HttpHarness(
            options,
            deployerManagement,
            new ManagementCanister(operatorAgent, config),
            operatorIdentity.getPrincipal(),
            agents,
            clock,
            ids.caller,
            ids.callee,
            ids.ledger,
            actor<Caller>(callerIdl, ids.caller, operatorAgent),
            actor<Caller>(callerIdl, ids.caller, strangerAgent),
            actor<Callee>(calleeIdl, ids.callee, operatorAgent),
            actor<Ledger>(ledgerIdl, ids.ledger, operatorAgent)
        );
    }

    /**
     * Creates and installs the three canisters over HTTP (provisional creation: the served
     * emulator and local networks allow it, mainnet does not), then connects to them.
     */
    static async deploy(options: DeployOptions): Promise<HttpHarness> {
        await requireNetwork(options.url);
        const deployer = seededIdentity(options.seed, 'deployer');
        const agent = await HttpAgent.create({ host: options.url, identity: deployer, shouldFetchRootKey: options.fetchRootKey ?? !isMainnet(options.url) });
        const management = new ManagementCanister(agent);
        const near = Principal.fromText('aaaaa-aa');
        const ids: Record<string, string> = {};
        for (const name of ['ledger_mock', 'untrusted_callee', 'caller'] as const) {
            const id = await management.createCanister(options.cycles ?? 100_000_000_000_000n, near);
            await management.install(id, readFileSync(builtWasm(name)), 'install');
            ids[name] = id.toText();
        }
        return HttpHarness.connect({ ...options, deployer, canisters: ids as unknown as CanisterIds });
    }

    begin<T>(call: (caller: ActorSubclass<Caller>) => Promise<T>): Pending<T> {
        let done = false;
        const received = this.clock?.callsReceived();
        const promise = call(this.callerActor).finally(() => (done = true));
        promise.catch(() => undefined); // observed through result()
        if (this.clock !== undefined && received !== undefined) {
            const clock = this.clock;
            // Time must not move on before the network has the call, as a call made in process is queued at once.
            this.sending = received.then(async (before) => {
                const until = Date.now() + CLIENT_GRACE_MS;
                while (!done && Date.now() < until && (await clock.callsReceived()) <= before) await sleep(5);
            });
        }
        return {
            get done() {
                return done;
            },
            result: () => promise
        };
    }

    async elapse(seconds: number): Promise<void> {
        if (this.clock === undefined) {
            for (let left = seconds; left > 0; left--) {
                this.onWait?.(`${left} s to go (real time)`);
                await sleep(SECOND_MS);
            }
            return;
        }
        await this.sending;
        for (let left = seconds; left > 0; left--) {
            await this.step();
            this.onWait?.(`${left - 1} s to go (network time moved ahead)`);
        }
        await this.syncClients();
    }

    async settle<T>(pending: Pending<T>, seconds: number): Promise<T> {
        const waitForClient = () => Promise.race([pending.result().then(noop, noop), sleep(CLIENT_GRACE_MS)]);
        if (this.clock === undefined) {
            for (let left = seconds; left > 0 && !pending.done; left--) {
                this.onWait?.(`waiting for the call, at most ${left} s more (real time)`);
                await sleep(SECOND_MS);
            }
        } else {
            await this.sending;
            for (let left = seconds; left > 0 && !pending.done; left--) {
                // A call that finished in this round reaches the client a moment later (it verifies the certificate).
                if ((await this.step()) > 0) await waitForClient();
                this.onWait?.(`waiting for the call, at most ${left - 1} s more (network time moved ahead)`);
            }
            await this.syncClients();
        }
        if (!pending.done) await waitForClient();
        if (!pending.done) throw new Error(`the call did not finish within ${seconds} s`);
        return pending.result();
    }

    async now(): Promise<bigint> {
        if (this.clock !== undefined) return this.clock.now();
        return BigInt(Date.now() + this.agents[1].getTimeDiffMsecs()) * 1_000_000n;
    }

    async stopCanister(canister: Principal, seconds: number): Promise<boolean> {
        let done = false;
        const received = this.clock?.callsReceived();
        const stop = this.management.stop(canister).finally(() => (done = true));
        stop.catch(noop);
        if (this.clock !== undefined && received !== undefined) {
            const clock = this.clock;
            const before = await received;
            const until = Date.now() + CLIENT_GRACE_MS;
            while (!done && Date.now() < until && (await clock.callsReceived()) <= before) await sleep(5);
        }
        try {
            await this.settle({ get done() { return done; }, result: () => stop }, seconds);
            return true;
        } catch {
            return false;
        }
    }

    async startCanister(canister: Principal): Promise<void> {
        await this.management.start(canister);
    }

    /** Upgrades the caller with its freshly built module, through the chunk store (it is 3.5 MB). */
    async upgradeCaller(): Promise<void> {
        await this.management.install(this.caller, readFileSync(builtWasm('caller')), 'upgrade');
    }

    async status(canister: Principal): Promise<'running' | 'stopping' | 'stopped'> {
        return this.management.status(canister);
    }

    async cycleBalance(canister: Principal): Promise<bigint> {
        return this.management.cycles(canister);
    }

    /** Gives control back: removes the harness's key from the canisters' controllers. */
    async close(): Promise<void> {
        try {
            for (const id of [this.caller, this.callee, this.ledger]) await this.deployerManagement.removeController(id, this.operator);
        } finally {
            await this.options.onClose?.();
        }
    }

    /** One second of network time and one round; returns how many calls finished in it. */
    private async step(): Promise<number> {
        const finished = await this.clock!.advance(SECOND_MS);
        this.movedSinceSync += SECOND_MS;
        if (this.movedSinceSync >= RESYNC_EVERY_MS) await this.syncClients();
        return finished;
    }

    /** The agents read the network's time again (agent-js re-synchronises by itself only once). */
    private async syncClients(): Promise<void> {
        if (this.movedSinceSync === 0) return;
        this.movedSinceSync = 0;
        await Promise.all(this.agents.map((a) => a.syncTime()));
    }
}

const noop = () => undefined;
