/**
 * The System API's own rules: a function called outside the contexts the spec lists for it traps;
 * a module importing a function the subnet's profile lacks cannot be installed; bad input to the
 * emulator is a clear error that changes nothing.
 */
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';

import { CallRejectedError, Emulator, EmulatorError, RejectCode } from '../src/index.js';
import { wat } from '../src/testing/index.js';
import { module, replyInInitModule, wrongContextModule } from './canisters.js';
import { EMPTY } from './setup.js';

describe('calling the System API from the wrong context traps', () => {
    it.each([
        ['reject_code_in_update', /msg_reject_code" cannot be executed in update mode/],
        ['refunded_in_update', /msg_cycles_refunded128" cannot be executed in update mode/],
        ['accept_message_in_update', /accept_message" cannot be executed in update mode/],
        ['reply_twice', /already been replied/],
        ['perform_without_new', /no call is under construction/]
    ])('%s', async (method, message) => {
        const em = await Emulator.create();
        const id = await em.setupCanister({ wasm: wrongContextModule() });
        await expect(em.updateCall(id, method, EMPTY)).rejects.toThrow(message);
        await expect(em.updateCall(id, 'ok', EMPTY)).resolves.toEqual(new Uint8Array());
    });

    it('debug_print never traps, even for a range outside the heap', async () => {
        const em = await Emulator.create();
        const id = await em.setupCanister({ wasm: wrongContextModule() });
        await expect(em.updateCall(id, 'print_out_of_range', EMPTY)).resolves.toEqual(new Uint8Array());
        expect(em.logs(id).at(-1)).toMatch(/outside the heap/);
    });

    // Spec: both are marked "* s", callable from the wasm start function as well.
    it('the start function may print and ask whether it runs replicated', async () => {
        const em = await Emulator.create();
        const id = await em.createCanister();
        const wasm = wat(`(module
          (import "ic0" "debug_print" (func $print (param i32 i32)))
          (import "ic0" "in_replicated_execution" (func $replicated (result i32)))
          (import "ic0" "msg_reply" (func $reply))
          (import "ic0" "msg_reply_data_append" (func $append (param i32 i32)))
          (memory 1)
          (data (i32.const 0) "starting")
          (global $seen (mut i32) (i32.const -1))
          (func $start (call $print (i32.const 0) (i32.const 8)) (global.set $seen (call $replicated)))
          (start $start)
          (func (export "canister_query seen")
            (i32.store (i32.const 100) (global.get $seen))
            (call $append (i32.const 100) (i32.const 4))
            (call $reply)))`);
        await em.installCode({ canisterId: id, wasm });
        expect(em.logs(id)).toContain('starting');
        expect(await em.queryCall(id, 'seen', EMPTY)).toEqual(new Uint8Array([1, 0, 0, 0]));
    });

    it('a start function that traps fails the install and leaves the canister empty', async () => {
        const em = await Emulator.create();
        const id = await em.createCanister();
        const wasm = wat(`(module (memory 1) (func $start unreachable) (start $start) (func (export "canister_update ok")))`);
        await expect(em.installCode({ canisterId: id, wasm })).rejects.toMatchObject({ rejectCode: RejectCode.CanisterError });
        expect((await em.canisterStatus({ canisterId: id })).moduleHash).toBeUndefined();
    });

    it('call_new in a query', async () => {
        const em = await Emulator.create();
        const id = await em.setupCanister({ wasm: wrongContextModule() });
        await expect(em.queryCall(id, 'call_in_query', EMPTY)).rejects.toThrow(/call_new" cannot be executed in non-replicated query mode/);
    });

    it('msg_reply in canister_init: the install fails and the canister stays empty', async () => {
        const em = await Emulator.create();
        const id = await em.createCanister();
        await expect(em.installCode({ canisterId: id, wasm: replyInInitModule() })).rejects.toThrow(/msg_reply" cannot be executed in init mode/);
        expect((await em.canisterStatus({ canisterId: id })).moduleHash).toBeUndefined();
    });
});

describe('System API profiles', () => {
    const usesCostCall = wat(`(module
      (import "ic0" "cost_call" (func (param i64 i64 i32)))
      (memory 1)
      (func (export "canister_update ok")))`);

    it('the dfx 0.24.1-beta.1 profile refuses a module importing ic0.cost_call, as that replica would', async () => {
        const em = await Emulator.create({ profile: 'dfx-0.24.1-beta.1' });
        const id = await em.createCanister();
        await expect(em.installCode({ canisterId: id, wasm: usesCostCall })).rejects.toThrow(
            /imports function 'cost_call' from 'ic0' that is not exported by the runtime/
        );
        expect((await em.canisterStatus({ canisterId: id })).moduleHash).toBeUndefined();
    });

    it('the current profile accepts it', async () => {
        const em = await Emulator.create();
        const id = await em.createCanister();
        await em.installCode({ canisterId: id, wasm: usesCostCall });
        expect((await em.canisterStatus({ canisterId: id })).moduleHash).toBeDefined();
    });

    it('a module importing outside ic0 is refused', async () => {
        const em = await Emulator.create();
        const id = await em.createCanister();
        const wasm = wat(`(module (import "env" "f" (func)) (memory 1))`);
        await expect(em.installCode({ canisterId: id, wasm })).rejects.toThrow(/'f' from 'env'/);
    });
});

describe('the management canister', () => {
    // Spec: raw_rand and deposit_cycles "cannot be called by external users via ingress messages".
    it.each(['raw_rand', 'deposit_cycles'])('refuses %s from ingress', async (method) => {
        const em = await Emulator.create();
        const id = await em.createCanister();
        const arg = method === 'raw_rand' ? IDL.encode([], []) : IDL.encode([IDL.Record({ canister_id: IDL.Principal })], [{ canister_id: id }]);
        await expect(em.updateCall(Principal.fromText('aaaaa-aa'), method, new Uint8Array(arg))).rejects.toMatchObject({
            rejectCode: RejectCode.CanisterReject,
            message: expect.stringMatching(`Only canisters can call ic00 method ${method}`)
        });
    });
});

describe('bad input to the emulator', () => {
    it('malformed wasm is an EmulatorError and installs nothing', async () => {
        const em = await Emulator.create();
        const id = await em.createCanister();
        await expect(em.installCode({ canisterId: id, wasm: new Uint8Array([1, 2, 3]) })).rejects.toBeInstanceOf(EmulatorError);
        expect((await em.canisterStatus({ canisterId: id })).moduleHash).toBeUndefined();
    });

    it('an unknown canister is an EmulatorError', async () => {
        const em = await Emulator.create();
        const ghost = Principal.fromText('rrkah-fqaaa-aaaaa-aaaaq-cai');
        expect(() => em.submit(ghost, 'x', EMPTY)).toThrow(EmulatorError);
        await expect(em.upgradeCanister({ canisterId: ghost, wasm: module('') })).rejects.toBeInstanceOf(EmulatorError);
        expect(() => em.createActor(() => IDL.Service({}), ghost)).toThrow(/no canister rrkah/);
    });

    it('Candid the management canister cannot decode is a reject that changes nothing', async () => {
        const em = await Emulator.create();
        const before = em.subnet.canisters.size;
        const reply = em.submit(Principal.fromText('aaaaa-aa'), 'create_canister', new Uint8Array([1, 2, 3]));
        await expect(reply.wait(2)).rejects.toBeInstanceOf(CallRejectedError);
        await expect(reply.wait(2)).rejects.toMatchObject({ rejectCode: RejectCode.CanisterReject });
        expect(em.subnet.canisters.size).toBe(before);
    });

    it('an unknown System API profile is refused', async () => {
        await expect(Emulator.create({ profile: 'nope' as 'current' })).rejects.toThrow(/unknown System API profile/);
    });
});
