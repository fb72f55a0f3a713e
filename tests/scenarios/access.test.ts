/**
 * Who may call what. Every public method of the three canisters, called by a stranger (an
 * identity that controls nothing and is authorized for nothing), and with arguments that are
 * not Candid or are out of range: a refusal is a typed Err (or the documented reject) and leaves
 * the canister's state as it was. The tables must name every method of each Candid service, so
 * a new method cannot arrive without a rule.
 */
import type { ActorSubclass } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';

import { CallRejectedError, Emulator } from '@response-models/emulator';
import { idlFactory as callerIdl } from '../../src/declarations/caller/caller.did.js';
import { idlFactory as ledgerIdl } from '../../src/declarations/ledger_mock/ledger_mock.did.js';
import { idlFactory as calleeIdl } from '../../src/declarations/untrusted_callee/untrusted_callee.did.js';
import { account, Callee, Caller, CALLER_CYCLES, Ledger, ok, wasm } from './world';

const STRANGER = Emulator.identity('stranger');
const CONTROLLERS_ONLY = 'only a controller of this canister may call it';
const UNBOUNDED_RULE = 'only a controller may ask for an unbounded-wait call, and only to a callee the controllers trust (trust_callee)';
const NONE = new Uint8Array();
const BOUNDED = { Bounded: { timeout_seconds: 10n } };
const UNBOUNDED = { Unbounded: null };
const MAX_U64 = 2n ** 64n - 1n;

type Rule = 'anyone' | 'controllers' | 'controllers and authorized principals';

interface MethodCase<A> {
    rule: Rule;
    /** What a stranger's call with valid arguments returns; the check states what it must be. */
    asStranger: (actor: ActorSubclass<A>) => Promise<unknown>;
    check?: (result: unknown) => void;
}

interface Deployed {
    em: Emulator;
    caller: Principal;
    callee: Principal;
    ledger: Principal;
    as: <A>(idl: IDL.InterfaceFactory, id: Principal, sender?: Principal) => ActorSubclass<A>;
}

async function deploy(): Promise<Deployed> {
    const em = await Emulator.create({ roundStepMs: 1_000 });
    const ledger = await em.setupCanister({ wasm: wasm.ledger() });
    const callee = await em.setupCanister({ wasm: wasm.callee() });
    const caller = await em.setupCanister({ wasm: wasm.caller(), cycles: CALLER_CYCLES });
    await em.runUntilIdle();
    const as = <A>(idl: IDL.InterfaceFactory, id: Principal, sender?: Principal) => em.createActor<A>(idl, id, { sender });
    const callerActor = as<Caller>(callerIdl, caller);
    ok(await as<Ledger>(ledgerIdl, ledger).mint(account(caller), 1_000_000_000n));
    ok(await callerActor.set_transfer_settings({ ledger: [ledger], timeout_seconds: 10, max_attempts: 5 }));
    ok(await callerActor.transfer({ to: account(STRANGER), amount: 1_000n, client_key: [] })); // transfer 0 exists
    return { em, caller, callee, ledger, as };
}

/** What a refusal must leave as it was: stable memory (everything that survives an upgrade) and balances. */
async function stateOf(d: Deployed, id: Principal): Promise<unknown> {
    return { stable: d.em.stableMemoryDigest(id), cycles: d.em.getCycleBalance(id) };
}

function methodsOf(idl: IDL.InterfaceFactory): string[] {
    return (idl({ IDL }) as IDL.ServiceClass)._fields.map(([name]) => name).sort();
}

const refusedAs = (method: string, rule: string) => (result: unknown) => expect(result).toEqual({ Err: { NotAuthorized: { method, rule } } });

