/**
 * Safe transfers under best-effort responses: a timed-out transfer is resolved (retried with the
 * same ICRC-1 idempotency key, or looked up) until its outcome is known, and nothing is paid twice
 * or lost.
 */
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';

import { Emulator } from '@response-models/emulator';
import { idlFactory as ledgerIdlFactory } from '../../src/declarations/ledger_mock/ledger_mock.did.js';
import { allTransfers, ledgerBlocks, memoHex } from './ledger_support';
import { account, deployArchive, deployLedgerWorld, FEE, LedgerWorld, MINTED, ok, settleTransfers, stateOf, TransferOp } from './world';

const bob = Emulator.identity('bob');
const hex = (p: Principal) => Buffer.from(p.toUint8Array()).toString('hex');
const request = (amount: bigint, key?: Uint8Array) => ({ to: account(bob), amount, client_key: key === undefined ? ([] as []) : ([key] as [Uint8Array]) });

async function blocksFor(w: LedgerWorld, op: TransferOp) {
    return (await ledgerBlocks(w)).filter((b) => b.memo === memoHex(op));
}

async function expectCommittedOnce(w: LedgerWorld, id: bigint, amount: bigint): Promise<TransferOp> {
    const [op] = await w.callerActor.get_transfer(id);
    if (op === undefined) throw new Error(`no transfer ${id}`);
    expect(stateOf(op)).toBe('Committed');
    const blocks = await blocksFor(w, op);
    expect(blocks).toHaveLength(1);
    expect(blocks[0]).toMatchObject({ amount, to: hex(bob), from: hex(w.caller) });
    expect(op.state).toEqual({ Committed: { block: blocks[0].id } });
    expect(await w.ledgerActor.icrc1_balance_of(account(bob))).toBe(amount);
    return op;
}

describe('timeout after commit', () => {
    it('ends Committed once, with its block index; the ledger holds one block for it', async () => {
        const w = await deployLedgerWorld({ timeoutSeconds: 10 });
        ok(await w.ledgerActor.set_faults({ commit_then_delay_rounds: 20, fail_before_commit: 0 }));
        const first = ok(await w.callerActor.transfer(request(5_000n)));
        expect(first.state).toHaveProperty('Retrying'); // the reply came too late: SYS_UNKNOWN
        await settleTransfers(w);
        const op = await expectCommittedOnce(w, first.id, 5_000n);
        expect(op.attempts).toBeGreaterThanOrEqual(2);
        expect(op.log.join('\n')).toMatch(/SysUnknown/);
    });
});

describe('timeout before commit', () => {
    it('a dropped request: retried with the same key and committed exactly once', async () => {
        const w = await deployLedgerWorld();
        w.em.faults.dropBestEffort('request', { match: (m) => m.method === 'icrc1_transfer', limit: 1 });
        const first = ok(await w.callerActor.transfer(request(7_000n)));
        expect(first.state).toHaveProperty('Retrying');
        await settleTransfers(w);
        const op = await expectCommittedOnce(w, first.id, 7_000n);
        expect(op.attempts).toBe(2);
    });

    it('a ledger that fails before committing: retried until it commits, once', async () => {
        const w = await deployLedgerWorld();
        ok(await w.ledgerActor.set_faults({ commit_then_delay_rounds: 0, fail_before_commit: 3 }));
        const first = ok(await w.callerActor.transfer(request(9_000n)));
        await settleTransfers(w);
        const op = await expectCommittedOnce(w, first.id, 9_000n);
        expect(op.attempts).toBe(4);
    });
});

