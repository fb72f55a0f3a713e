import { IDL, inspectMessage, msgArgData, msgCyclesAccept, msgCyclesAvailable, msgReject, msgReply, query, trap, update } from 'azle';

import { invalidArgument, requireController, Unit } from '../common/refusals';
import { acceptsIngress } from '../common/ingress_guard';
import { Call, describeCallError, msgDeadline } from '@response-models/bounded-wait';
import { Behaviour, CalleeConfig, CalleeError, CalleeReply, CalleeStats, MAX_REPLY_BYTES } from './types';

const MANAGEMENT_CANISTER = 'aaaaa-aa';
const DEFAULT_CONFIG: CalleeConfig = { behaviour: { Echo: null }, max_hang_rounds: 10_000, max_waiting: 1_000 };
const MAX_HANG_ROUNDS = 1_000_000;
const MAX_WAITING = 100_000;

type Result<T> = { Ok: T } | { Err: CalleeError };

/**
 * A callee the caller must not trust: it may answer, reject, trap, take its time, or hang on to
 * the call (and the cycles attached to it) for as long as it likes.
 *
 * Waiting keeps the call context open with a loop of calls to the management canister's
 * raw_rand: an `await` on a promise that never settles would not do, because the system answers
 * a call whose execution ends without a reply and without outstanding calls. raw_rand is answered
 * in the next round (the replica postpones it), so each step waits one round instead of spinning
 * through the round's inner rounds as a self-call would. Every loop is bounded by
 * `max_hang_rounds`, and at most `max_waiting` calls wait at once, so neither a hang nor a crowd
 * of them can run for ever or grow without bound.
 *
 * Who may do what: anyone may call `behave`, `work`, `echo`, `deadline` and the queries (that is
 * the point of the canister); `release` and `configure` are for its controllers.
 */
export default class {
    config: CalleeConfig = DEFAULT_CONFIG;
    releaseEpoch = 0;
    hanging = 0;
    releasedTotal = 0;
    callsTotal = 0n;

    /** Ingress only: refuses an argument that would cost more to decode than its size (common/ingress_guard.ts). */
    @inspectMessage({ manual: true })
    inspect(): boolean {
        return acceptsIngress();
    }

    /**
     * Does what `behaviour` says with the payload. Who: anyone. A call that would wait while
     * `max_waiting` calls already wait, or a LargeReply above 2,000,000 bytes, is rejected.
     */
    @update([Behaviour, IDL.Vec(IDL.Nat8)], CalleeReply, { manual: true })
    async behave(): Promise<void> {
        const [behaviour, payload] = decodeArgs([Behaviour, IDL.Vec(IDL.Nat8)]) as [Behaviour, Uint8Array];
        await this.respond(behaviour, payload);
    }

    /** Does what the controllers configured: the caller cannot know in advance. Who: anyone. */
    @update([IDL.Vec(IDL.Nat8)], CalleeReply, { manual: true })
    async work(): Promise<void> {
        const [payload] = decodeArgs([IDL.Vec(IDL.Nat8)]) as [Uint8Array];
        await this.respond(this.config.behaviour, payload);
    }

    /** Ends every hang in progress; returns how many calls were waiting. Who: controllers. */
    @update([], IDL.Variant({ Ok: IDL.Nat32, Err: CalleeError }))
    release(): Result<number> {
        const refused = requireController('release');
        if (refused !== undefined) return { Err: refused };
        this.releaseEpoch++;
        return { Ok: this.hanging };
    }

    /** What `work` does, and the bounds of every wait. Who: controllers. */
    @update([CalleeConfig], Unit(CalleeError))
    configure(config: CalleeConfig): Result<null> {
        const refused = requireController('configure');
        if (refused !== undefined) return { Err: refused };
        const invalid = invalidConfig(config);
        if (invalid !== undefined) return { Err: invalid };
        this.config = config;
        return { Ok: null };
    }

    /** Who: anyone. */
    @query([], CalleeConfig)
    configuration(): CalleeConfig {
        return this.config;
    }

    /** Who: anyone. */
    @query([], CalleeStats)
    stats(): CalleeStats {
        return { hanging: this.hanging, released_total: this.releasedTotal, calls_total: this.callsTotal };
    }

    /** Who: anyone. */
    @update([IDL.Text], IDL.Text)
    echo(text: string): string {
        return text;
    }

    /** The `ic0.msg_deadline` this call carries: 0 under unbounded wait. Who: anyone. */
    @update([], IDL.Nat64)
    deadline(): bigint {
        return msgDeadline();
    }