const callerCases = (d: Deployed): Record<string, MethodCase<Caller>> => ({
    transfer: {
        rule: 'controllers and authorized principals',
        asStranger: (a) => a.transfer({ to: account(STRANGER), amount: 1n, client_key: [] }),
        check: refusedAs('transfer', 'only controllers and the principals they authorize may start transfers')
    },
    transfer_unbounded: {
        rule: 'controllers and authorized principals',
        asStranger: (a) => a.transfer_unbounded({ to: account(STRANGER), amount: 1n, client_key: [] }),
        check: refusedAs('transfer_unbounded', 'only controllers and the principals they authorize may start transfers')
    },
    retry_transfer: { rule: 'controllers', asStranger: (a) => a.retry_transfer(0n), check: refusedAs('retry_transfer', CONTROLLERS_ONLY) },
    set_transfer_settings: {
        rule: 'controllers',
        asStranger: (a) => a.set_transfer_settings({ ledger: [d.callee], timeout_seconds: 1, max_attempts: 1 }),
        check: refusedAs('set_transfer_settings', CONTROLLERS_ONLY)
    },
    authorize: { rule: 'controllers', asStranger: (a) => a.authorize(STRANGER, true), check: refusedAs('authorize', CONTROLLERS_ONLY) },
    trust_callee: { rule: 'controllers', asStranger: (a) => a.trust_callee(d.callee, true), check: refusedAs('trust_callee', CONTROLLERS_ONLY) },
    call_raw: {
        rule: 'controllers',
        asStranger: (a) => a.call_raw(d.callee, 'echo', new Uint8Array(IDL.encode([IDL.Text], ['x'])), { Bounded: { timeout_seconds: 10 } }),
        check: refusedAs('call_raw', CONTROLLERS_ONLY)
    },
    fan_out: {
        rule: 'controllers',
        asStranger: (a) => a.fan_out({ callees: [d.callee], calls: 1, wait: BOUNDED }),
        check: refusedAs('fan_out', CONTROLLERS_ONLY)
    },
    call_callee: {
        rule: 'anyone',
        asStranger: async (a) => [
            await a.call_callee(d.callee, { Echo: null }, NONE, BOUNDED, 0n),
            await a.call_callee(d.callee, { Echo: null }, NONE, UNBOUNDED, 0n),
            await a.call_callee(d.callee, { Echo: null }, NONE, BOUNDED, 1n)
        ],
        check: (r) =>
            expect(r).toEqual([
                { Ok: expect.objectContaining({ outcome: expect.objectContaining({ Replied: expect.anything() }) }) },
                { Err: { UnboundedWaitNotAllowed: { callee: d.callee, rule: UNBOUNDED_RULE } } },
                { Err: { NotAuthorized: { method: 'call_callee', rule: 'only a controller of this canister may attach cycles' } } }
            ])
    },
    call_work: {
        rule: 'anyone',
        asStranger: async (a) => [await a.call_work(d.callee, NONE, BOUNDED), await a.call_work(d.callee, NONE, UNBOUNDED)],
        check: (r) => expect(r).toEqual([{ Ok: expect.objectContaining({ method: 'work' }) }, { Err: { UnboundedWaitNotAllowed: { callee: d.callee, rule: UNBOUNDED_RULE } } }])
    },
    demonstrate_deadlines: {
        rule: 'anyone',
        asStranger: async (a) => [await a.demonstrate_deadlines(d.callee, true), await a.demonstrate_deadlines(d.callee, false)],
        check: (r) => expect(r).toEqual([{ Ok: expect.any(BigInt) }, { Err: { UnboundedWaitNotAllowed: { callee: d.callee, rule: UNBOUNDED_RULE } } }])
    },
    demonstrate_timeouts: { rule: 'anyone', asStranger: (a) => a.demonstrate_timeouts(d.callee), check: (r) => expect(r).toEqual({ Ok: true }) },
    echo_bounded: { rule: 'anyone', asStranger: (a) => a.echo_bounded(d.callee, 'hi', 10), check: (r) => expect(r).toEqual({ Ok: 'hi' }) },
    echo_unbounded: {
        rule: 'anyone',
        asStranger: (a) => a.echo_unbounded(d.callee, 'hi'),
        check: (r) => expect(r).toEqual({ Err: { UnboundedWaitNotAllowed: { callee: d.callee, rule: UNBOUNDED_RULE } } })
    },
    ping: { rule: 'anyone', asStranger: (a) => a.ping(), check: (r) => expect(r).toBe(1n) },
    get_transfer: { rule: 'anyone', asStranger: (a) => a.get_transfer(0n), check: (r) => expect(r).toHaveLength(1) },
    unresolved_transfers: { rule: 'anyone', asStranger: (a) => a.unresolved_transfers() },
    transfers_page: { rule: 'anyone', asStranger: (a) => a.transfers_page(0n, 1_000), check: (r) => expect(r).toHaveLength(1) },
    transfer_settings: { rule: 'anyone', asStranger: (a) => a.transfer_settings() },
    trusted_callees: { rule: 'anyone', asStranger: (a) => a.trusted_callees(), check: (r) => expect(r).toEqual([]) },
    history_page: { rule: 'anyone', asStranger: (a) => a.history_page(0n, 1_000) },
    stats: { rule: 'anyone', asStranger: (a) => a.stats() }
});

