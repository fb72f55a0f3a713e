/**
 * Property: whatever happens around them, safe transfers stay safe. Seeded runs mix transfers
 * (some resent with their client key) with the caller stopped and upgraded, upgraded while it
 * runs with calls outstanding, away for a day (into the TooOld lookup), the ledger stopped and
 * upgraded, its blocks moved to an archive canister and served a few per call, and best-effort
 * messages dropped. After every step no terminal state has changed; at the end every operation
 * is terminal, no operation ever had two attempts at once (from its attempt log), every
 * committed operation has exactly one block, and no amount vanished or doubled.
 */
import { Principal } from '@dfinity/principal';

import { Emulator } from '@response-models/emulator';
import { Prng } from '@response-models/emulator';
import { allTransfers, ledgerBlocks, memoHex } from './ledger_support';
import { account, deployArchive, deployLedgerWorld, LedgerWorld, ok, settleTransfers, stateOf, TransferOp, wasm } from './world';

const RECIPIENTS = ['p0', 'p1', 'p2'].map((n) => Emulator.identity(n));
const hex = (p: Principal) => Buffer.from(p.toUint8Array()).toString('hex');
const STEPS = 40;
const DAY_AND_A_BIT_MS = (24 * 3600 + 300) * 1_000;

/** Restarts a canister with its own module, stopped first (a safe upgrade). */
async function stopUpgradeStart(w: LedgerWorld, id: Principal, module: Uint8Array): Promise<boolean> {
    try {
        await w.em.stopCanister({ canisterId: id, maxRounds: 400 });
    } catch {
        await w.em.startCanister({ canisterId: id }); // still Stopping after its timeouts: give up this time
        return false;
    }
    await w.em.upgradeCanister({ canisterId: id, wasm: module });
    await w.em.startCanister({ canisterId: id });
    return true;
}

class TerminalWatch {
    private readonly seen = new Map<bigint, string>();

