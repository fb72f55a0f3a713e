/**
 * One attempt at a time, and lookups that scale. An attempt owns its operation by number (in
 * stable memory) and writes only while it does; another attempt takes over only once the owner is
 * known to be gone (its callback trapped, cleanup included, or an upgrade cut it off), never while
 * a long lookup is still working. Lookups start where the log stood before the first attempt, find
 * the window by bisection on block timestamps, follow archives on other canisters, and resume from
 * their cursor after a failed call.
 */

import { Emulator } from '@response-models/emulator';
import { idlFactory as ledgerIdl } from '../../src/declarations/ledger_mock/ledger_mock.did.js';
import { ledgerBlocks, memoHex } from './ledger_support';
import { account, deployArchive, deployLedgerWorld, Ledger, LedgerWorld, ok, SECOND, settleTransfers, stateOf, TransferOp, wasm } from './world';

const bob = Emulator.identity('bob');
const request = (amount: bigint, key?: Uint8Array) => ({ to: account(bob), amount, client_key: key === undefined ? ([] as []) : ([key] as [Uint8Array]) });
const DAY_AND_A_BIT_MS = (24 * 3600 + 300) * 1_000;

async function current(w: LedgerWorld, id: bigint): Promise<TransferOp> {
    const [op] = await w.callerActor.get_transfer(id);
    if (op === undefined) throw new Error(`no transfer ${id}`);
    return op;
}

/** The attempt log shows one attempt at a time: each ended before the next began. */
function expectOneAttemptAtATime(op: TransferOp): void {
    const log = [...op.attempt_log].sort((a, b) => a.attempt - b.attempt);
    for (let i = 1; i < log.length; i++) {
        const previous = log[i - 1];
        expect({ attempt: previous.attempt, ended: previous.ended_at.length }).toEqual({ attempt: previous.attempt, ended: 1 });
        expect(previous.ended_at[0]).toBeLessThanOrEqual(log[i].started_at);
    }
    expect(new Set(log.map((a) => a.attempt)).size).toBe(log.length);
}

async function blocksFor(w: LedgerWorld, op: TransferOp) {
    return (await ledgerBlocks(w)).filter((b) => b.memo === memoHex(op));
}

/** Lets `seconds` of virtual time pass round by round, checking that a terminal state never changes. */
async function watchTerminal(w: LedgerWorld, id: bigint, seconds: number): Promise<void> {
    const resolved = await current(w, id);
    for (let i = 0; i < seconds; i += 10) {
        await w.em.tick(10);
        expect((await current(w, id)).state).toEqual(resolved.state);
    }
}

