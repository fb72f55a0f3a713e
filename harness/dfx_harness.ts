import { Actor, ActorSubclass, HttpAgent } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { Principal } from '@dfinity/principal';

import { CanisterIdRecord, CanisterStatusResult } from '../emulator/management/candid';
import { idlFactory as callerIdl } from '../src/declarations/caller/caller.did.js';
import { idlFactory as ledgerIdl } from '../src/declarations/ledger_mock/ledger_mock.did.js';
import { idlFactory as calleeIdl } from '../src/declarations/untrusted_callee/untrusted_callee.did.js';
import { dfx, localCanisterIds, localReplicaUrl, requireDfx } from './dfx';
import { Callee, Caller, Harness, Ledger, Pending } from './types';

interface Management {
    stop_canister(arg: { canister_id: Principal }): Promise<void>;
    start_canister(arg: { canister_id: Principal }): Promise<void>;
    canister_status(arg: { canister_id: Principal }): Promise<CanisterStatusResult>;
}

const managementIdl: IDL.InterfaceFactory = ({ IDL: I }) =>
    I.Service({
        stop_canister: I.Func([CanisterIdRecord], [], []),
        start_canister: I.Func([CanisterIdRecord], [], []),
        canister_status: I.Func([CanisterIdRecord], [CanisterStatusResult], [])
    });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The canisters `dfx deploy` put on a local replica (dfx 0.24.1-beta.1 or newer), reached with
 * HttpAgent in real time. A fresh key becomes a controller of the three canisters so that the
 * walkthrough can mint, set faults and stop the caller.
 */
export class DfxHarness implements Harness {
    readonly network = 'local' as const;
    readonly generation = 'the local replica';
    onWait: ((text: string) => void) | undefined;

    private constructor(
        private readonly agent: HttpAgent,
        readonly caller: Principal,
        readonly callee: Principal,
        readonly ledger: Principal,
        readonly callerActor: ActorSubclass<Caller>,
        readonly strangerActor: ActorSubclass<Caller>,
        readonly calleeActor: ActorSubclass<Callee>,
        readonly ledgerActor: ActorSubclass<Ledger>
    ) {}

    static async connect(): Promise<DfxHarness> {
        requireDfx();
        const ids = localCanisterIds();
        const identity = Ed25519KeyIdentity.generate();
        for (const name of Object.keys(ids)) {
            dfx(['canister', 'update-settings', name, '--add-controller', identity.getPrincipal().toText()], { quiet: true });
        }
        const agent = await HttpAgent.create({ host: localReplicaUrl(), identity, shouldFetchRootKey: true });
        const strangerAgent = await HttpAgent.create({ host: localReplicaUrl(), identity: Ed25519KeyIdentity.generate(), shouldFetchRootKey: true });
        const actor = <T>(idl: IDL.InterfaceFactory, id: string) => Actor.createActor<T>(idl, { agent, canisterId: id });
        return new DfxHarness(
            agent,
            Principal.fromText(ids.caller),
            Principal.fromText(ids.untrusted_callee),
            Principal.fromText(ids.ledger_mock),
            actor<Caller>(callerIdl, ids.caller),
            Actor.createActor<Caller>(callerIdl, { agent: strangerAgent, canisterId: ids.caller }),
            actor<Callee>(calleeIdl, ids.untrusted_callee),
            actor<Ledger>(ledgerIdl, ids.ledger_mock)
        );
    }

    begin<T>(call: (caller: ActorSubclass<Caller>) => Promise<T>): Pending<T> {
        let done = false;
        const promise = call(this.callerActor).finally(() => (done = true));
        promise.catch(() => undefined);
        return {
            get done() {
                return done;
            },
            result: () => promise
        };
    }

    async elapse(seconds: number): Promise<void> {
        for (let left = seconds; left > 0; left--) {
            this.onWait?.(`${left} s to go (real time)`);
            await sleep(1_000);
        }
    }

    async settle<T>(pending: Pending<T>, seconds: number): Promise<T> {
        for (let left = seconds; left > 0 && !pending.done; left--) {
            this.onWait?.(`waiting for the call, at most ${left} s more (real time)`);
            await sleep(1_000);
        }
        if (!pending.done) throw new Error(`the call did not finish within ${seconds} s`);
        return pending.result();
    }

    async now(): Promise<bigint> {
        return BigInt(Date.now()) * 1_000_000n;
    }

    async stopCanister(canister: Principal, seconds: number): Promise<boolean> {
        const stop = this.begin(() => this.management(canister).stop_canister({ canister_id: canister }));
        try {
            await this.settle(stop, seconds);
            return true;
        } catch {
            return false;
        }
    }

    async startCanister(canister: Principal): Promise<void> {
        await this.management(canister).start_canister({ canister_id: canister });
    }

    async upgradeCaller(): Promise<void> {
        dfx(['canister', 'install', 'caller', '--mode', 'upgrade', '--yes'], { quiet: true });
    }

    async status(canister: Principal): Promise<'running' | 'stopping' | 'stopped'> {
        const r = await this.management(canister).canister_status({ canister_id: canister });
        return Object.keys(r.status)[0] as 'running' | 'stopping' | 'stopped';
    }

    async cycleBalance(canister: Principal): Promise<bigint> {
        return (await this.management(canister).canister_status({ canister_id: canister })).cycles;
    }

    async close(): Promise<void> {}

    private management(canister: Principal): ActorSubclass<Management> {
        return Actor.createActor<Management>(managementIdl, { agent: this.agent, canisterId: Principal.managementCanister(), effectiveCanisterId: canister });
    }
}
