import {
    canisterSelf,
    IDL,
    isController,
    msgArgData,
    msgCaller,
    msgCyclesAccept,
    msgCyclesAvailable,
    msgReject,
    msgReply,
    query,
    trap,
    update
} from 'azle';

import { Call, msgDeadline } from '../lib';
import { Behaviour, CalleeConfig, CalleeReply, CalleeStats, MAX_REPLY_BYTES } from './types';

const DEFAULT_MAX_HANG_ROUNDS = 10_000;

/**
 * A callee the caller must not trust: it may answer, reject, trap, take its time, or hang on to
 * the call (and the cycles attached to it) for as long as it likes.
 *
 * Hanging keeps the call context open with a loop of self-calls: an `await` on a promise that
 * never settles would not do, because the system answers a call whose execution ends without a
 * reply and without outstanding calls ("did not reply"). Every loop is bounded by
 * `max_hang_rounds`, so a hang ends by itself.
 */
export default class {
    config: CalleeConfig = { behaviour: { Echo: null }, max_hang_rounds: DEFAULT_MAX_HANG_ROUNDS };
    releaseEpoch = 0;
    hanging = 0;
    releasedTotal = 0;
    callsTotal = 0n;

    /** Does what `behaviour` says with the payload. */
    @update([Behaviour, IDL.Vec(IDL.Nat8)], CalleeReply, { manual: true })
    async behave(): Promise<void> {
        const [behaviour, payload] = IDL.decode([Behaviour, IDL.Vec(IDL.Nat8)], msgArgData()) as unknown as [Behaviour, Uint8Array];
        await this.respond(behaviour, payload);
    }

    /** Does what the controllers configured: the caller cannot know in advance. */
    @update([IDL.Vec(IDL.Nat8)], CalleeReply, { manual: true })
    async work(): Promise<void> {
        const [payload] = IDL.decode([IDL.Vec(IDL.Nat8)], msgArgData()) as unknown as [Uint8Array];
        await this.respond(this.config.behaviour, payload);
    }

    /** Ends every hang in progress; returns how many were waiting. */
    @update([], IDL.Nat32)
    release(): number {
        this.releaseEpoch++;
        return this.hanging;
    }

    @update([CalleeConfig], IDL.Null)
    configure(config: CalleeConfig): null {
        if (!isController(msgCaller())) trap('configure: only a controller of the callee may configure it');
        if (config.max_hang_rounds === 0) trap('configure: max_hang_rounds must be at least 1');
        this.config = config;
        return null;
    }

    @query([], CalleeStats)
    stats(): CalleeStats {
        return { hanging: this.hanging, released_total: this.releasedTotal, calls_total: this.callsTotal };
    }

    @update([IDL.Text], IDL.Text)
    echo(text: string): string {
        return text;
    }

    /** The `ic0.msg_deadline` this call carries: 0 under unbounded wait. */
    @update([], IDL.Nat64)
    deadline(): bigint {
        return msgDeadline();
    }

    /** One step of a hang: the target of the self-calls. */
    @update([], IDL.Null)
    noop(): null {
        return null;
    }

    /** Replies, rejects (CANISTER_REJECT) or traps (CANISTER_ERROR) as the behaviour says. */
    private async respond(behaviour: Behaviour, payload: Uint8Array): Promise<void> {
        if ('Reject' in behaviour) {
            this.callsTotal++;
            msgReject(behaviour.Reject);
            return;
        }
        const value = await this.run(behaviour, payload);
        msgReply(new Uint8Array(IDL.encode([CalleeReply], [value])));
    }

    private async run(behaviour: Exclude<Behaviour, { Reject: string }>, payload: Uint8Array): Promise<CalleeReply> {
        this.callsTotal++;
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
        if ('LargeReply' in behaviour) {
            if (behaviour.LargeReply > MAX_REPLY_BYTES) trap(`LargeReply: at most ${MAX_REPLY_BYTES} bytes`);
            return reply({ payload: new Uint8Array(behaviour.LargeReply).fill(0xab) });
        }
        if ('AcceptCycles' in behaviour) return reply({ cycles_accepted: msgCyclesAccept(msgCyclesAvailable()) });
        if ('ReplyAfter' in behaviour) return reply(await this.wait(behaviour.ReplyAfter, false));
        if ('Hang' in behaviour) return reply(await this.wait(behaviour.Hang.max_rounds[0], true));
        const accepted = msgCyclesAccept(msgCyclesAvailable());
        return reply({ cycles_accepted: accepted, ...(await this.wait(behaviour.AcceptCyclesThenHang.max_rounds[0], true)) });
    }

    /** Self-calls until `rounds` round trips have passed, or until release() if `releasable`. */
    private async wait(rounds: number | undefined, releasable: boolean): Promise<{ waited_rounds: number; released: boolean }> {
        const limit = Math.min(rounds ?? this.config.max_hang_rounds, this.config.max_hang_rounds);
        const epoch = this.releaseEpoch;
        let waited = 0;
        this.hanging++;
        try {
            while (waited < limit && !(releasable && this.releaseEpoch !== epoch)) {
                await Call.unboundedWait(canisterSelf(), 'noop').call(IDL.Null);
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