    /** Records terminal states; fails if one ever changes. */
    async check(w: LedgerWorld): Promise<void> {
        for (const op of await allTransfers(w)) {
            const state = JSON.stringify(op.state, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
            const before = this.seen.get(op.id);
            if (before !== undefined) expect({ id: op.id, state }).toEqual({ id: op.id, state: before });
            else if ('Committed' in op.state || 'Failed' in op.state) this.seen.set(op.id, state);
        }
    }
}

function expectOneAttemptAtATime(op: TransferOp): void {
    const log = [...op.attempt_log].sort((a, b) => a.attempt - b.attempt);
    for (let i = 1; i < log.length; i++) {
        expect({ id: op.id, attempt: log[i - 1].attempt, ended: log[i - 1].ended_at.length > 0 }).toEqual({ id: op.id, attempt: log[i - 1].attempt, ended: true });
        expect(log[i - 1].ended_at[0]).toBeLessThanOrEqual(log[i].started_at);
    }
}

describe.each([
    [1, 0.0],
    [2, 0.1],
    [3, 0.3]
])('seed %i, %d of best-effort messages dropped', (seed, dropRate) => {
    it(`${STEPS} steps of transfers, stops, upgrades, a day away and archiving: terminal states never change, one attempt at a time, exactly once`, async () => {
        const w = await deployLedgerWorld({ seed, timeoutSeconds: 3 });
        const archive = await deployArchive(w);
        ok(await w.ledgerActor.generate_blocks(1_000));
        await w.em.advanceTime(3_600_000);
        const rng = new Prng(seed * 7919);
        const ledger = w.ledger.toText();
        const involved = [ledger, archive.toText()];
        if (dropRate > 0) {
            w.em.faults.dropBestEffort('request', { match: (m) => involved.includes(m.to), probability: dropRate });
            w.em.faults.dropBestEffort('response', { match: (m) => involved.includes(m.from), probability: dropRate });
        }
        const watch = new TerminalWatch();
        const events: string[] = [];
        let keys = 0;
        for (let step = 0; step < STEPS; step++) {
            const r = rng.next();
            const to = RECIPIENTS[Math.floor(rng.next() * RECIPIENTS.length)];
            const amount = 1n + BigInt(Math.floor(rng.next() * 10_000));
            if (r < 0.55) {
                const key = rng.next() < 0.3 ? [new Uint8Array([++keys])] : [];
                const req = { to: account(to), amount, client_key: key as [] | [Uint8Array] };
                w.later.transfer(req);
                if (key.length > 0 && rng.next() < 0.5) w.later.transfer(req); // a client resend
                events.push('transfer');
            } else if (r < 0.62) {
                ok(await w.ledgerActor.set_faults({ commit_then_delay_rounds: 1 + Math.floor(rng.next() * 6), fail_before_commit: rng.next() < 0.3 ? 1 : 0 }));
                events.push('ledger faults');
            } else if (r < 0.7) {
                events.push((await stopUpgradeStart(w, w.caller, wasm.caller())) ? 'caller stopped and upgraded' : 'caller stop gave up');
            } else if (r < 0.77) {
                await w.em.upgradeCanister({ canisterId: w.caller, wasm: wasm.caller() }); // running, calls outstanding
                events.push('caller upgraded while running');
            } else if (r < 0.83) {
                events.push((await stopUpgradeStart(w, w.ledger, wasm.ledger())) ? 'ledger stopped and upgraded' : 'ledger stop gave up');
            } else if (r < 0.88) {
                await w.em.stopCanister({ canisterId: w.caller, maxRounds: 400 }).catch(() => undefined);
                await w.em.advanceTime(DAY_AND_A_BIT_MS);
                await w.em.startCanister({ canisterId: w.caller });
                events.push('caller away for a day');
            } else if (r < 0.94) {
                const { log_length } = await w.ledgerActor.icrc3_get_blocks([]);
                const archived = await w.ledgerActor.archive_blocks(archive, log_length - 5n).catch(() => undefined);
                if (archived !== undefined && 'Ok' in archived) ok(await w.ledgerActor.set_block_log({ max_blocks_per_request: 3 }));
                events.push('blocks archived');
            } else {
                ok(await w.ledgerActor.generate_blocks(50));
                events.push('other traffic');
            }
            await w.em.tick(1 + Math.floor(rng.next() * 6));
            await watch.check(w);
        }
        w.em.faults.clear();
        ok(await w.ledgerActor.set_faults({ commit_then_delay_rounds: 0, fail_before_commit: 0 }));
        await settleTransfers(w, 20_000);
        await watch.check(w);

        const ops = await allTransfers(w);
        expect(ops.length).toBeGreaterThan(10);
        // The run did what it says: these happened in every seed.
        for (const event of ['transfer', 'caller upgraded while running', 'blocks archived']) expect(events).toContain(event);
        // Every operation is terminal; with funds to spare, Committed (a transfer never executed
        // before the window closed is Failed: not on the ledger, and it can no longer be).
        expect(ops.filter((op) => !('Committed' in op.state || 'Failed' in op.state)).map((op) => op.id)).toEqual([]);
        for (const op of ops) expectOneAttemptAtATime(op);
        const blocks = await ledgerBlocks(w);
        for (const op of ops) {
            const ours = blocks.filter((b) => b.memo === memoHex(op));
            if ('Committed' in op.state) {
                expect(ours.map((b) => b.id)).toEqual([op.state.Committed.block]);
                expect(ours[0]).toMatchObject({ amount: op.amount, to: hex(op.to.owner), from: hex(w.caller) });
            } else {
                expect({ id: op.id, state: stateOf(op), blocks: ours.length }).toEqual({ id: op.id, state: 'Failed', blocks: 0 });
            }
        }
        // What each recipient holds is exactly what the committed operations paid them.
        for (const p of RECIPIENTS) {
            const paid = ops.filter((op) => 'Committed' in op.state && op.to.owner.toText() === p.toText()).reduce((n, op) => n + op.amount, 0n);
            expect(await w.ledgerActor.icrc1_balance_of(account(p))).toBe(paid);
        }
    });
});
