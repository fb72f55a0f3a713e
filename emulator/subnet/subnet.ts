import { Principal } from '@dfinity/principal';

import { SystemApiProfile } from '../../spec/system_api';
import { RejectCode } from '../errors';
import { Faults } from '../faults';
import { canisterIdFromIndex, MANAGEMENT_CANISTER } from '../ids';
import { Prng } from '../prng';
import { Trace, TraceEntry } from '../trace';
import { SubnetView } from '../system_api';
import { Canister } from './canister';
import { CallContext, CallOrigin, Callback, IngressStatus, Message, Response } from './messages';

export interface SubnetConfig {
    readonly profile: SystemApiProfile;
    /** Virtual time added at the start of every round. */
    readonly roundStepNs: bigint;
    /** Most messages executed in one round; the rest wait (a self-calling canister cannot hang the host). */
    readonly maxMessagesPerRound: number;
    readonly seed: number;
    readonly startTimeNs: bigint;
    readonly maxCallTimeoutSeconds: number;
    readonly maxStablePages: bigint;
    /** How long a stop_canister request waits for the canister to stop before it fails. */
    readonly stopTimeoutNs: bigint;
    readonly fees: { readonly callBase: bigint; readonly callPerByte: bigint };
}

/**
 * Handles messages addressed to a canister the system provides (the management canister, and
 * stand-ins for system canisters): same message path as every canister, no wasm.
 */
export interface ManagementHandler {
    handle(subnet: Subnet, caller: Principal, method: string, arg: Uint8Array, cycles: bigint, respond: (r: Response, refund: bigint) => void): void;
}

/**
 * The state of one subnet, after the interface spec's abstract state: canisters, call contexts,
 * callbacks, the message queue and virtual time. Message handling lives in deliver.ts and
 * commit.ts; this class holds the state and runs rounds.
 */
export class Subnet implements SubnetView {
    time: bigint;
    round = 0;
    readonly canisters = new Map<string, Canister>();
    /** Messages in arrival order; a round executes those present when it starts. */
    queue: Message[] = [];
    readonly callbacks = new Map<number, Callback>();
    readonly traces = new Map<number, TraceEntry>();
    readonly ingress = new Map<number, IngressStatus>();
    readonly ingressTrace = new Map<number, TraceEntry>();
    /** Best-effort callbacks whose SYS_UNKNOWN reject is already queued. */
    readonly expiring = new Set<number>();
    /** Everything canisters printed (ic0.debug_print) and every trap, in order. */
    readonly logs: { canister: string; time: bigint; line: string }[] = [];
    readonly trace = new Trace();
    readonly prng: Prng;
    readonly faults: Faults;
    /** Set by whoever serves the subnet (the network derives both from its key). */
    subnetId = Principal.fromText('2vxsx-fae');
    rootKey: Uint8Array;
    management: ManagementHandler | undefined;
    /** Built-in canisters other than the management canister, by principal text (see builtinAt). */
    readonly builtins = new Map<string, ManagementHandler>();
    private nextIds = { canister: 0, callback: 0, callContext: 0, ingress: 0 };

    constructor(readonly config: SubnetConfig) {
        this.time = config.startTimeNs;
        this.prng = new Prng(config.seed);
        this.faults = new Faults(new Prng(BigInt(config.seed) ^ 0x5eedn));
        this.rootKey = this.prng.bytes(133);
    }

    get profile(): SystemApiProfile {
        return this.config.profile;
    }
    get maxCallTimeoutSeconds(): number {
        return this.config.maxCallTimeoutSeconds;
    }
    get maxStablePages(): bigint {
        return this.config.maxStablePages;
    }
    get fees(): SubnetConfig['fees'] {
        return this.config.fees;
    }

    createCanister(controllers: Principal[], cycles: bigint): Canister {
        const id = canisterIdFromIndex(this.nextIds.canister++);
        const canister = new Canister(id, controllers, cycles, this);
        this.canisters.set(id.toText(), canister);
        return canister;
    }

    canister(id: Principal): Canister | undefined {
        return this.canisters.get(id.toText());
    }

    isManagement(id: Principal): boolean {
        return id.compareTo(MANAGEMENT_CANISTER) === 'eq';
    }

    /** The handler of a canister the system provides (aaaaa-aa or a registered built-in), if `id` is one. */
    builtinAt(id: Principal): ManagementHandler | undefined {
        return this.isManagement(id) ? this.management : this.builtins.get(id.toText());
    }

    newCallContext(canister: Canister, origin: CallOrigin, availableCycles: bigint, responded = false): CallContext {
        const ctx: CallContext = {
            id: this.nextIds.callContext++,
            origin,
            availableCycles,
            responded,
            outstandingCallbacks: 0
        };
        canister.callContexts.set(ctx.id, ctx);
        return ctx;
    }

    newCallbackId(): number {
        return this.nextIds.callback++;
    }

    newIngressId(): number {
        return this.nextIds.ingress++;
    }

    /** Rejects for messages the system refuses before any execution. */
    static reject(code: RejectCode, message: string): Response {
        return { reject: { code, message } };
    }
}