    /** Replies, rejects (CANISTER_REJECT) or traps (CANISTER_ERROR) as the behaviour says. */
    private async respond(behaviour: Behaviour, payload: Uint8Array): Promise<void> {
        this.callsTotal++;
        const refusal = this.refusal(behaviour);
        if (refusal !== undefined) {
            msgReject(refusal);
            return;
        }
        if ('Reject' in behaviour) {
            msgReject(behaviour.Reject);
            return;
        }
        const value = await this.run(behaviour, payload);
        msgReply(new Uint8Array(IDL.encode([CalleeReply], [value])));
    }

    /** Why the callee will not do what is asked, as the reject message, or undefined. */
    private refusal(behaviour: Behaviour): string | undefined {
        if ('LargeReply' in behaviour && behaviour.LargeReply > MAX_REPLY_BYTES) {
            return `LargeReply: at most ${MAX_REPLY_BYTES} bytes, asked for ${behaviour.LargeReply}`;
        }
        const waits = 'Hang' in behaviour || 'ReplyAfter' in behaviour || 'AcceptCyclesThenHang' in behaviour;
        if (waits && this.hanging >= this.config.max_waiting) return `busy: ${this.hanging} calls are already waiting (max_waiting)`;
        return undefined;
    }

    private async run(behaviour: Exclude<Behaviour, { Reject: string }>, payload: Uint8Array): Promise<CalleeReply> {
        const deadline = msgDeadline();
        const reply = (extra: Partial<CalleeReply> = {}): CalleeReply => ({
            payload,
            deadline,
            cycles_accepted: 0n,
            waited_rounds: 0,
            released: false,
            ...extra
        });
        if ('Echo' in behaviour) return reply();
        if ('Trap' in behaviour) trap(behaviour.Trap);
        if ('LargeReply' in behaviour) return reply({ payload: new Uint8Array(behaviour.LargeReply).fill(0xab) });
        if ('AcceptCycles' in behaviour) return reply({ cycles_accepted: msgCyclesAccept(msgCyclesAvailable()) });
        if ('ReplyAfter' in behaviour) return reply(await this.wait(behaviour.ReplyAfter, false));
        if ('Hang' in behaviour) return reply(await this.wait(behaviour.Hang.max_rounds[0], true));
        const accepted = msgCyclesAccept(msgCyclesAvailable());
        return reply({ cycles_accepted: accepted, ...(await this.wait(behaviour.AcceptCyclesThenHang.max_rounds[0], true)) });
    }

    /** Waits `rounds` rounds (raw_rand round trips), or until release() if `releasable`. */
    private async wait(rounds: number | undefined, releasable: boolean): Promise<{ waited_rounds: number; released: boolean }> {
        const limit = Math.min(rounds ?? this.config.max_hang_rounds, this.config.max_hang_rounds);
        const epoch = this.releaseEpoch;
        let waited = 0;
        this.hanging++;
        try {
            while (waited < limit && !(releasable && this.releaseEpoch !== epoch)) {
                await waitOneRound();
                waited++;
            }
        } finally {
            this.hanging--;
        }
        const released = releasable && this.releaseEpoch !== epoch;
        if (released) this.releasedTotal++;
        return { waited_rounds: waited, released };
    }
}

/** One round: raw_rand is answered in the round after it is called. */
async function waitOneRound(): Promise<void> {
    const result = await Call.unboundedWait(MANAGEMENT_CANISTER, 'raw_rand').call(IDL.Vec(IDL.Nat8));
    if ('Err' in result) trap(`waiting a round failed: ${describeCallError(result.Err)}`);
}

/** The arguments of a manual-reply method; bytes that are not Candid trap as Azle's own decoding does. */
function decodeArgs(types: IDL.Type[]): unknown[] {
    try {
        return IDL.decode(types, msgArgData());
    } catch (e) {
        trap(`Failed to decode Candid bytes: ${e instanceof Error ? e.message : String(e)}`);
    }
}

function invalidConfig(config: CalleeConfig): CalleeError | undefined {
    if (config.max_hang_rounds < 1 || config.max_hang_rounds > MAX_HANG_ROUNDS) {
        return invalidArgument('max_hang_rounds', `1 to ${MAX_HANG_ROUNDS}, got ${config.max_hang_rounds}`);
    }
    if (config.max_waiting < 1 || config.max_waiting > MAX_WAITING) {
        return invalidArgument('max_waiting', `1 to ${MAX_WAITING}, got ${config.max_waiting}`);
    }
    if ('LargeReply' in config.behaviour && config.behaviour.LargeReply > MAX_REPLY_BYTES) {
        return invalidArgument('behaviour', `LargeReply: at most ${MAX_REPLY_BYTES} bytes`);
    }
    return undefined;
}
