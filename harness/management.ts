/**
 * The management canister (aaaaa-aa) over HTTP, with an agent: what the harness needs to take
 * control of deployed canisters and run the walkthrough (add a controller, stop, start, status,
 * install and upgrade through the chunk store) and to deploy on networks that allow provisional
 * creation (the served emulator, dfx and icp-cli local networks).
 */
import { createHash } from 'node:crypto';

import { Actor, ActorConfig, ActorSubclass, HttpAgent } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';

const Settings = IDL.Record({ controllers: IDL.Opt(IDL.Vec(IDL.Principal)) });
const CanisterId = IDL.Record({ canister_id: IDL.Principal });
const Mode = IDL.Variant({ install: IDL.Null, reinstall: IDL.Null, upgrade: IDL.Opt(IDL.Record({ skip_pre_upgrade: IDL.Opt(IDL.Bool) })) });
type Mode = { install: null } | { reinstall: null } | { upgrade: [] };
const ChunkHash = IDL.Record({ hash: IDL.Vec(IDL.Nat8) });
/** The part of canister_status the harness reads (Candid decoding skips the rest of the record). */
const Status = IDL.Record({
    status: IDL.Variant({ running: IDL.Null, stopping: IDL.Null, stopped: IDL.Null }),
    settings: IDL.Record({ controllers: IDL.Vec(IDL.Principal) }),
    module_hash: IDL.Opt(IDL.Vec(IDL.Nat8)),
    cycles: IDL.Nat
});
type Status = { status: { running: null } | { stopping: null } | { stopped: null }; settings: { controllers: Principal[] }; module_hash: [] | [Uint8Array]; cycles: bigint };

interface Ic00 {
    provisional_create_canister_with_cycles(arg: { amount: [] | [bigint]; settings: [] | [{ controllers: [] | [Principal[]] }] }): Promise<{ canister_id: Principal }>;
    update_settings(arg: { canister_id: Principal; settings: { controllers: [] | [Principal[]] } }): Promise<void>;
    canister_status(arg: { canister_id: Principal }): Promise<Status>;
    stop_canister(arg: { canister_id: Principal }): Promise<void>;
    start_canister(arg: { canister_id: Principal }): Promise<void>;
    clear_chunk_store(arg: { canister_id: Principal }): Promise<void>;
    upload_chunk(arg: { canister_id: Principal; chunk: Uint8Array }): Promise<{ hash: Uint8Array }>;
    install_chunked_code(arg: {
        mode: Mode;
        target_canister: Principal;
        store_canister: [];
        chunk_hashes_list: { hash: Uint8Array }[];
        wasm_module_hash: Uint8Array;
        arg: Uint8Array;
    }): Promise<void>;
}

const ic00Idl: IDL.InterfaceFactory = ({ IDL: I }) =>
    I.Service({
        provisional_create_canister_with_cycles: I.Func([I.Record({ amount: I.Opt(I.Nat), settings: I.Opt(Settings) })], [CanisterId], []),
        update_settings: I.Func([I.Record({ canister_id: I.Principal, settings: Settings })], [], []),
        canister_status: I.Func([CanisterId], [Status], []),
        stop_canister: I.Func([CanisterId], [], []),
        start_canister: I.Func([CanisterId], [], []),
        clear_chunk_store: I.Func([CanisterId], [], []),
        upload_chunk: I.Func([I.Record({ canister_id: I.Principal, chunk: I.Vec(I.Nat8) })], [ChunkHash], []),
        install_chunked_code: I.Func(
            [
                I.Record({
                    mode: Mode,
                    target_canister: I.Principal,
                    store_canister: I.Opt(I.Principal),
                    chunk_hashes_list: I.Vec(ChunkHash),
                    wasm_module_hash: I.Vec(I.Nat8),
                    arg: I.Vec(I.Nat8)
                })
            ],
            [],
            []
        )
    });