describe('at most one attempt per operation', () => {
    it('the reported case: a long lookup (a 300-block log served 4 blocks a call, 2 s timeout, 1 % drops) is never taken over, and its result stands', async () => {
        const w = await deployLedgerWorld({ timeoutSeconds: 2, seed: 7 });
        ok(await w.ledgerActor.generate_blocks(300));
        ok(await w.ledgerActor.set_block_log({ max_blocks_per_request: 4 }));
        ok(await w.ledgerActor.set_faults({ commit_then_delay_rounds: 5, fail_before_commit: 0 }));
        const first = ok(await w.callerActor.transfer(request(5_000n)));
        expect(first.state).toHaveProperty('Retrying'); // committed, answered after the 2 s timeout
        ok(await w.ledgerActor.set_faults({ commit_then_delay_rounds: 0, fail_before_commit: 0 }));
        ok(await w.ledgerActor.generate_blocks(300)); // 300 more blocks in the transfer's window, after it
        await w.em.stopCanister({ canisterId: w.caller, maxRounds: 20 });
        await w.em.advanceTime(DAY_AND_A_BIT_MS);
        const ledger = w.ledger.toText();
        w.em.faults.dropBestEffort('request', { match: (m) => m.to === ledger, probability: 0.01 });
        w.em.faults.dropBestEffort('response', { match: (m) => m.from === ledger, probability: 0.01 });
        await w.em.startCanister({ canisterId: w.caller });
        await settleTransfers(w, 5_000);
        const op = await current(w, first.id);
        expect(stateOf(op)).toBe('Committed');
        expect(await blocksFor(w, op)).toHaveLength(1);
        expectOneAttemptAtATime(op);
        await watchTerminal(w, first.id, 600);
        expect(op.log.join('\n')).not.toMatch(/lost|Retrying/);
    });

    it('a lookup that reads for longer than ten timeouts keeps the operation: every call moves its deadline on', async () => {
        // One hop per round, so that each of its ~100 calls takes rounds (within one subnet,
        // inner rounds would answer them all in the round that made them).
        const w = await deployLedgerWorld({ timeoutSeconds: 2, innerRounds: false });
        const never = w.em.faults.dropBestEffort('request', { match: (m) => m.method === 'icrc1_transfer' }); // never executed
        const first = ok(await w.callerActor.transfer(request(5_000n)));
        ok(await w.ledgerActor.generate_blocks(400)); // in the window: the lookup must read them all
        ok(await w.ledgerActor.set_block_log({ max_blocks_per_request: 4 }));
        await w.em.stopCanister({ canisterId: w.caller, maxRounds: 20 });
        w.em.faults.remove(never);
        await w.em.advanceTime(DAY_AND_A_BIT_MS);
        await w.em.startCanister({ canisterId: w.caller });
        await settleTransfers(w, 5_000);
        const op = await current(w, first.id);
        expect(stateOf(op)).toBe('Failed');
        const lookupAttempt = op.attempt_log.at(-1);
        expect(lookupAttempt?.ledger_calls).toBeGreaterThan(100); // 400 blocks, 4 a call
        expect((lookupAttempt?.ended_at[0] ?? 0n) - (lookupAttempt?.started_at ?? 0n)).toBeGreaterThan(80n * SECOND); // 10 x 2 s + 60 s
        expect(op.attempt_log.map((a) => a.outcome).join('\n')).not.toMatch(/lost/);
        expectOneAttemptAtATime(op);
    });

    it('an attempt whose callback trapped, and its cleanup too, is taken over only once its call’s deadline has passed', async () => {
        const w = await deployLedgerWorld({ timeoutSeconds: 10 });
        w.em.faults.trapCallbacks({ match: (m) => m.method === 'icrc1_transfer', limit: 1, cleanupTraps: true });
        const key = new Uint8Array([1]);
        const started = w.later.transfer(request(4_000n, key));
        await w.em.tick(5);
        expect(started.status).toBe('rejected'); // the client's call died with the callback
        const stuck = await current(w, 0n);
        expect(stuck.state).toMatchObject({ InFlight: { attempt: 1 } });
        const deadline = 'InFlight' in stuck.state ? (stuck.state.InFlight.call_deadline[0] ?? 0n) : 0n;
        // The client's resend finds the operation owned: no second attempt while it may still run.
        expect(ok(await w.callerActor.transfer(request(4_000n, key))).state).toMatchObject({ InFlight: { attempt: 1 } });
        await settleTransfers(w, 1_000);
        const op = await current(w, 0n);
        expect(stateOf(op)).toBe('Committed');
        expect(op.attempt_log[0]).toMatchObject({ attempt: 1, outcome: 'lost: its callback never ran (a trap in it and in its cleanup)' });
        expect(op.attempt_log[1].started_at).toBeGreaterThan(deadline + 60n * SECOND);
        expect(await blocksFor(w, op)).toHaveLength(1); // the first attempt did commit; the second got Duplicate
        expectOneAttemptAtATime(op);
    });

    it('an attempt whose callback trapped ends itself in the cleanup callback, and the next one resolves it', async () => {
        const w = await deployLedgerWorld({ timeoutSeconds: 10 });
        w.em.faults.trapCallbacks({ match: (m) => m.method === 'icrc1_transfer', limit: 1 });
        const first = w.later.transfer(request(4_000n));
        await w.em.tick(5);
        expect(first.status).toBe('rejected');
        await settleTransfers(w, 1_000);
        const op = await current(w, 0n);
        expect(stateOf(op)).toBe('Committed');
        expect(op.attempt_log[0].outcome).toMatch(/response lost in cleanup callback/);
        expect(await blocksFor(w, op)).toHaveLength(1);
        expectOneAttemptAtATime(op);
    });
});