const calleeCases = (): Record<string, MethodCase<Callee>> => ({
    release: { rule: 'controllers', asStranger: (a) => a.release(), check: refusedAs('release', CONTROLLERS_ONLY) },
    configure: {
        rule: 'controllers',
        asStranger: (a) => a.configure({ behaviour: { Hang: { max_rounds: [] } }, max_hang_rounds: 1, max_waiting: 1 }),
        check: refusedAs('configure', CONTROLLERS_ONLY)
    },
    behave: { rule: 'anyone', asStranger: (a) => a.behave({ Echo: null }, new Uint8Array([7])), check: (r) => expect(r).toMatchObject({ payload: new Uint8Array([7]) }) },
    work: { rule: 'anyone', asStranger: (a) => a.work(NONE), check: (r) => expect(r).toMatchObject({ waited_rounds: 0 }) },
    echo: { rule: 'anyone', asStranger: (a) => a.echo('hi'), check: (r) => expect(r).toBe('hi') },
    deadline: { rule: 'anyone', asStranger: (a) => a.deadline(), check: (r) => expect(r).toBe(0n) },
    configuration: { rule: 'anyone', asStranger: (a) => a.configuration() },
    stats: { rule: 'anyone', asStranger: (a) => a.stats() }
});

const ledgerCases = (d: Deployed): Record<string, MethodCase<Ledger>> => ({
    mint: { rule: 'controllers', asStranger: (a) => a.mint(account(STRANGER), 1n), check: refusedAs('mint', CONTROLLERS_ONLY) },
    set_faults: {
        rule: 'controllers',
        asStranger: (a) => a.set_faults({ commit_then_delay_rounds: 9, fail_before_commit: 9 }),
        check: refusedAs('set_faults', CONTROLLERS_ONLY)
    },
    set_block_log: {
        rule: 'controllers',
        asStranger: (a) => a.set_block_log({ max_blocks_per_request: 1 }),
        check: refusedAs('set_block_log', CONTROLLERS_ONLY)
    },
    generate_blocks: { rule: 'controllers', asStranger: (a) => a.generate_blocks(5), check: refusedAs('generate_blocks', CONTROLLERS_ONLY) },
    archive_blocks: { rule: 'controllers', asStranger: (a) => a.archive_blocks(d.callee, 1n), check: refusedAs('archive_blocks', CONTROLLERS_ONLY) },
    append_blocks: {
        rule: 'controllers',
        asStranger: (a) => a.append_blocks({ blocks: [{ id: 0n, block: { Nat: 1n } }], runs: [] }),
        check: refusedAs('append_blocks', CONTROLLERS_ONLY)
    },
    icrc1_transfer: {
        rule: 'anyone',
        // The stranger received 1,000 from transfer 0, less than amount + fee: a typed ICRC-1 error.
        asStranger: (a) => a.icrc1_transfer({ from_subaccount: [], to: account(d.caller), amount: 1_000n, fee: [], memo: [], created_at_time: [] }),
        check: (r) => expect(r).toEqual({ Err: { InsufficientFunds: { balance: 1_000n } } })
    },
    icrc1_balance_of: { rule: 'anyone', asStranger: (a) => a.icrc1_balance_of(account(STRANGER)), check: (r) => expect(r).toBe(1_000n) },
    icrc1_total_supply: { rule: 'anyone', asStranger: (a) => a.icrc1_total_supply() },
    icrc1_fee: { rule: 'anyone', asStranger: (a) => a.icrc1_fee() },
    icrc1_name: { rule: 'anyone', asStranger: (a) => a.icrc1_name() },
    icrc1_symbol: { rule: 'anyone', asStranger: (a) => a.icrc1_symbol() },
    icrc1_decimals: { rule: 'anyone', asStranger: (a) => a.icrc1_decimals() },
    icrc1_minting_account: { rule: 'anyone', asStranger: (a) => a.icrc1_minting_account() },
    icrc1_metadata: { rule: 'anyone', asStranger: (a) => a.icrc1_metadata() },
    icrc1_supported_standards: { rule: 'anyone', asStranger: (a) => a.icrc1_supported_standards() },
    icrc3_get_blocks: { rule: 'anyone', asStranger: (a) => a.icrc3_get_blocks([{ start: 0n, length: 10n }]) },
    find_transfer: {
        rule: 'anyone',
        asStranger: (a) =>
            a.find_transfer({ from: account(d.caller), arg: { from_subaccount: [], to: account(STRANGER), amount: 1n, fee: [], memo: [], created_at_time: [] } })
    }
});