/** Chunks of 1 MiB, the chunk store's chunk limit (spec: upload_chunk), as icp-cli uploads them. */
const CHUNK_BYTES = 1024 * 1024;

export type CanisterState = 'running' | 'stopping' | 'stopped';

export class ManagementCanister {
    constructor(
        private readonly agent: HttpAgent,
        /** Extra actor options (polling, BLS verification) for every call. */
        private readonly config: Partial<ActorConfig> = {}
    ) {}

    /** The management canister's actor for calls about `canister` (its effective canister id). */
    private ic00(canister: Principal): ActorSubclass<Ic00> {
        return Actor.createActor<Ic00>(ic00Idl, { ...this.config, agent: this.agent, canisterId: Principal.managementCanister(), effectiveCanisterId: canister });
    }

    /**
     * Creates an empty canister with `cycles` (provisional_create_canister_with_cycles: local
     * networks allow it to everyone, mainnet to no one). `near` is any principal on the subnet.
     */
    async createCanister(cycles: bigint, near: Principal): Promise<Principal> {
        return (await this.ic00(near).provisional_create_canister_with_cycles({ amount: [cycles], settings: [] })).canister_id;
    }

    async controllers(canister: Principal): Promise<Principal[]> {
        return (await this.ic00(canister).canister_status({ canister_id: canister })).settings.controllers;
    }

    /** Adds `controller` to the canister's controllers (the caller must be one). */
    async addController(canister: Principal, controller: Principal): Promise<void> {
        const current = await this.controllers(canister);
        if (current.some((c) => c.compareTo(controller) === 'eq')) return;
        await this.ic00(canister).update_settings({ canister_id: canister, settings: { controllers: [[...current, controller]] } });
    }

    async removeController(canister: Principal, controller: Principal): Promise<void> {
        const current = await this.controllers(canister);
        const kept = current.filter((c) => c.compareTo(controller) !== 'eq');
        if (kept.length === current.length) return;
        await this.ic00(canister).update_settings({ canister_id: canister, settings: { controllers: [kept] } });
    }

    async status(canister: Principal): Promise<CanisterState> {
        const s = (await this.ic00(canister).canister_status({ canister_id: canister })).status;
        return Object.keys(s)[0] as CanisterState;
    }

    /** The canister's cycle balance, as canister_status reports it. */
    async cycles(canister: Principal): Promise<bigint> {
        return (await this.ic00(canister).canister_status({ canister_id: canister })).cycles;
    }

    /** Asks the canister to stop; resolves when it is Stopped, rejects when the system gives the request up. */
    stop(canister: Principal): Promise<void> {
        return this.ic00(canister).stop_canister({ canister_id: canister });
    }

    start(canister: Principal): Promise<void> {
        return this.ic00(canister).start_canister({ canister_id: canister });
    }

    /** Installs `wasm` in `mode` through the canister's chunk store (any size), then empties the store. */
    async install(canister: Principal, wasm: Uint8Array, mode: 'install' | 'reinstall' | 'upgrade', arg = new Uint8Array(IDL.encode([], []))): Promise<void> {
        const ic00 = this.ic00(canister);
        await ic00.clear_chunk_store({ canister_id: canister });
        const hashes: { hash: Uint8Array }[] = [];
        for (let at = 0; at < wasm.length; at += CHUNK_BYTES) {
            hashes.push(await ic00.upload_chunk({ canister_id: canister, chunk: wasm.subarray(at, at + CHUNK_BYTES) }));
        }
        await ic00.install_chunked_code({
            mode: mode === 'install' ? { install: null } : mode === 'reinstall' ? { reinstall: null } : { upgrade: [] },
            target_canister: canister,
            store_canister: [],
            chunk_hashes_list: hashes,
            wasm_module_hash: new Uint8Array(createHash('sha256').update(wasm).digest()),
            arg
        });
        await ic00.clear_chunk_store({ canister_id: canister });
    }
}