describe('upgrading the caller while transfers are unresolved', () => {
    it('after the upgrade they resume by themselves and resolve correctly', async () => {
        const w = await deployLedgerWorld({ timeoutSeconds: 5 });
        w.em.makeUnresponsive(w.ledger, 60);
        const started = [];
        for (const amount of [1_000n, 2_000n, 3_000n]) started.push(ok(await w.callerActor.transfer(request(amount))));
        expect(started.map(stateOf)).toEqual(['Retrying', 'Retrying', 'Retrying']);
        await w.em.stopCanister({ canisterId: w.caller, maxRounds: 20 });
        expect((await w.em.canisterStatus({ canisterId: w.caller })).status).toBe('stopped');
        const { wasm } = await import('./world');
        await w.em.upgradeCanister({ canisterId: w.caller, wasm: wasm.caller() });
        await w.em.startCanister({ canisterId: w.caller });
        expect((await w.callerActor.unresolved_transfers()).length).toBe(3);
        await settleTransfers(w);
        const ops = await allTransfers(w);
        expect(ops.map(stateOf)).toEqual(['Committed', 'Committed', 'Committed']);
        for (const op of ops) expect(await blocksFor(w, op)).toHaveLength(1);
        expect(await w.ledgerActor.icrc1_balance_of(account(bob))).toBe(6_000n);
    });

    it('a retry resumed after the upgrade waits for its backoff, not sooner', async () => {
        const w = await deployLedgerWorld({ timeoutSeconds: 5 });
        w.em.faults.dropBestEffort('request', { match: (m) => m.method === 'icrc1_transfer', limit: 5 });
        const { id } = ok(await w.callerActor.transfer(request(2_000n)));
        const current = async () => (await w.callerActor.get_transfer(id))[0] as TransferOp;
        while ((await current()).attempts < 5 || !('Retrying' in (await current()).state)) await w.em.tick(1);
        const retrying = (await current()).state;
        const nextAt = 'Retrying' in retrying ? retrying.Retrying.next_at : 0n; // 16 s after the 5th try
        await w.em.stopCanister({ canisterId: w.caller, maxRounds: 20 });
        const { wasm } = await import('./world');
        await w.em.upgradeCanister({ canisterId: w.caller, wasm: wasm.caller() });
        await w.em.startCanister({ canisterId: w.caller });
        const restartedAt = w.em.timeNs;
        expect(restartedAt).toBeLessThan(nextAt);
        await settleTransfers(w);
        const sent = w.em.trace().filter((t) => t.method === 'icrc1_transfer' && t.sentAt >= restartedAt);
        expect(sent).toHaveLength(1);
        expect(sent[0].sentAt).toBeGreaterThanOrEqual(nextAt);
        await expectCommittedOnce(w, id, 2_000n);
    });
});

describe('ICRC-1 deduplication', () => {
    let w: LedgerWorld;
    let alice: Principal;
    const arg = (overrides: Partial<{ amount: bigint; created_at_time: [] | [bigint]; memo: [] | [Uint8Array] }> = {}) => ({
        from_subaccount: [] as [],
        to: account(bob),
        amount: 1_000n,
        fee: [] as [],
        memo: [new Uint8Array([1, 2, 3])] as [Uint8Array],
        created_at_time: [w.em.timeNs] as [bigint],
        ...overrides
    });
    beforeAll(async () => {
        w = await deployLedgerWorld();
        alice = Emulator.identity('alice');
        ok(await w.ledgerActor.mint(account(alice), 1_000_000n));
    });
    const asAlice = async () => {
        const { idlFactory } = await import('../../src/declarations/ledger_mock/ledger_mock.did.js');
        return w.em.createActor<import('./world').Ledger>(idlFactory, w.ledger, { sender: alice });
    };

    it('an identical transfer is a Duplicate of the first block and moves nothing', async () => {
        const ledger = await asAlice();
        const a = arg();
        const first = await ledger.icrc1_transfer(a);
        const balance = await ledger.icrc1_balance_of(account(alice));
        expect(await ledger.icrc1_transfer(a)).toEqual({ Err: { Duplicate: { duplicate_of: ok(first) } } });
        expect(await ledger.icrc1_balance_of(account(alice))).toBe(balance);
    });

    it('the same memo and created_at_time with a different amount is a different transfer', async () => {
        const ledger = await asAlice();
        const a = arg();
        const first = ok(await ledger.icrc1_transfer(a));
        const second = ok(await ledger.icrc1_transfer({ ...a, amount: 2_000n }));
        expect(second).not.toBe(first);
    });

    it('without created_at_time there is no deduplication', async () => {
        const ledger = await asAlice();
        const a = arg({ created_at_time: [] });
        expect(ok(await ledger.icrc1_transfer(a))).not.toBe(ok(await ledger.icrc1_transfer(a)));
    });

    it('too old: created_at_time before now - 24 h - 2 min', async () => {
        const ledger = await asAlice();
        const old = w.em.timeNs - (24n * 3600n + 121n) * 1_000_000_000n;
        expect(await ledger.icrc1_transfer(arg({ created_at_time: [old] }))).toEqual({ Err: { TooOld: null } });
    });

    it('created in the future: beyond now + 2 min, with the ledger time', async () => {
        const ledger = await asAlice();
        const future = w.em.timeNs + 5n * 60n * 1_000_000_000n;
        const r = await ledger.icrc1_transfer(arg({ created_at_time: [future] }));
        expect(r).toHaveProperty('Err.CreatedInFuture.ledger_time');
    });
});

