import { ok as unwrap, prepare } from '../../harness/prepare';
import { Harness } from '../../harness/types';

export interface Step {
    /** Seconds since the scenario started, on the network's clock. */
    readonly at: number;
    readonly text: string;
}

export interface Outcome {
    readonly ok: boolean;
    readonly summary: string;
    readonly facts: Record<string, string | number | boolean>;
}

export interface Context {
    readonly h: Harness;
    /** Records a step of the walkthrough. */
    say(text: string): Promise<void>;
    /** True when time is virtual: long waits are cheap. */
    readonly virtual: boolean;
    /**
     * On the emulator: the three canisters deployed afresh on the other replica generation, to
     * show a rule that changed side by side. Undefined on a real network, which runs one.
     */
    readonly otherGeneration?: () => Promise<Harness>;
}

export interface Scenario {
    readonly name: string;
    readonly title: string;
    readonly run: (ctx: Context) => Promise<Outcome>;
}

const NONE = new Uint8Array();
const HANG = { Hang: { max_rounds: [] as [] } };
const bounded = (s: number) => ({ Bounded: { timeout_seconds: BigInt(s) } });
const UNBOUNDED = { Unbounded: null };
const seconds = (ns: bigint) => Number(ns) / 1e9;
const CYCLES = 1_000_000_000n;

/** A generation as people know it; mainnet runs today's replica (the refund change shipped in late 2025). */
function generationName(generation: string): string {
    if (generation === 'current') return "today's replica (mainnet)";
    if (generation === 'dfx-0.24.1-beta.1') return "dfx 0.24.1-beta.1's replica (Oct 2024)";
    return generation;
}

/** What became of the cycles attached to one call: they add up to `attached`. */
interface CyclesOutcome {
    generation: string;
    attached: bigint;
    accepted: bigint;
    refunded: bigint;
    creditedLater: bigint;
    lost: bigint;
}

/**
 * A bounded-wait call with cycles to the hanging callee, which does not accept them: SYS_UNKNOWN
 * after 5 s with nothing refunded in the callback; then the callee is released and its late reply
 * arrives. Today's replica credits the unaccepted cycles then, with no callback (dfinity/ic PR
 * #7093); the October 2024 replica lost them. The balances say which (fees aside: the emulator
 * charges none, so its numbers are exact).
 */
async function cyclesOfATimeout(h: Harness, say: (text: string) => Promise<void>): Promise<CyclesOutcome> {
    const callerBefore = await h.cycleBalance(h.caller);
    const calleeBefore = await h.cycleBalance(h.callee);
    const call = h.begin((c) => c.call_callee(h.callee, HANG, NONE, bounded(5), CYCLES));
    const report = ok(await h.settle(call, 30));
    const atTimeout = await h.cycleBalance(h.caller);
    ok(await h.calleeActor.release());
    await h.elapse(5); // the late reply arrives
    const callerAfter = await h.cycleBalance(h.caller);
    const accepted = (await h.cycleBalance(h.callee)) - calleeBefore;
    const refunded = report.cycles_refunded;
    const creditedLater = callerAfter - atTimeout;
    const outcome: CyclesOutcome = {
        generation: h.generation,
        attached: CYCLES,
        accepted,
        refunded,
        creditedLater,
        lost: CYCLES - accepted - refunded - creditedLater
    };
    await say(
        `${generationName(h.generation)}: bounded call with ${CYCLES} cycles, ${variantName(report.outcome)} after ${seconds(report.elapsed_ns).toFixed(0)} s: ` +
            `${accepted} accepted, ${refunded} refunded in the callback, ${creditedLater} credited later by the late reply, ${outcome.lost} lost ` +
            `(caller ${callerBefore} -> ${atTimeout} -> ${callerAfter})`
    );
    return outcome;
}

function variantName(v: object): string {
    return Object.keys(v)[0];
}

/** Unwraps a canister's Ok, or throws its Err (a walkthrough step that cannot go on). */
function ok<T>(r: { Ok: T } | { Err: unknown }): T {
    return unwrap(r, 'a step of the walkthrough');
}

