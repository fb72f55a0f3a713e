/**
 * Property: under seeded random drops of best-effort requests and responses (up to 50 %), random
 * delays and ledger traps, 250 transfers in five runs (200 of them under faults): every transfer
 * reaches a terminal state, no key has two blocks, balances plus fees equal the minted supply, and
 * no amount vanishes or doubles.
 */
import { Principal } from '@dfinity/principal';

import { Emulator } from '@response-models/emulator';
import { Prng } from '@response-models/emulator';
import { allTransfers, ledgerBlocks, memoHex } from './ledger_support';
import { account, deployLedgerWorld, FEE, MINTED, ok, settleTransfers, stateOf } from './world';

const RECIPIENTS = ['r0', 'r1', 'r2', 'r3', 'r4'].map((n) => Emulator.identity(n));
const hex = (p: Principal) => Buffer.from(p.toUint8Array()).toString('hex');
const TRANSFERS_PER_RUN = 50;

describe.each([
    [0.0, 101],
    [0.1, 202],
    [0.25, 303],
    [0.4, 404],
    [0.5, 505]
])('with %d of best-effort messages dropped (seed %i)', (dropRate, seed) => {
    it(`${TRANSFERS_PER_RUN} transfers: all resolved, none doubled, none lost`, async () => {
        const w = await deployLedgerWorld({ seed, timeoutSeconds: 5 });
        const rng = new Prng(seed);
        const ledger = w.ledger.toText();
        if (dropRate > 0) {
            // Requests to the ledger (never executed) and its responses (executed, answer lost).
            w.em.faults.dropBestEffort('request', { match: (m) => m.to === ledger, probability: dropRate });
            w.em.faults.dropBestEffort('response', { match: (m) => m.from === ledger, probability: dropRate });
        }
        const expected = new Map<string, bigint>();
        const pending = [];
        for (let i = 0; i < TRANSFERS_PER_RUN; i++) {
            const to = RECIPIENTS[Math.floor(rng.next() * RECIPIENTS.length)];
            const amount = 1n + BigInt(Math.floor(rng.next() * 1_000_000));
            pending.push(w.later.transfer({ to: account(to), amount, client_key: [] }));
            expected.set(hex(to), (expected.get(hex(to)) ?? 0n) + amount);
            // Random delays and failures: the ledger stalls now and then, commits and answers late,
            // or traps before committing.
            const r = rng.next();
            if (r < dropRate / 4) w.em.makeUnresponsive(w.ledger, 1 + Math.floor(rng.next() * 8));
            else if (r < dropRate / 2) ok(await w.ledgerActor.set_faults({ commit_then_delay_rounds: 1 + Math.floor(rng.next() * 6), fail_before_commit: 0 }));
            else if (r < (3 * dropRate) / 4) ok(await w.ledgerActor.set_faults({ commit_then_delay_rounds: 0, fail_before_commit: 1 }));
            else if (r < dropRate) ok(await w.ledgerActor.set_faults({ commit_then_delay_rounds: 0, fail_before_commit: 0 }));
            await w.em.tick(1 + Math.floor(rng.next() * 3));
        }
        for (const p of pending) ok(await p.wait(200));
        ok(await w.ledgerActor.set_faults({ commit_then_delay_rounds: 0, fail_before_commit: 0 }));
        await settleTransfers(w, 5_000);

        // The faults did happen, in both directions, in proportion to the rate.
        const ledgerCalls = w.em.trace().filter((t) => t.to.toString() === ledger && t.model === 'best-effort');
        const dropped = (kind: string) => ledgerCalls.filter((t) => t.outcome.kind === kind).length;
        const trapped = ledgerCalls.filter((t) => t.outcome.kind === 'rejected' && t.outcome.code === 5).length;
        if (dropRate > 0) {
            expect(dropped('request dropped')).toBeGreaterThan(0);
            expect(dropped('response dropped')).toBeGreaterThan(0);
            expect(trapped).toBeGreaterThan(0);
        } else {
            expect(dropped('request dropped') + dropped('response dropped') + trapped).toBe(0);
        }

        const ops = await allTransfers(w);
        const blocks = await ledgerBlocks(w);
        // Every operation reached a terminal state, and with funds to spare, that state is Committed.
        expect(ops).toHaveLength(TRANSFERS_PER_RUN);
        expect(ops.map(stateOf).filter((s) => s !== 'Committed')).toEqual([]);
        // No key has two blocks; each committed operation's block matches it.
        const byMemo = new Map<string, number>();
        for (const b of blocks) if (b.memo !== undefined) byMemo.set(b.memo, (byMemo.get(b.memo) ?? 0) + 1);
        expect([...byMemo.values()].filter((n) => n > 1)).toEqual([]);
        for (const op of ops) {
            const block = blocks.find((b) => b.memo === memoHex(op));
            expect(block).toMatchObject({ amount: op.amount, to: hex(op.to.owner), from: hex(w.caller) });
            expect(op.state).toEqual({ Committed: { block: block?.id } });
        }
        // Balances plus fees equal the minted supply; nothing vanished or doubled.
        const transfers = blocks.filter((b) => b.op === 'xfer');
        const fees = FEE * BigInt(transfers.length);
        let balances = await w.ledgerActor.icrc1_balance_of(account(w.caller));
        for (const r of RECIPIENTS) {
            const balance = await w.ledgerActor.icrc1_balance_of(account(r));
            expect(balance).toBe(expected.get(hex(r)) ?? 0n);
            balances += balance;
        }
        expect(balances + fees).toBe(MINTED);
        expect(await w.ledgerActor.icrc1_total_supply()).toBe(MINTED - fees);
        expect(transfers).toHaveLength(TRANSFERS_PER_RUN);
    });
});