describe('bad input changes no balance', () => {
    let w: LedgerWorld;
    beforeAll(async () => {
        w = await deployLedgerWorld();
    });
    afterEach(async () => {
        expect(await w.ledgerActor.icrc1_balance_of(account(w.caller))).toBe(MINTED);
        expect(await w.ledgerActor.icrc1_balance_of(account(bob))).toBe(0n);
        expect(await w.ledgerActor.icrc1_total_supply()).toBe(MINTED);
    });

    it('zero amount', async () => {
        expect(await w.callerActor.transfer(request(0n))).toEqual({ Err: { InvalidArgument: { field: 'amount', reason: 'must be greater than 0' } } });
    });

    it('a malformed account', async () => {
        const r = await w.callerActor.transfer({ to: { owner: bob, subaccount: [new Uint8Array(5)] }, amount: 1n, client_key: [] });
        expect(r).toEqual({ Err: { InvalidArgument: { field: 'to.subaccount', reason: '32 bytes, got 5' } } });
    });

    it('a negative amount is not Candid for nat: rejected before anything runs', async () => {
        const { IDL } = await import('@dfinity/candid');
        const bad = IDL.encode(
            [IDL.Record({ to: IDL.Record({ owner: IDL.Principal, subaccount: IDL.Opt(IDL.Vec(IDL.Nat8)) }), amount: IDL.Int, client_key: IDL.Opt(IDL.Vec(IDL.Nat8)) })],
            [{ to: account(bob), amount: -5n, client_key: [] }]
        );
        await expect(w.em.updateCall(w.caller, 'transfer', new Uint8Array(bad))).rejects.toThrow();
        expect(await allTransfers(w)).toEqual([]);
    });

    it('an amount above the balance: the operation ends Failed with InsufficientFunds', async () => {
        const op = ok(await w.callerActor.transfer(request(MINTED)));
        expect(op.state).toEqual({ Failed: { error: `InsufficientFunds: balance ${MINTED}` } });
    });

    it('straight to the ledger, from a funded account: oversized memo, malformed account, zero amount, bad fee', async () => {
        const { idlFactory } = await import('../../src/declarations/caller/caller.did.js');
        const asCaller = w.em.createActor<import('./world').Caller>(idlFactory, w.caller);
        const ledgerService = ledgerIdlFactory({ IDL }) as IDL.ServiceClass;
        const transfer = ledgerService._fields.find(([name]) => name === 'icrc1_transfer')?.[1] as IDL.FuncClass;
        // The caller holds the funds, so send as the caller (its controllers may relay any call).
        const send = async (arg: object) => {
            const r = await asCaller.call_raw(w.ledger, 'icrc1_transfer', new Uint8Array(IDL.encode(transfer.argTypes, [arg])), { Bounded: { timeout_seconds: 60 } });
            if ('Err' in r) throw new Error(JSON.stringify(r.Err));
            return IDL.decode(transfer.retTypes, new Uint8Array(r.Ok))[0];
        };
        const base = { from_subaccount: [], to: account(bob), amount: 1n, fee: [], memo: [], created_at_time: [] };
        expect(await send({ ...base, memo: [new Uint8Array(33)] })).toHaveProperty('Err.GenericError');
        expect(await send({ ...base, to: { owner: bob, subaccount: [new Uint8Array(31)] } })).toHaveProperty('Err.GenericError');
        expect(await send({ ...base, amount: 0n })).toHaveProperty('Err.GenericError');
        expect(await send({ ...base, fee: [1n] })).toEqual({ Err: { BadFee: { expected_fee: FEE } } });
    });

    it('a client key longer than 64 bytes', async () => {
        expect(await w.callerActor.transfer(request(1n, new Uint8Array(65)))).toEqual({ Err: { InvalidArgument: { field: 'client_key', reason: '1 to 64 bytes, got 65' } } });
    });

    it('only authorised principals may start transfers', async () => {
        const { idlFactory } = await import('../../src/declarations/caller/caller.did.js');
        const mallory = w.em.createActor<import('./world').Caller>(idlFactory, w.caller, { sender: Emulator.identity('mallory') });
        expect(await mallory.transfer(request(1n))).toHaveProperty('Err.NotAuthorized');
        expect(await allTransfers(w)).toHaveLength(1); // only the InsufficientFunds one above
    });
});