describe('upgrading the caller while it runs, with calls outstanding', () => {
    it.each([
        ['bounded', 'transfer'],
        ['unbounded', 'transfer_unbounded']
    ] as const)('a %s attempt cut off by the upgrade is over; its response traps harmlessly in the new module; the next attempt resolves it once', async (_label, method) => {
        const w = await deployLedgerWorld({ timeoutSeconds: 10 });
        ok(await w.ledgerActor.set_faults({ commit_then_delay_rounds: 20, fail_before_commit: 0 }));
        const started = w.later[method](request(6_000n));
        await w.em.tick(3);
        const before = await current(w, 0n);
        expect(before.state).toMatchObject({ InFlight: { attempt: 1 } });
        // The interface spec allows upgrading a running canister; its callbacks then run in the new module.
        await w.em.upgradeCanister({ canisterId: w.caller, wasm: wasm.caller() });
        const after = await current(w, 0n);
        expect(after.state).not.toEqual(before.state); // attempt 1 no longer owns it
        expect(after.attempt_log[0]).toMatchObject({ attempt: 1, outcome: 'lost: cut off by an upgrade of the caller' });
        ok(await w.ledgerActor.set_faults({ commit_then_delay_rounds: 0, fail_before_commit: 0 }));
        await settleTransfers(w, 2_000);
        expect(started.status).toBe('rejected'); // the old continuation is gone: the client's call ends CANISTER_ERROR
        const op = await current(w, 0n);
        expect(stateOf(op)).toBe('Committed');
        expect(await blocksFor(w, op)).toHaveLength(1);
        expectOneAttemptAtATime(op);
        if (method === 'transfer') {
            // A bounded attempt's successor waits until the old call's deadline has passed.
            const deadline = 'InFlight' in before.state ? (before.state.InFlight.call_deadline[0] ?? 0n) : 0n;
            expect(op.attempt_log[1].started_at).toBeGreaterThan(deadline);
        }
        expect((await w.callerActor.ping())).toBeGreaterThan(0n); // the caller itself is fine
    });
});

