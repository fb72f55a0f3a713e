import type { ActorSubclass } from '@dfinity/agent';
import type { Principal } from '@dfinity/principal';

import type { _SERVICE as Caller } from '../src/declarations/caller/caller.did.js';
import type { _SERVICE as Ledger } from '../src/declarations/ledger_mock/ledger_mock.did.js';
import type { _SERVICE as Callee } from '../src/declarations/untrusted_callee/untrusted_callee.did.js';

export type { Callee, Caller, Ledger };

export type CallReport = Extract<Awaited<ReturnType<Caller['call_callee']>>, { Ok: unknown }>['Ok'];
export type TransferOp = Extract<Awaited<ReturnType<Caller['transfer']>>, { Ok: unknown }>['Ok'];

/** Where the canisters run: the embedded emulator in process, a dfx local replica, or any network by URL. */
export type Network = 'emulator' | 'local' | 'http';

/** A call started now whose result is collected later. */
export interface Pending<T> {
    readonly done: boolean;
    result(): Promise<T>;
}

/**
 * The three canisters deployed somewhere, and the few operations a walkthrough needs beyond
 * calling them: letting time pass, stopping, upgrading. The embedded emulator runs it in
 * virtual time; the served emulator moves its clock ahead on request; other networks (icp-cli or
 * dfx local networks, mainnet) run in real time.
 */
export interface Harness {
    readonly network: Network;
    /** The replica generation the canisters run on, where it is known (the emulator's profile). */
    readonly generation: string;
    /** True when long waits are cheap: time is virtual, or the network's clock can be moved ahead. */
    readonly virtual: boolean;
    readonly caller: Principal;
    readonly callee: Principal;
    readonly ledger: Principal;
    readonly callerActor: ActorSubclass<Caller>;
    /** The caller, called by an identity that controls nothing and is authorized for nothing. */
    readonly strangerActor: ActorSubclass<Caller>;
    readonly calleeActor: ActorSubclass<Callee>;
    readonly ledgerActor: ActorSubclass<Ledger>;
    /** Told what the harness is waiting for, while it waits. */
    onWait: ((text: string) => void) | undefined;
    /** Starts a call on the caller without waiting for its result. */
    begin<T>(call: (caller: ActorSubclass<Caller>) => Promise<T>): Pending<T>;
    /** Lets `seconds` pass (virtual or real). */
    elapse(seconds: number): Promise<void>;
    /** Waits until `pending` finishes, at most `seconds`. */
    settle<T>(pending: Pending<T>, seconds: number): Promise<T>;
    /** Current time of the network, ns since the epoch. */
    now(): Promise<bigint>;
    /** Asks to stop a canister and waits at most `seconds`; true if it reached Stopped. */
    stopCanister(canister: Principal, seconds: number): Promise<boolean>;
    startCanister(canister: Principal): Promise<void>;
    /** Upgrades the caller with its freshly built module (it must be stopped). */
    upgradeCaller(): Promise<void>;
    status(canister: Principal): Promise<'running' | 'stopping' | 'stopped'>;
    /** A canister's cycle balance (the harness's identity controls the three canisters). */
    cycleBalance(canister: Principal): Promise<bigint>;
    close(): Promise<void>;
}