export const SCENARIOS: readonly Scenario[] = [
    {
        name: 'trust',
        title: 'A stranger cannot make the caller wait: only controllers ask for unbounded waits, to trusted callees',
        run: async ({ h, say }) => {
            await say('a stranger asks the caller for an unbounded-wait call to the hanging callee');
            const unbounded = await h.strangerActor.call_callee(h.callee, HANG, NONE, UNBOUNDED, 0n);
            const refusal = 'Err' in unbounded ? variantName(unbounded.Err) : 'accepted';
            await say(`refused: ${refusal}; nothing was called`);
            const cycles = await h.strangerActor.call_callee(h.callee, { Echo: null }, NONE, bounded(5), 1_000n);
            await say(`attaching cycles: ${'Err' in cycles ? variantName(cycles.Err) : 'accepted'} (for controllers only)`);
            await say('the stranger asks for a 5 s bounded-wait call instead: anyone may, it cannot hold the caller');
            const call = h.begin(() => h.strangerActor.call_callee(h.callee, HANG, NONE, bounded(5), 0n));
            const report = ok(await h.settle(call, 30));
            await say(`after ${seconds(report.elapsed_ns).toFixed(1)} s: ${variantName(report.outcome)}`);
            ok(await h.calleeActor.release());
            await say('the callee is on the caller’s trust list (the controllers put it there at deployment): the next scenarios show what their own unbounded-wait calls to it cost');
            return {
                ok: refusal === 'UnboundedWaitNotAllowed' && 'Err' in cycles && 'NotAuthorized' in cycles.Err && 'Unknown' in report.outcome,
                summary: `unbounded wait for a stranger: ${refusal}; bounded: SYS_UNKNOWN after ${seconds(report.elapsed_ns).toFixed(0)} s`,
                facts: { stranger_unbounded: refusal, stranger_bounded_outcome: variantName(report.outcome) }
            };
        }
    },
    {
        name: 'deadlines',
        title: 'What deadline does the callee see?',
        run: async ({ h, say }) => {
            const guaranteed = ok(await h.callerActor.demonstrate_deadlines(h.callee, false));
            await say(`guaranteed response: the callee sees msg_deadline = ${guaranteed}`);
            const before = await h.now();
            const bestEffort = ok(await h.callerActor.demonstrate_deadlines(h.callee, true));
            await say(`best-effort (default timeout): msg_deadline = ${bestEffort}, about 300 s after the call was made`);
            return {
                ok: guaranteed === 0n && bestEffort > before,
                summary: `0 under guaranteed response; call time + 300 s under best-effort`,
                facts: { guaranteed_deadline: Number(guaranteed), best_effort_deadline_after_s: Math.round(seconds(bestEffort - before)) }
            };
        }
    },
    {
        name: 'timeouts',
        title: 'A hanging callee cannot hold a bounded-wait call',
        run: async ({ h, say }) => {
            await say('the caller calls the hanging callee with a 10 s bounded wait');
            const call = h.begin((c) => c.call_callee(h.callee, HANG, NONE, bounded(10), 0n));
            const report = ok(await h.settle(call, 30));
            await say(`after ${seconds(report.elapsed_ns).toFixed(1)} s: ${variantName(report.outcome)} (${report.error_class[0] ?? '-'})`);
            const busy = ok(await h.callerActor.demonstrate_timeouts(h.callee));
            await say(`a 1 s bounded call to a busy callee ends in SYS_UNKNOWN: ${busy}`);
            ok(await h.calleeActor.release());
            return {
                ok: 'Unknown' in report.outcome && busy,
                summary: `SYS_UNKNOWN after ${seconds(report.elapsed_ns).toFixed(1)} s; the callee is still hanging, the caller has moved on`,
                facts: { elapsed_s: seconds(report.elapsed_ns), outcome: variantName(report.outcome), busy_callee_timed_out: busy }
            };
        }
    },
    {
        name: 'hang',
        title: 'A hanging callee holds a guaranteed-response call for as long as it likes',
        run: async ({ h, say, virtual }) => {
            const wait = virtual ? 3_000 : 30;
            await say('the caller calls the hanging callee with an unbounded wait');
            const call = h.begin((c) => c.call_callee(h.callee, HANG, NONE, UNBOUNDED, 0n));
            await h.elapse(wait);
            await say(`after ${wait} s the call is still outstanding: ${!call.done}`);
            ok(await h.calleeActor.release());
            await say('the callee is released');
            const report = ok(await h.settle(call, 60));
            await say(`the call ends after ${seconds(report.elapsed_ns).toFixed(0)} s: ${variantName(report.outcome)}`);
            return {
                ok: 'Replied' in report.outcome,
                summary: `still waiting after ${wait} s; answered only when the callee let go`,
                facts: { waited_s: wait, elapsed_s: Math.round(seconds(report.elapsed_ns)) }
            };
        }
    },
    {
        name: 'stop-upgrade',
        title: 'Why a guaranteed-response call blocks stopping and upgrading',
        run: async ({ h, say, virtual }) => {
            const patience = virtual ? 600 : 20;
            const held = h.begin((c) => c.call_callee(h.callee, HANG, NONE, UNBOUNDED, 0n));
            await h.elapse(2);
            await say('with an unbounded call outstanding, the caller is asked to stop');
            const asked = await h.now();
            const stoppedWhileHeld = await h.stopCanister(h.caller, patience);
            const gaveUp = seconds((await h.now()) - asked);
            if (gaveUp < patience) {
                // The system answers a stop request that waited 5 minutes with SYS_TRANSIENT.
                await say(`after ${gaveUp.toFixed(0)} s the system gives the stop request up; the caller stays ${await h.status(h.caller)}`);
                await h.elapse(patience - Math.round(gaveUp));
            }
            await say(`after ${patience} s it is ${await h.status(h.caller)}: it cannot be stopped, so it cannot be upgraded safely`);
            ok(await h.calleeActor.release());
            await h.settle(held, 60);
            await h.stopCanister(h.caller, 60);
            await say(`once the callee lets go, the caller is ${await h.status(h.caller)}`);
            await h.startCanister(h.caller);

            const before = (await h.callerActor.stats()).completed;
            const bounded15 = h.begin((c) => c.call_callee(h.callee, HANG, NONE, bounded(15), 0n));
            await h.elapse(2);
            await say('with only a 15 s bounded call outstanding, the caller is asked to stop');
            const started = await h.now();
            const stopped = await h.stopCanister(h.caller, 60);
            const took = seconds((await h.now()) - started);
            await say(`it is stopped after ${took.toFixed(0)} s; upgrading it`);
            await h.upgradeCaller();
            await h.startCanister(h.caller);
            await h.elapse(3);
            const after = (await h.callerActor.stats()).completed;
            await say(`upgraded and started; its stable call history still holds ${after} calls`);
            ok(await h.calleeActor.release());
            await h.settle(bounded15, 5).catch(() => undefined);
            return {
                ok: !stoppedWhileHeld && stopped && took <= 18 && after === before + 1n,
                summary: `unbounded: still Stopping after ${patience} s; bounded: Stopped in ${took.toFixed(0)} s, upgraded, history kept`,
                facts: { stopped_with_unbounded_call: stoppedWhileHeld, stopped_with_bounded_call_after_s: Math.round(took), history_after_upgrade: Number(after) }
            };
        }
    },
    {
        name: 'cycles',
        title: 'Cycles attached to a call the caller stopped waiting for, on two replica generations',
        run: async ({ h, say, otherGeneration }) => {
            const rejected = ok(await h.callerActor.call_callee(h.callee, { Reject: 'no thanks' }, NONE, UNBOUNDED, CYCLES));
            await say(`guaranteed-response call with ${CYCLES} cycles, rejected: all ${rejected.cycles_refunded} refunded with the response`);
            const rows = [await cyclesOfATimeout(h, say)];
            if (otherGeneration !== undefined) {
                const other = await otherGeneration();
                try {
                    await prepare(other);
                    rows.push(await cyclesOfATimeout(other, say));
                } finally {
                    await other.close();
                }
            }
            const addsUp = rows.every((r) => r.accepted + r.refunded + r.creditedLater + r.lost === r.attached);
            // Today's rule: what the callee did not accept is credited later; the 2024 rule: lost.
            const byRule = rows.every(
                (r) => r.refunded === 0n && (r.generation === 'current' ? r.creditedLater === r.attached - r.accepted : r.generation === 'dfx-0.24.1-beta.1' ? r.lost === r.attached - r.accepted : true)
            );
            const facts: Record<string, number> = { refunded_after_reject: Number(rejected.cycles_refunded) };
            for (const r of rows) {
                const key = r.generation.replace(/[^a-z0-9]+/g, '_');
                Object.assign(facts, {
                    [`${key}_attached`]: Number(r.attached),
                    [`${key}_accepted`]: Number(r.accepted),
                    [`${key}_refunded_in_callback`]: Number(r.refunded),
                    [`${key}_credited_later`]: Number(r.creditedLater),
                    [`${key}_lost`]: Number(r.lost)
                });
            }
            return {
                ok: rejected.cycles_refunded === CYCLES && addsUp && byRule,
                summary: rows.map((r) => `${generationName(r.generation)}: ${r.refunded} refunded in the callback, ${r.creditedLater} credited later, ${r.lost} lost`).join('; '),
                facts
            };
        }
    },
    {
        name: 'safe-transfer',
        title: 'A transfer that timed out after it committed is resolved, once',
        run: async ({ h, say }) => {
            ok(await h.ledgerActor.set_faults({ commit_then_delay_rounds: 15, fail_before_commit: 0 }));
            await say('the ledger commits at once but replies only after ~30 s; the caller waits 10 s');
            const to = { owner: h.ledger, subaccount: [] as [] };
            const first = ok(await h.callerActor.transfer({ to, amount: 25_000n, client_key: [] }));
            await say(`first attempt: ${variantName(first.state)} (the outcome is unknown)`);
            let op = first;
            for (let i = 0; i < 120 && !('Committed' in op.state || 'Failed' in op.state); i++) {
                await h.elapse(1);
                op = (await h.callerActor.get_transfer(first.id))[0] ?? op;
            }
            ok(await h.ledgerActor.set_faults({ commit_then_delay_rounds: 0, fail_before_commit: 0 }));
            for (const line of op.log) await say(`  ${line}`);
            const block = 'Committed' in op.state ? op.state.Committed.block : undefined;
            return {
                ok: block !== undefined,
                summary: `Committed in block ${block} after ${op.attempts} attempts (${op.ledger_calls} ledger calls); paid once`,
                facts: { state: variantName(op.state), attempts: op.attempts, ledger_calls: op.ledger_calls, block: block === undefined ? -1 : Number(block) }
            };
        }
    },
    {
        name: 'guaranteed-transfer',
        title: 'The same transfer with a guaranteed response: one call, but no bound on the wait',
        run: async ({ h, say }) => {
            ok(await h.ledgerActor.set_faults({ commit_then_delay_rounds: 15, fail_before_commit: 0 }));
            const started = await h.now();
            const call = h.begin((c) => c.transfer_unbounded({ to: { owner: h.ledger, subaccount: [] }, amount: 25_000n, client_key: [] }));
            const op = ok(await h.settle(call, 120));
            const took = seconds((await h.now()) - started);
            ok(await h.ledgerActor.set_faults({ commit_then_delay_rounds: 0, fail_before_commit: 0 }));
            await say(`${variantName(op.state)} after ${took.toFixed(0)} s with ${op.ledger_calls} ledger call: the caller simply waited`);
            return {
                ok: 'Committed' in op.state && op.ledger_calls === 1,
                summary: `${variantName(op.state)} with one call after ${took.toFixed(0)} s; a hung ledger would hold it for ever`,
                facts: { state: variantName(op.state), waited_s: Math.round(took), ledger_calls: op.ledger_calls }
            };
        }
    },
    {
        name: 'load',
        title: 'A caller with 500 calls open to a hanging callee still stops',
        run: async ({ h, say, virtual }) => {
            const timeout = virtual ? 60 : 20;
            ok(await h.calleeActor.configure({ behaviour: HANG, max_hang_rounds: 10_000, max_waiting: 1_000 }));
            await say(`one message makes 520 bounded-wait calls (${timeout} s) of work on the callee, which hangs`);
            const firstReport = (await h.callerActor.stats()).completed;
            ok(await h.callerActor.fan_out({ callees: [h.callee], calls: 520, wait: bounded(timeout) }));
            await h.elapse(2);
            const { outstanding } = await h.callerActor.stats();
            const reports = await h.callerActor.history_page(firstReport, 100);
            const refused = reports.filter((r) => 'Failed' in r.outcome && r.outcome.Failed.startsWith('call_perform failed')).length;
            await say(`${outstanding} calls outstanding; ${refused} refused at once (call_perform: SYS_TRANSIENT), 500 being the most one canister may have open to another`);
            await say('the caller is asked to stop');
            const asked = await h.now();
            const stopped = await h.stopCanister(h.caller, timeout + 60);
            const took = seconds((await h.now()) - asked);
            await say(`Stopped after ${took.toFixed(0)} s: every call ended by its deadline, in SYS_UNKNOWN; nothing could hold the caller`);
            await h.startCanister(h.caller);
            ok(await h.calleeActor.release());
            ok(await h.calleeActor.configure({ behaviour: { Echo: null }, max_hang_rounds: 10_000, max_waiting: 1_000 }));
            return {
                ok: stopped && outstanding === 500 && refused === 20 && took <= timeout + 30,
                summary: `${outstanding} bounded-wait calls open, ${refused} refused by the queue capacity; Stopped ${took.toFixed(0)} s after the request`,
                facts: { outstanding, refused_by_queue_capacity: refused, stopped_after_s: Math.round(took) }
            };
        }
    }
];

/** The scenarios named (all when none is), or an error naming the unknown ones. */
export function selectScenarios(only: string[]): Scenario[] {
    const unknown = only.filter((n) => !SCENARIOS.some((s) => s.name === n));
    if (unknown.length > 0) {
        throw new Error(`unknown scenario(s): ${unknown.join(', ')}; choose from ${SCENARIOS.map((s) => s.name).join(', ')}`);
    }
    return only.length === 0 ? [...SCENARIOS] : SCENARIOS.filter((s) => only.includes(s.name));
}