describe('lookups that scale and resume', () => {
    it('a failed lookup call is retried from where it stopped, not from the start', async () => {
        const run = async (dropOneLookupCall: boolean) => {
            const w = await deployLedgerWorld({ timeoutSeconds: 5 });
            const never = w.em.faults.dropBestEffort('request', { match: (m) => m.method === 'icrc1_transfer' });
            const first = ok(await w.callerActor.transfer(request(1_000n)));
            ok(await w.ledgerActor.generate_blocks(100));
            ok(await w.ledgerActor.set_block_log({ max_blocks_per_request: 10 }));
            await w.em.stopCanister({ canisterId: w.caller, maxRounds: 20 });
            w.em.faults.remove(never);
            await w.em.advanceTime(DAY_AND_A_BIT_MS);
            let lookups = 0;
            if (dropOneLookupCall) w.em.faults.dropBestEffort('request', { match: (m) => m.method === 'icrc3_get_blocks' && ++lookups === 6 });
            await w.em.startCanister({ canisterId: w.caller });
            await settleTransfers(w, 2_000);
            const op = await current(w, first.id);
            expect(stateOf(op)).toBe('Failed');
            return w.em.trace().filter((t) => t.method === 'icrc3_get_blocks' && t.from === w.caller.toText()).length;
        };
        const clean = await run(false);
        const withDrop = await run(true);
        expect(clean).toBeGreaterThan(6);
        expect(withDrop).toBe(clean + 1); // the dropped call, made again: nothing read twice
    });

    it('100,000 blocks on a ledger and its archive canister, 5 % of messages dropped: every TooOld transfer resolves', async () => {
        const w = await deployLedgerWorld({ timeoutSeconds: 5, seed: 11 });
        const archive = await deployArchive(w);
        ok(await w.ledgerActor.generate_blocks(100_000)); // a long history, an hour old
        ok(await w.ledgerActor.archive_blocks(archive, 90_000n));
        await w.em.advanceTime(3_600_000);
        // Two transfers the ledger commits but whose answers are lost, one it never sees; until
        // the caller stops for a day, no retry learns anything.
        const ledger = w.ledger.toText();
        const noAnswers = w.em.faults.dropBestEffort('response', { match: (m) => m.method === 'icrc1_transfer' && m.from === ledger });
        const late = [ok(await w.callerActor.transfer(request(1_000n))), ok(await w.callerActor.transfer(request(2_000n)))];
        const noRequests = w.em.faults.dropBestEffort('request', { match: (m) => m.method === 'icrc1_transfer' });
        const lost = ok(await w.callerActor.transfer(request(3_000n)));
        expect([...late, lost].map(stateOf)).toEqual(['Retrying', 'Retrying', 'Retrying']);
        ok(await w.ledgerActor.generate_blocks(2_000)); // the day goes on
        await w.em.stopCanister({ canisterId: w.caller, maxRounds: 30 });
        w.em.faults.remove(noAnswers);
        w.em.faults.remove(noRequests);
        await w.em.advanceTime(DAY_AND_A_BIT_MS);
        const { log_length } = await w.ledgerActor.icrc3_get_blocks([]);
        ok(await w.ledgerActor.archive_blocks(archive, log_length - 100n)); // ours are archived by now
        // Both serve the most blocks a response may carry (250; 100 by default).
        ok(await w.ledgerActor.set_block_log({ max_blocks_per_request: 250 }));
        ok(await w.em.createActor<Ledger>(ledgerIdl, archive).set_block_log({ max_blocks_per_request: 250 }));
        const involved = [ledger, archive.toText()];
        w.em.faults.dropBestEffort('request', { match: (m) => involved.includes(m.to), probability: 0.05 });
        w.em.faults.dropBestEffort('response', { match: (m) => involved.includes(m.from), probability: 0.05 });
        await w.em.startCanister({ canisterId: w.caller });
        await settleTransfers(w, 5_000);

        const ops = await Promise.all([...late, lost].map((o) => current(w, o.id)));
        expect(ops.map(stateOf)).toEqual(['Committed', 'Committed', 'Failed']);
        for (const op of ops) {
            expectOneAttemptAtATime(op);
            expect(op.lookup[0]?.calls).toBeLessThan(60); // bisection over the log, then a short scan
        }
        const reads = w.em.trace().filter((t) => t.method === 'icrc3_get_blocks' && t.from === w.caller.toText());
        expect(reads.some((t) => t.to === archive.toText())).toBe(true);
        for (const [i, op] of ops.slice(0, 2).entries()) {
            const block = 'Committed' in op.state ? op.state.Committed.block : -1n;
            expect(block).toBeGreaterThanOrEqual(100_000n);
            expect(block).toBeLessThan(log_length - 100n); // on the archive
            expect(op.amount).toBe(BigInt(i + 1) * 1_000n);
        }
    });
});

describe('at 0 % drops', () => {
    it('a transfer makes exactly one ledger call, in one attempt', async () => {
        const w = await deployLedgerWorld();
        const op = ok(await w.callerActor.transfer(request(1_000n)));
        expect(stateOf(op)).toBe('Committed');
        expect(op.ledger_calls).toBe(1);
        expect(op.attempt_log).toEqual([expect.objectContaining({ attempt: 1, ledger_calls: 1, ended_at: [expect.any(BigInt)] })]);
        expect(op.search_from).toBe(0n);
        // The next transfer knows where the log stood before its first attempt.
        expect(ok(await w.callerActor.transfer(request(1_000n))).search_from).toBe(2n);
    });
});

