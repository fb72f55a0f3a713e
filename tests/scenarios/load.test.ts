/**
 * What best-effort calls are for at scale: a caller with 10,000 bounded-wait calls open to
 * callees that hang or are slow still stops within its longest timeout; the same caller with
 * unbounded waits cannot stop. On the way: the replica's per-pair queue capacity refusing the
 * 501st call to one callee in call_perform (SYS_TRANSIENT), and what an outstanding call costs
 * the caller in memory.
 */
import { callerMemory, deployLoadWorld, LoadWorld } from './load_world';
import { CallReport, ok, SECOND } from './world';

const TIMEOUT = 120;
const bounded = { Bounded: { timeout_seconds: BigInt(TIMEOUT) } };

/** The history the caller keeps (its last 10,000 reports), page by page from the oldest. */
async function allHistory(w: LoadWorld): Promise<CallReport[]> {
    const out: CallReport[] = [];
    for (let start = 0n; ; ) {
        const page = await w.callerActor.history_page(start, 100);
        out.push(...page);
        if (page.length < 100) return out;
        start = page[page.length - 1].id + 1n;
    }
}

const kind = (r: CallReport) => Object.keys(r.outcome)[0];

describe('a caller under load', () => {
    it('holds 10,000 bounded-wait calls to hanging callees, is refused the 501st to one of them, and stops within its timeout', async () => {
        const w = await deployLoadWorld({ hanging: 20, slow: 2 });
        let peakRss = process.memoryUsage().rss;
        const sample = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));
        const before = callerMemory(w);
        const madeAt = w.em.timeNs;
        // 500 calls to each of the 20 hanging callees, 2,000 a message; then 20 more to the first.
        for (let i = 0; i < 5; i++) expect(ok(await w.callerActor.fan_out({ callees: w.hanging, calls: 2_000, wait: bounded }))).toBe(2_000);
        ok(await w.callerActor.fan_out({ callees: [w.hanging[0]], calls: 20, wait: bounded }));
        ok(await w.callerActor.fan_out({ callees: w.slow, calls: 200, wait: bounded }));
        sample();
        await w.em.tick(1);
        expect((await w.callerActor.stats()).outstanding).toBe(10_000 + 200);
        const perCall = (callerMemory(w) - before) / 10_200;
        await w.em.tick(10); // the slow ones answer
        sample();
        const ended = await allHistory(w);
        expect(ended.filter((r) => kind(r) === 'Failed' && 'Failed' in r.outcome && r.outcome.Failed.startsWith('call_perform failed'))).toHaveLength(20);
        expect(ended.filter((r) => kind(r) === 'Replied')).toHaveLength(200);
        expect((await w.callerActor.stats()).outstanding).toBe(10_000);

        // Stopping: the caller is Stopping until its last call ends: by its deadline, plus the
        // rounds its 10,000 SYS_UNKNOWN callbacks take (4 B instructions a round, an Azle callback
        // several million: a few hundred a round).
        const askedAt = w.em.timeNs;
        const stop = w.em.requestStop({ canisterId: w.caller });
        let lastDeadlinePassedRound: number | undefined;
        while (stop.status === 'pending' && w.em.timeNs - madeAt <= BigInt(TIMEOUT + 120) * SECOND) {
            await w.em.tick(1);
            if (lastDeadlinePassedRound === undefined && w.em.timeNs > madeAt + BigInt(TIMEOUT + 1) * SECOND) lastDeadlinePassedRound = w.em.round;
            sample();
        }
        expect(stop.status).toBe('replied');
        const afterCalls = Number(w.em.timeNs - madeAt) / 1e9;
        const callbackRounds = w.em.round - (lastDeadlinePassedRound ?? w.em.round);
        expect(afterCalls).toBeLessThanOrEqual(TIMEOUT + 60);
        await w.em.startCanister({ canisterId: w.caller }); // a stopped canister answers no query
        const unknown = (await allHistory(w)).filter((r) => kind(r) === 'Unknown');
        expect(unknown).toHaveLength(10_000);
        console.log(
            `10,000 outstanding bounded-wait calls: ${(perCall / 1024).toFixed(2)} KiB of caller heap each; Stopped ` +
                `${afterCalls.toFixed(0)} s after they were made (timeout ${TIMEOUT} s; ${Number(askedAt - madeAt) / 1e9} s before the stop request), ` +
                `${callbackRounds} rounds after the deadline running their callbacks; peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB`
        );
    }, 600_000);

    it('with unbounded waits to the same callees, the caller cannot stop: the stop request gives up after 5 minutes', async () => {
        const w = await deployLoadWorld({ hanging: 2, slow: 0 });
        ok(await w.callerActor.fan_out({ callees: w.hanging, calls: 1_000, wait: { Unbounded: null } }));
        await w.em.tick(1);
        expect((await w.callerActor.stats()).outstanding).toBe(1_000);
        const stop = w.em.requestStop({ canisterId: w.caller });
        await w.em.tick(310);
        expect(stop.status).toBe('rejected');
        expect((await w.em.canisterStatus({ canisterId: w.caller })).status).toBe('stopping');
        await expect(w.callerActor.stats()).rejects.toThrow(/is stopping/); // a stopping canister takes no calls
    }, 600_000);
});