describe('a client key names one request', () => {
    it('reused for a different transfer: a typed error, and no second operation', async () => {
        const w = await deployLedgerWorld();
        const key = new Uint8Array([4, 2]);
        const first = ok(await w.callerActor.transfer(request(1_000n, key)));
        expect(await w.callerActor.transfer(request(1_001n, key))).toEqual({ Err: { InvalidArgument: { field: 'client_key', reason: expect.stringMatching(/different transfer: amount 1000/) } } });
        const carol = Emulator.identity('carol');
        const toCarol = { ...request(1_000n, key), to: account(carol) };
        expect(await w.callerActor.transfer(toCarol)).toEqual({ Err: { InvalidArgument: { field: 'client_key', reason: expect.stringMatching(/another recipient/) } } });
        expect(await w.callerActor.transfer_unbounded(request(1_000n, key))).toEqual({ Err: { InvalidArgument: { field: 'client_key', reason: expect.stringMatching(/other response model/) } } });
        // The same request again is the same operation.
        expect(ok(await w.callerActor.transfer(request(1_000n, key))).id).toBe(first.id);
        expect(await allTransfers(w)).toHaveLength(1);
        await expectCommittedOnce(w, first.id, 1_000n);
    });

    it('is scoped to the principal that used it: another principal with the same key gets an operation of its own', async () => {
        const w = await deployLedgerWorld();
        const key = new Uint8Array([4, 2]);
        const mine = ok(await w.callerActor.transfer(request(1_000n, key)));
        const carol = Emulator.identity('carol');
        ok(await w.callerActor.authorize(carol, true));
        const { idlFactory } = await import('../../src/declarations/caller/caller.did.js');
        const asCarol = w.em.createActor<import('./world').Caller>(idlFactory, w.caller, { sender: carol });
        // Another amount, even: it is another key, not a reuse of mine.
        const hers = ok(await asCarol.transfer(request(2_000n, key)));
        expect(hers.id).not.toBe(mine.id);
        expect(hers.requested_by).toEqual(carol);
        expect(ok(await asCarol.transfer(request(2_000n, key))).id).toBe(hers.id);
        expect(ok(await w.callerActor.transfer(request(1_000n, key))).id).toBe(mine.id);
        expect(await allTransfers(w)).toHaveLength(2);
    });
});