describe('every public method, called by a stranger', () => {
    let d: Deployed;
    beforeAll(async () => {
        d = await deploy();
    });

    const suites: [string, IDL.InterfaceFactory, (d: Deployed) => Principal, (d: Deployed) => Record<string, MethodCase<never>>][] = [
        ['caller', callerIdl, (x) => x.caller, callerCases as never],
        ['untrusted_callee', calleeIdl, (x) => x.callee, calleeCases as never],
        ['ledger_mock', ledgerIdl, (x) => x.ledger, ledgerCases as never]
    ];

    it.each(suites)('%s: the table states a rule for every method of its Candid service', (_name, idl, _id, cases) => {
        expect(Object.keys(cases({} as Deployed)).sort()).toEqual(methodsOf(idl));
    });

    it.each(suites)('%s: controllers-only methods answer NotAuthorized and change nothing; the others serve anyone', async (_name, idl, idOf, cases) => {
        const id = idOf(d);
        const stranger = d.as<never>(idl, id, STRANGER);
        for (const [method, c] of Object.entries(cases(d))) {
            const before = await stateOf(d, id);
            const result = await c.asStranger(stranger);
            c.check?.(result);
            if (c.rule !== 'anyone') expect({ method, state: await stateOf(d, id) }).toEqual({ method, state: before });
        }
    });
});

describe('arguments that are not Candid', () => {
    const GARBAGE = new Uint8Array([0x44, 0x49, 0x44, 0x4c, 0x00, 0x01, 0x71, 0x09, 0x41]); // DIDL, a text of 9 bytes that has 1

    it.each([
        ['caller', callerIdl, (x: Deployed) => x.caller],
        ['untrusted_callee', calleeIdl, (x: Deployed) => x.callee],
        ['ledger_mock', ledgerIdl, (x: Deployed) => x.ledger]
    ])('%s: every method that takes arguments rejects them with one line (no stack trace, no build path), changing nothing', async (_name, idl, idOf) => {
        const d = await deploy();
        const id = idOf(d);
        const service = idl({ IDL }) as IDL.ServiceClass;
        for (const [method, func] of service._fields) {
            if (func.argTypes.length === 0) continue;
            const before = await stateOf(d, id);
            const isQuery = func.annotations.includes('query');
            const call = isQuery ? d.em.queryCall(id, method, GARBAGE, { sender: STRANGER }) : d.em.updateCall(id, method, GARBAGE, { sender: STRANGER });
            const error = await call.then(
                () => undefined,
                (e: unknown) => e
            );
            expect({ method, error }).toEqual({ method, error: expect.any(CallRejectedError) });
            const message = (error as CallRejectedError).rejectMessage;
            expect({ method, code: (error as CallRejectedError).rejectCode }).toEqual({ method, code: 5 });
            expect(message).toMatch(/Failed to decode Candid bytes|Candid|decode/i);
            expect(message).not.toMatch(/\n\s+at |\/work\/|\.azle\/|main\.js/);
            expect({ method, state: await stateOf(d, id) }).toEqual({ method, state: before });
        }
    });
});

