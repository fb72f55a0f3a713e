import { readFileSync } from 'node:fs';

import type { ActorSubclass } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';

import { ProfileName } from '@response-models/system-api';
import { Emulator, PendingCall } from '@response-models/emulator';
import { makeActor } from '@response-models/emulator';
import { idlFactory as callerIdl } from '../src/declarations/caller/caller.did.js';
import { idlFactory as ledgerIdl } from '../src/declarations/ledger_mock/ledger_mock.did.js';
import { idlFactory as calleeIdl } from '../src/declarations/untrusted_callee/untrusted_callee.did.js';
import { builtWasm } from './built';
import { Callee, Caller, Harness, Ledger, Pending } from './types';

const SECOND = 1_000_000_000n;

/**
 * The three canisters on the embedded emulator, in virtual time with 1-second rounds: a
 * 5-minute timeout passes in milliseconds, and every run is the same.
 */
export class EmulatorHarness implements Harness {
    readonly network = 'emulator' as const;
    readonly virtual = true;
    get generation(): string {
        return this.em.profile;
    }
    onWait: ((text: string) => void) | undefined;
    private readonly waiting = new Set<() => void>();

    private constructor(
        readonly em: Emulator,
        readonly caller: Principal,
        readonly callee: Principal,
        readonly ledger: Principal,
        readonly callerActor: ActorSubclass<Caller>,
        readonly strangerActor: ActorSubclass<Caller>,
        readonly calleeActor: ActorSubclass<Callee>,
        readonly ledgerActor: ActorSubclass<Ledger>,
        private readonly lazyCaller: ActorSubclass<Caller>
    ) {}

    static async deploy(options: { seed?: number; profile?: ProfileName } = {}): Promise<EmulatorHarness> {
        const em = await Emulator.create({ roundStepMs: 1_000, seed: options.seed ?? 0, profile: options.profile });
        const wasm = (name: string) => readFileSync(builtWasm(name));
        const ledger = await em.setupCanister({ wasm: wasm('ledger_mock') });
        const callee = await em.setupCanister({ wasm: wasm('untrusted_callee') });
        const caller = await em.setupCanister({ wasm: wasm('caller') });
        await em.runUntilIdle();
        const harness: EmulatorHarness = new EmulatorHarness(
            em,
            caller,
            callee,
            ledger,
            em.createActor<Caller>(callerIdl, caller),
            em.createActor<Caller>(callerIdl, caller, { sender: Emulator.identity('stranger') }),
            em.createActor<Callee>(calleeIdl, callee),
            em.createActor<Ledger>(ledgerIdl, ledger),
            makeActor<Caller>(callerIdl, {
                // Submitted now; the promise settles when a later round finishes the call.
                update: (method, arg) => harness.whenDone(em.submit(caller, method, arg)),
                query: (method, arg) => em.queryCall(caller, method, arg),
                submit: () => {
                    throw new Error('not used');
                }
            })
        );
        return harness;
    }

    begin<T>(call: (caller: ActorSubclass<Caller>) => Promise<T>): Pending<T> {
        let done = false;
        const promise = call(this.lazyCaller).finally(() => (done = true));
        promise.catch(() => undefined); // observed through result()
        return {
            get done() {
                return done;
            },
            result: () => promise
        };
    }

    async elapse(seconds: number): Promise<void> {
        const end = this.em.timeNs + BigInt(seconds) * SECOND;
        while (this.em.timeNs < end) {
            await this.em.tick(1);
            this.poll();
            this.onWait?.(`${Number((end - this.em.timeNs) / SECOND)} s to go (virtual time)`);
            await new Promise((r) => setImmediate(r));
        }
    }

    async settle<T>(pending: Pending<T>, seconds: number): Promise<T> {
        const end = this.em.timeNs + BigInt(seconds) * SECOND;
        while (!pending.done && this.em.timeNs < end) {
            await this.em.tick(1);
            this.poll();
            this.onWait?.(`waiting for the call, at most ${Number((end - this.em.timeNs) / SECOND)} s more (virtual time)`);
            await new Promise((r) => setImmediate(r));
        }
        if (!pending.done) throw new Error(`the call did not finish within ${seconds} s`);
        return pending.result();
    }

    async now(): Promise<bigint> {
        return this.em.timeNs;
    }

    async stopCanister(canister: Principal, seconds: number): Promise<boolean> {
        const stop = this.em.requestStop({ canisterId: canister });
        const end = this.em.timeNs + BigInt(seconds) * SECOND;
        while (stop.status === 'pending' && this.em.timeNs < end) {
            await this.em.tick(1);
            this.poll();
        }
        return stop.status === 'replied';
    }

    async startCanister(canister: Principal): Promise<void> {
        await this.em.startCanister({ canisterId: canister });
    }

    async upgradeCaller(): Promise<void> {
        await this.em.upgradeCanister({ canisterId: this.caller, wasm: readFileSync(builtWasm('caller')) });
    }

    async status(canister: Principal): Promise<'running' | 'stopping' | 'stopped'> {
        return (await this.em.canisterStatus({ canisterId: canister })).status;
    }

    async cycleBalance(canister: Principal): Promise<bigint> {
        return this.em.getCycleBalance(canister);
    }

    async close(): Promise<void> {}

    private whenDone(call: PendingCall<Uint8Array>): Promise<Uint8Array> {
        return new Promise((resolve, reject) => {
            const check = () => {
                if (call.status === 'pending') return;
                this.waiting.delete(check);
                try {
                    resolve(call.result());
                } catch (e) {
                    reject(e);
                }
            };
            this.waiting.add(check);
        });
    }

    private poll(): void {
        for (const check of [...this.waiting]) check();
    }
}