describe('one operation, one driver', () => {
    it('concurrent requests with the same client key make one operation and one block', async () => {
        const w = await deployLedgerWorld();
        ok(await w.ledgerActor.set_faults({ commit_then_delay_rounds: 3, fail_before_commit: 0 }));
        const key = new Uint8Array([9, 9, 9]);
        const a = w.later.transfer(request(4_000n, key));
        const b = w.later.transfer(request(4_000n, key));
        await a.wait(100);
        await b.wait(100);
        expect(ok(a.result()).id).toBe(ok(b.result()).id);
        await settleTransfers(w);
        expect(await allTransfers(w)).toHaveLength(1);
        await expectCommittedOnce(w, ok(a.result()).id, 4_000n);
        // Only one attempt was made although two requests asked for it at the same time.
        expect((await w.callerActor.get_transfer(0n))[0]?.ledger_calls).toBe(1);
    });
});

describe('past the deduplication window', () => {
    // With archives: the blocks before ours, and ours too, have moved to an archive canister, and
    // every call returns 2 blocks, as real ICRC-3 ledgers serve their logs.
    it.each([
        ['committed before the caller lost track', true, 'Committed', false],
        ['never executed', false, 'Failed', false],
        ['committed, found on an archive canister read 2 blocks a call', true, 'Committed', true],
        ['never executed, with an archive canister and 2 blocks a call', false, 'Failed', true]
    ])('a lookup in the block log settles a transfer %s', async (_label, commits, expected, archived) => {
        const w = await deployLedgerWorld({ timeoutSeconds: 5 });
        for (const amount of [100n, 200n]) ok(await w.callerActor.transfer(request(amount))); // blocks 1 and 2
        if (commits) ok(await w.ledgerActor.set_faults({ commit_then_delay_rounds: 10, fail_before_commit: 0 }));
        else w.em.faults.dropBestEffort('request', { match: (m) => m.method === 'icrc1_transfer', limit: 1 });
        const first = ok(await w.callerActor.transfer(request(3_000n)));
        expect(first.state).toHaveProperty('Retrying');
        await w.em.stopCanister({ canisterId: w.caller, maxRounds: 20 }); // the caller is down for a day
        ok(await w.ledgerActor.set_faults({ commit_then_delay_rounds: 0, fail_before_commit: 0 }));
        await w.em.advanceTime((24 * 3600 + 300) * 1_000);
        let archive: Principal | undefined;
        if (archived) {
            archive = await deployArchive(w);
            const { log_length } = await w.ledgerActor.icrc3_get_blocks([]);
            ok(await w.ledgerActor.archive_blocks(archive, log_length));
            ok(await w.ledgerActor.set_block_log({ max_blocks_per_request: 2 }));
        }
        await w.em.startCanister({ canisterId: w.caller });
        await settleTransfers(w);
        const [op] = await w.callerActor.get_transfer(first.id);
        expect(op === undefined ? undefined : stateOf(op)).toBe(expected);
        expect(op?.log.join('\n')).toMatch(/TooOld, looking the transfer up/);
        const ours = await blocksFor(w, op as TransferOp);
        expect(ours).toHaveLength(commits ? 1 : 0);
        // The lookup starts where the log stood before the first attempt (blocks 0-2 are the
        // caller's earlier mint and transfers): it never reads below.
        expect(op?.search_from).toBe(3n);
        const reads = w.em.trace().filter((t) => t.from === w.caller.toText() && t.method === 'icrc3_get_blocks');
        expect(reads.length).toBeGreaterThan(0);
        if (archive !== undefined && commits) {
            // The caller read the log where it lives: the ledger pointed to the archive canister.
            expect(reads.some((t) => t.to === archive?.toText())).toBe(true);
        }
    });
});