describe('arguments out of range get InvalidArgument and change nothing', () => {
    let d: Deployed;
    let caller: ActorSubclass<Caller>;
    let callee: ActorSubclass<Callee>;
    let ledger: ActorSubclass<Ledger>;
    beforeAll(async () => {
        d = await deploy();
        caller = d.as<Caller>(callerIdl, d.caller);
        callee = d.as<Callee>(calleeIdl, d.callee);
        ledger = d.as<Ledger>(ledgerIdl, d.ledger);
    });

    const invalid = (field: string, reason: string | RegExp) => ({
        Err: { InvalidArgument: { field, reason: typeof reason === 'string' ? reason : expect.stringMatching(reason) } }
    });

    it.each<[string, (d: Deployed) => Principal, () => Promise<unknown>, unknown]>([
        ['set_transfer_settings: max_attempts 0', (x) => x.caller, () => caller.set_transfer_settings({ ledger: [d.ledger], timeout_seconds: 10, max_attempts: 0 }), invalid('max_attempts', '1 to 1000, got 0')],
        ['set_transfer_settings: a ledger that is not a canister', (x) => x.caller, () => caller.set_transfer_settings({ ledger: [STRANGER], timeout_seconds: 10, max_attempts: 5 }), invalid('ledger', /is not a canister id$/)],
        ['authorize: the anonymous principal', (x) => x.caller, () => caller.authorize(Principal.anonymous(), true), invalid('principal', 'the anonymous principal would let everyone transfer')],
        ['trust_callee: a user principal', (x) => x.caller, () => caller.trust_callee(STRANGER, true), invalid('callee', /is not a canister id$/)],
        ['retry_transfer: no such id', (x) => x.caller, () => caller.retry_transfer(99n), invalid('id', 'no transfer has id 99')],
        ['call_callee: a timeout beyond u32', (x) => x.caller, () => caller.call_callee(d.callee, { Echo: null }, NONE, { Bounded: { timeout_seconds: 2n ** 32n } }, 0n), invalid('timeout_seconds', /^between 0 and 4294967295/)],
        ['call_callee: more cycles than the balance', (x) => x.caller, () => caller.call_callee(d.callee, { Echo: null }, NONE, BOUNDED, CALLER_CYCLES * 2n), invalid('cycles', /^cannot attach/)],
        ['fan_out: no callee', (x) => x.caller, () => caller.fan_out({ callees: [], calls: 1, wait: BOUNDED }), invalid('callees', '1 to 100, got 0')],
        ['fan_out: 2,001 calls', (x) => x.caller, () => caller.fan_out({ callees: [d.callee], calls: 2_001, wait: BOUNDED }), invalid('calls', '1 to 2000, got 2001')],
        ['call_raw: an empty method name', (x) => x.caller, () => caller.call_raw(d.callee, '', NONE, { Bounded: { timeout_seconds: 1 } }), invalid('method', 'must not be empty')],
        ['call_raw: a method name of 2,000 bytes', (x) => x.caller, () => caller.call_raw(d.callee, 'm'.repeat(2_000), NONE, { Bounded: { timeout_seconds: 1 } }), invalid('method', 'at most 1024 bytes, got 2000')],
        ['call_raw: a NUL in the method name', (x) => x.caller, () => caller.call_raw(d.callee, 'a\u0000b', NONE, { Bounded: { timeout_seconds: 1 } }), invalid('method', 'must not contain a NUL character')],
        ['transfer: a client key of 65 bytes', (x) => x.caller, () => caller.transfer({ to: account(STRANGER), amount: 1n, client_key: [new Uint8Array(65)] }), invalid('client_key', '1 to 64 bytes, got 65')],
        ['configure: max_hang_rounds 0', (x) => x.callee, () => callee.configure({ behaviour: { Echo: null }, max_hang_rounds: 0, max_waiting: 1 }), invalid('max_hang_rounds', '1 to 1000000, got 0')],
        ['configure: max_waiting 0', (x) => x.callee, () => callee.configure({ behaviour: { Echo: null }, max_hang_rounds: 1, max_waiting: 0 }), invalid('max_waiting', '1 to 100000, got 0')],
        ['mint: amount 0', (x) => x.ledger, () => ledger.mint(account(STRANGER), 0n), invalid('amount', 'must be greater than 0')],
        ['mint: a subaccount of 5 bytes', (x) => x.ledger, () => ledger.mint({ owner: STRANGER, subaccount: [new Uint8Array(5)] }, 1n), invalid('to.subaccount', 'a subaccount has 32 bytes, got 5')],
        ['mint: beyond the u64 supply', (x) => x.ledger, () => ledger.mint(account(STRANGER), MAX_U64), { Err: { SupplyLimitExceeded: { max_supply: MAX_U64, supply: 1_000_000_000n - 10_000n } } }],
        ['set_block_log: 0 blocks per request', (x) => x.ledger, () => ledger.set_block_log({ max_blocks_per_request: 0 }), invalid('max_blocks_per_request', '1 to 250, got 0')],
        ['generate_blocks: 0 blocks', (x) => x.ledger, () => ledger.generate_blocks(0), invalid('count', '1 to 1000000, got 0')],
        ['archive_blocks: nothing to archive', (x) => x.ledger, () => ledger.archive_blocks(d.callee, 0n), invalid('up_to', /^between 1 and the log length \d+, got 0$/)]
    ])('%s', async (_label, idOf, call, expected) => {
        const before = await stateOf(d, idOf(d));
        expect(await call()).toEqual(expected);
        expect(await stateOf(d, idOf(d))).toEqual(before);
    });

    it('set_transfer_settings: a timeout above 300 s is capped like every best-effort timeout, and the answer says so', async () => {
        expect(await caller.set_transfer_settings({ ledger: [d.ledger], timeout_seconds: 4_000_000_000, max_attempts: 5 })).toEqual({
            Ok: { ledger: [d.ledger], timeout_seconds: 300, max_attempts: 5 }
        });
        expect((await caller.transfer_settings()).timeout_seconds).toBe(300);
    });

    it('icrc1_transfer: an amount beyond u64 is InsufficientFunds, as on the real ledgers ("no one can have so many tokens")', async () => {
        const stranger = d.as<Ledger>(ledgerIdl, d.ledger, STRANGER);
        const before = await stateOf(d, d.ledger);
        expect(await stranger.icrc1_transfer({ from_subaccount: [], to: account(d.caller), amount: MAX_U64 + 1n, fee: [], memo: [], created_at_time: [] })).toEqual({
            Err: { InsufficientFunds: { balance: 1_000n } }
        });
        expect(await stateOf(d, d.ledger)).toEqual(before);
    });

    it('behave: a LargeReply above 2,000,000 bytes is rejected (CANISTER_REJECT), not trapped', async () => {
        const stranger = d.as<Callee>(calleeIdl, d.callee, STRANGER);
        await expect(stranger.behave({ LargeReply: 3_000_000 }, NONE)).rejects.toMatchObject({ rejectCode: 4, rejectMessage: 'LargeReply: at most 2000000 bytes, asked for 3000000' });
    });
});
