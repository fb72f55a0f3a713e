/**
 * The served emulator under one client: certified update calls and queries per second through
 * @dfinity/agent's HttpAgent, beside the same calls made in process. The network runs in a child
 * process (as `npm run network` does), so client and server each have a core of their own.
 *
 * A certified update costs the client one BLS verification (about 24 ms here, in agent-js's
 * noble code). The network certifies once per round, so calls answered in the same round share
 * one signature; with a verifier that remembers (harness/bls_cache.ts, passed as `blsVerify`) the
 * client verifies once per round. Both numbers are printed.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Actor, AnonymousIdentity, HttpAgent, Identity } from '@dfinity/agent';
import { encodeWithSelfDescribedTag } from '@dfinity/cbor';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { Principal } from '@dfinity/principal';

import { Emulator } from '@response-models/emulator';
import { cachedBlsVerify } from '../../harness/bls_cache';
import { builtWasm } from '../../harness/built';
import { ManagementCanister } from '../../harness/management';
import { idlFactory as callerIdl, type _SERVICE as Caller } from '../../src/declarations/caller/caller.did.js';
import { ROOT } from '../../harness/root';
import { Measurement, time } from './measure';
import wabtInit from 'wabt';

/** A canister whose query `hello` replies an empty Candid tuple at once: what the HTTP layer costs, without Azle. */
async function minimalCanister(): Promise<Uint8Array> {
    const wabt = await wabtInit();
    const parsed = wabt.parseWat('minimal.wat', `(module
  (import "ic0" "msg_reply_data_append" (func $append (param i32 i32)))
  (import "ic0" "msg_reply" (func $reply))
  (memory (export "memory") 1)
  (data (i32.const 0) "DIDL\\00\\00")
  (func (export "canister_query hello") (call $append (i32.const 0) (i32.const 6)) (call $reply)))`);
    try {
        return new Uint8Array(parsed.toBinary({}).buffer);
    } finally {
        parsed.destroy();
    }
}

/** Calls in flight at once from the one client. */
const WINDOW = 32;

/** Runs `total` calls of `call`, at most `window` at a time; returns calls per second. */
async function rate(total: number, window: number, call: () => Promise<unknown>): Promise<number> {
    let started = 0;
    const worker = async () => {
        while (started < total) {
            started++;
            await call();
        }
    };
    const t = await time(() => Promise.all(Array.from({ length: window }, worker)));
    return (total / t.ms) * 1000;
}

/** The served network in a child process, on a free port. */
async function startNetwork(): Promise<{ url: string; stop: () => Promise<void> }> {
    const child = spawn(join(ROOT, 'node_modules', '.bin', 'ic-emulator'), ['--port', '0', '--json'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
    const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
            out += d.toString();
            if (out.includes('\n')) resolve((JSON.parse(out.split('\n')[0]) as { url: string }).url);
        });
        child.on('close', () => reject(new Error(`the network exited: ${out}`)));
    });
    return {
        url,
        stop: async () => {
            child.kill('SIGTERM');
            await exited;
        }
    };
}