describe('the guaranteed-response variant, for comparison', () => {
    it('waits as long as the ledger takes and needs no retry', async () => {
        const w = await deployLedgerWorld();
        ok(await w.ledgerActor.set_faults({ commit_then_delay_rounds: 30, fail_before_commit: 0 }));
        const op = ok(await w.callerActor.transfer_unbounded(request(6_000n)));
        expect(op).toMatchObject({ attempts: 1, state: { Committed: {} } });
        expect(op.model).toEqual({ Unbounded: null });
    });

    it('a ledger trap is final: Failed, nothing moved', async () => {
        const w = await deployLedgerWorld();
        ok(await w.ledgerActor.set_faults({ commit_then_delay_rounds: 0, fail_before_commit: 1 }));
        const op = ok(await w.callerActor.transfer_unbounded(request(6_000n)));
        expect(stateOf(op)).toBe('Failed');
        expect(await w.ledgerActor.icrc1_balance_of(account(bob))).toBe(0n);
    });
});

describe('the ledger itself', () => {
    it('keeps balances, blocks and its deduplication index across an upgrade', async () => {
        const w = await deployLedgerWorld();
        const op = ok(await w.callerActor.transfer(request(12_345n)));
        const blocksBefore = await ledgerBlocks(w);
        const { wasm } = await import('./world');
        await w.em.stopCanister({ canisterId: w.ledger });
        await w.em.upgradeCanister({ canisterId: w.ledger, wasm: wasm.ledger() });
        await w.em.startCanister({ canisterId: w.ledger });
        expect(await ledgerBlocks(w)).toEqual(blocksBefore);
        expect(await w.ledgerActor.icrc1_balance_of(account(bob))).toBe(12_345n);
        expect(await w.ledgerActor.icrc1_total_supply()).toBe(MINTED - FEE);
        // A retry of the same transfer after the upgrade is still recognised as a duplicate.
        const replay = await w.em.createActor<import('./world').Ledger>(
            (await import('../../src/declarations/ledger_mock/ledger_mock.did.js')).idlFactory,
            w.ledger,
            { sender: w.caller }
        ).icrc1_transfer({ from_subaccount: [], to: account(bob), amount: 12_345n, fee: [], memo: [op.memo], created_at_time: [op.created_at_time] });
        expect(replay).toEqual({ Err: { Duplicate: { duplicate_of: (op.state as { Committed: { block: bigint } }).Committed.block } } });
    });

    it('only its controllers may mint, set faults or change how blocks are served', async () => {
        const w = await deployLedgerWorld();
        const { idlFactory } = await import('../../src/declarations/ledger_mock/ledger_mock.did.js');
        const mallory = w.em.createActor<import('./world').Ledger>(idlFactory, w.ledger, { sender: Emulator.identity('mallory') });
        const controllersOnly = (method: string) => ({ Err: { NotAuthorized: { method, rule: 'only a controller of this canister may call it' } } });
        expect(await mallory.mint(account(Emulator.identity('mallory')), 1n)).toEqual(controllersOnly('mint'));
        expect(await mallory.set_faults({ commit_then_delay_rounds: 9, fail_before_commit: 9 })).toEqual(controllersOnly('set_faults'));
        expect(await mallory.set_block_log({ max_blocks_per_request: 1 })).toEqual(controllersOnly('set_block_log'));
        expect(await w.ledgerActor.set_block_log({ max_blocks_per_request: 0 })).toEqual({
            Err: { InvalidArgument: { field: 'max_blocks_per_request', reason: '1 to 250, got 0' } }
        });
        expect((await w.ledgerActor.icrc3_get_blocks([{ start: 0n, length: 10n }])).archived_blocks).toEqual([]);
        expect(await w.ledgerActor.icrc1_total_supply()).toBe(MINTED);
        expect(ok(await w.callerActor.transfer(request(1n))).state).toHaveProperty('Committed'); // no fault was set
    });
});
