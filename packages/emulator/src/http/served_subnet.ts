/**
 * The emulator's subnet as a network serves it: rounds run in the background on a clock that
 * follows wall time, the state is certified (signed once per round at most: when a call that a
 * client waits for has finished, or when someone reads the state after a round), and calls
 * submitted over HTTP are remembered by request id until their status has been readable for a
 * while.
 */
import { Principal } from '@dfinity/principal';

import { installSystemCanisters } from '../builtins/index.js';
import { BuiltinCanister } from '../builtins/builtin.js';
import { Emulator } from '../emulator.js';
import { isIdle, submitIngress } from '../subnet/scheduler.js';
import { Subnet } from '../subnet/subnet.js';
import { Certification, certify } from './certification.js';
import { NetworkClock } from './clock.js';
import { IngressHistory, IngressRecord } from './ingress_history.js';
import { NetworkKeys } from './keys.js';
import { stateTree, staticTrees } from './state_tree.js';

export interface RoundPacing {
    /**
     * Least time between two rounds, while there is work (new calls, messages between
     * canisters): calls that arrive meanwhile share a round, and so one certificate signature.
     */
    roundIntervalMs: number;
    /** Time between rounds when nothing is queued: timers fire and time moves on. */
    idleIntervalMs: number;
}

interface Waiter {
    readonly record: IngressRecord;
    readonly resolve: (c: Certification | undefined) => void;
}

export class ServedSubnet {
    readonly subnet: Subnet;
    readonly clock = new NetworkClock();
    readonly history: IngressHistory;
    readonly builtins: ReadonlyMap<string, BuiltinCanister>;
    private readonly fixed;
    private latest: Certification;
    /** A round ran since the latest certification. */
    private stale = false;
    private readonly waiters = new Set<Waiter>();
    /** Cancels the scheduled round, if one is scheduled. */
    private cancel: (() => void) | undefined;
    private timerAt = Infinity;
    private lastRoundAt = 0;
    private stopped = false;
    /** Calls accepted over HTTP so far: a client that moves time can first wait for the call it just sent. */
    callsReceived = 0;
    /** Calls that finished in each round, for whoever moved time (see advance). */
    private finishedInLastRound = 0;

    constructor(
        readonly emulator: Emulator,
        readonly keys: NetworkKeys,
        private readonly pacing: RoundPacing
    ) {
        this.subnet = emulator.subnet;
        this.subnet.subnetId = keys.subnetId;
        this.subnet.rootKey = keys.rootKeyDer;
        this.builtins = installSystemCanisters(this.subnet);
        this.history = new IngressHistory(this.subnet);
        this.fixed = staticTrees(keys);
        this.subnet.time = this.clock.now();
        this.latest = this.certifyNow();
    }

    /** Starts the background rounds. */
    start(): void {
        this.schedule('now');
    }

    stop(): void {
        this.stopped = true;
        this.cancel?.();
        for (const w of this.waiters) w.resolve(undefined);
        this.waiters.clear();
    }

    /** The certified state after the latest round (signed now if no certification has covered that round yet). */
    get certified(): Certification {
        if (this.stale) this.latest = this.certifyNow();
        return this.latest;
    }

    /** Network time now, ns. */
    now(): bigint {
        return this.clock.now();
    }

    /** Submits an accepted call (once per request id) and asks for a round soon. */
    submit(requestId: Uint8Array, sender: Principal, receiver: Principal, canisterId: Principal, method: string, arg: Uint8Array, expiry: bigint): IngressRecord {
        const known = this.history.get(requestId);
        if (known !== undefined) return known;
        this.callsReceived++;
        const messageId = submitIngress(this.subnet, sender, canisterId, method, arg);
        const record = this.history.add({ requestId, sender, receiver, expiry, messageId });
        this.schedule('now');
        return record;
    }

    /**
     * Resolves with the first certification in which `record` has a final status, or undefined
     * after `timeoutMs` of wall time (or when the network stops).
     */
    whenFinished(record: IngressRecord, timeoutMs: number): Promise<Certification | undefined> {
        if (record.finishedAt !== undefined) return Promise.resolve(this.certified);
        return new Promise((resolve) => {
            const waiter: Waiter = {
                record,
                resolve: (c) => {
                    clearTimeout(timeout);
                    this.waiters.delete(waiter);
                    resolve(c);
                }
            };
            const timeout = setTimeout(() => waiter.resolve(undefined), timeoutMs);
            this.waiters.add(waiter);
        });
    }

    /**
     * Moves the clock `ms` ahead and runs one round at the new time at once. Returns the new
     * time and how many calls submitted over HTTP finished in that round.
     */
    async advance(ms: number): Promise<{ timeNs: bigint; finished: number }> {
        this.clock.advance(ms);
        await this.round();
        return { timeNs: this.subnet.time, finished: this.finishedInLastRound };
    }

    private schedule(when: 'now' | 'busy' | 'idle'): void {
        if (this.stopped) return;
        const interval = when === 'idle' ? this.pacing.idleIntervalMs : this.pacing.roundIntervalMs;
        const at = Math.max(Date.now(), this.lastRoundAt + interval);
        if (this.cancel !== undefined && this.timerAt <= at) return;
        this.cancel?.();
        this.timerAt = at;
        const run = () => {
            this.cancel = undefined;
            this.timerAt = Infinity;
            void this.round().catch((e: unknown) => console.error('round failed:', e));
        };
        if (at <= Date.now()) {
            // setImmediate lets calls that arrive together land in the same round.
            const immediate = setImmediate(run);
            this.cancel = () => clearImmediate(immediate);
        } else {
            const timeout = setTimeout(run, Math.max(0, at - Date.now()));
            this.cancel = () => clearTimeout(timeout);
        }
    }

    /** One round at the clock's time; calls that clients wait for and that finished are certified and answered. */
    private async round(): Promise<void> {
        if (this.stopped) return;
        const now = this.clock.now();
        this.subnet.time = now > this.subnet.time ? now : this.subnet.time + 1n;
        await this.emulator.tick(1);
        this.lastRoundAt = Date.now();
        this.finishedInLastRound = this.history.update(this.subnet.time);
        this.stale = true;
        const answered = [...this.waiters].filter((w) => w.record.finishedAt !== undefined);
        if (answered.length > 0) {
            const certified = this.certified;
            for (const w of answered) w.resolve(certified);
        }
        this.schedule(isIdle(this.subnet) ? 'idle' : 'busy');
    }

    private certifyNow(): Certification {
        this.stale = false;
        return certify(this.keys, stateTree(this.subnet, this.history, this.fixed, this.subnet.time), this.subnet.time);
    }
}