export async function benchHttp(): Promise<Measurement[]> {
    const wasm = readFileSync(builtWasm('caller'));

    // In process: the same calls, no HTTP, no signatures, no certificates.
    const em = await Emulator.create();
    const local = em.createActor<Caller>(callerIdl, await em.setupCanister({ wasm }));
    const localUpdates = await rate(300, 1, () => local.ping());
    const localQueries = await rate(2_000, 1, () => local.stats());

    const network = await startNetwork();
    try {
        const identity = Ed25519KeyIdentity.generate();
        const agentFor = (id: Identity) => HttpAgent.create({ host: network.url, identity: id, shouldFetchRootKey: true });
        const management = new ManagementCanister(await agentFor(identity));
        const caller = await management.createCanister(100_000_000_000_000n, Principal.managementCanister());
        await management.install(caller, wasm, 'install');

        const agent = await agentFor(identity);
        const verify = cachedBlsVerify();
        const cached = Actor.createActor<Caller>(callerIdl, { agent, canisterId: caller, blsVerify: verify });
        const plain = Actor.createActor<Caller>(callerIdl, { agent, canisterId: caller });
        await cached.ping(); // warm up: subnet keys, compiled code paths
        const updatesCached = await rate(600, WINDOW, () => cached.ping());
        const perRound = verify.hits / Math.max(1, verify.misses) + 1;
        const updatesPlain = await rate(150, WINDOW, () => plain.ping());
        const updatesSequential = await rate(100, 1, () => cached.ping());

        const signed = Actor.createActor<Caller>(callerIdl, { agent, canisterId: caller });
        await signed.stats();
        const queriesSigned = await rate(3_000, WINDOW, () => signed.stats());
        const anonymous = Actor.createActor<Caller>(callerIdl, { agent: await agentFor(new AnonymousIdentity()), canisterId: caller });
        await anonymous.stats();
        const queriesAnonymous = await rate(3_000, WINDOW, () => anonymous.stats());

        const minimal = await management.createCanister(1_000_000_000_000n, Principal.managementCanister());
        await management.install(minimal, await minimalCanister(), 'install');
        const hello = Actor.createActor<{ hello: () => Promise<void> }>(({ IDL: I }) => I.Service({ hello: I.Func([], [], ['query']) }), { agent: await agentFor(new AnonymousIdentity()), canisterId: minimal });
        await hello.hello();
        const queriesMinimal = await rate(3_000, WINDOW, () => hello.hello());
        // The server alone: the same signed-by-nobody query body, posted as is; nothing verified on the client.
        const body = encodeWithSelfDescribedTag({
            content: {
                request_type: 'query',
                canister_id: caller.toUint8Array(),
                method_name: 'stats',
                arg: new Uint8Array([0x44, 0x49, 0x44, 0x4c, 0, 0]),
                sender: new Uint8Array([4]),
                ingress_expiry: BigInt(Date.now() + 240_000) * 1_000_000n
            }
        } as never);
        const queryUrl = new URL(`/api/v3/canister/${caller.toText()}/query`, network.url);
        const rawQueries = await rate(3_000, WINDOW, async () => {
            const res = await fetch(queryUrl, { method: 'POST', headers: { 'content-type': 'application/cbor' }, body: new Uint8Array(body) });
            await res.arrayBuffer();
        });

        return [
            { name: 'in process: updates (ping), one at a time', value: localUpdates, unit: 'calls/s' },
            { name: 'in process: queries (stats), one at a time', value: localQueries, unit: 'calls/s' },
            { name: `HTTP: certified updates, ${WINDOW} in flight, remembering verifier`, value: updatesCached, unit: 'calls/s', note: `about ${perRound.toFixed(0)} calls share a certificate signature` },
            { name: `HTTP: certified updates, ${WINDOW} in flight, agent-js's own verifier`, value: updatesPlain, unit: 'calls/s', note: 'one BLS verification per call' },
            { name: 'HTTP: certified updates, one at a time', value: updatesSequential, unit: 'calls/s' },
            { name: `HTTP: signed queries (Ed25519), ${WINDOW} in flight`, value: queriesSigned, unit: 'calls/s', note: 'node signature checked by the agent' },
            { name: `HTTP: anonymous queries, ${WINDOW} in flight`, value: queriesAnonymous, unit: 'calls/s', note: 'node signature checked by the agent' },
            { name: `HTTP: anonymous queries to a minimal canister, ${WINDOW} in flight`, value: queriesMinimal, unit: 'calls/s', note: 'the HTTP layer without Azle' },
            { name: `HTTP: raw anonymous queries (stats), ${WINDOW} in flight`, value: rawQueries, unit: 'calls/s', note: 'the server alone: no agent, nothing verified' }
        ];
    } finally {
        await network.stop();
    }
}
