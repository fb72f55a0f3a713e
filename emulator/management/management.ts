import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';

import { EmulatorError, RejectCode } from '../errors';
import { execute, Outcome } from '../execution/executor';
import { ImportError } from '../system_api';
import { Canister } from '../subnet/canister';
import { Response } from '../subnet/messages';
import { compileModule } from '../subnet/module_cache';
import { StableMemory } from '../subnet/stable_memory';
import { completeStopIfDone } from '../subnet/scheduler';
import { ManagementHandler, Subnet } from '../subnet/subnet';
import {
    CanisterIdRecord,
    CanisterStatusResult,
    CreateCanisterArgs,
    InstallCodeArgs,
    ProvisionalCreateArgs,
    TopUpArgs,
    UpdateSettingsArgs
} from './candid';

type Respond = (response: Response, refund: bigint) => void;

class Rejection extends Error {
    constructor(
        readonly code: RejectCode,
        message: string
    ) {
        super(message);
    }
}

const reply = (types: IDL.Type[], values: unknown[]): Response => ({ reply: new Uint8Array(IDL.encode(types, values)) });
const EMPTY_REPLY = reply([], []);

function decode<T>(type: IDL.Type, arg: Uint8Array): T {
    try {
        return IDL.decode([type], arg)[0] as T;
    } catch (e) {
        throw new Rejection(RejectCode.CanisterReject, `Error decoding candid: ${(e as Error).message}`);
    }
}

/**
 * The management canister (aaaaa-aa), reached by ingress and by inter-canister calls alike:
 * canister creation, code installation, start/stop, status, deletion, raw_rand and cycles.
 */
export class Management implements ManagementHandler {
    handle(subnet: Subnet, caller: Principal, method: string, arg: Uint8Array, cycles: bigint, respond: Respond): void {
        try {
            this.dispatch(subnet, caller, method, arg, cycles, respond);
        } catch (e) {
            if (!(e instanceof Rejection)) throw e;
            respond({ reject: { code: e.code, message: e.message } }, cycles);
        }
    }

    private dispatch(subnet: Subnet, caller: Principal, method: string, arg: Uint8Array, cycles: bigint, respond: Respond): void {
        const done = (response: Response = EMPTY_REPLY) => respond(response, cycles);
        switch (method) {
            case 'create_canister': {
                const args = decode<CreateCanisterArgs>(CreateCanisterArgs, arg);
                const canister = subnet.createCanister(controllersOf(args.settings, caller), cycles);
                return respond(reply([CanisterIdRecord], [{ canister_id: canister.id }]), 0n);
            }
            case 'provisional_create_canister_with_cycles': {
                const args = decode<ProvisionalCreateArgs>(ProvisionalCreateArgs, arg);
                const amount = args.amount[0] ?? 100_000_000_000_000n;
                const canister = subnet.createCanister(controllersOf(args.settings, caller), amount);
                return done(reply([CanisterIdRecord], [{ canister_id: canister.id }]));
            }
            case 'install_code': {
                const args = decode<InstallCodeArgs>(InstallCodeArgs, arg);
                install(subnet, controlled(subnet, args.canister_id, caller), args, caller);
                return done();
            }
            case 'update_settings': {
                const args = decode<UpdateSettingsArgs>(UpdateSettingsArgs, arg);
                const canister = controlled(subnet, args.canister_id, caller);
                if (args.settings.controllers[0] !== undefined) canister.controllers = args.settings.controllers[0];
                canister.version++;
                return done();
            }
            case 'start_canister': {
                const canister = controlled(subnet, decode<CanisterIdRecord>(CanisterIdRecord, arg).canister_id, caller);
                if (canister.status === 'stopping') {
                    for (const stop of canister.pendingStops.splice(0)) stop.respond('cancelled');
                }
                canister.version++; // also when it was running already (spec: "Starting a canister")
                canister.status = 'running';
                return done();
            }
            case 'stop_canister': {
                const canister = controlled(subnet, decode<CanisterIdRecord>(CanisterIdRecord, arg).canister_id, caller);
                canister.version++; // every stop_canister, even on a stopped canister (spec: "Stopping a canister")
                if (canister.status === 'stopped') return done();
                canister.status = 'stopping';
                canister.pendingStops.push({
                    expiresAt: subnet.time + subnet.config.stopTimeoutNs,
                    respond: (outcome) => {
                        // The replica's answers: CanisterStoppingCancelled (a CANISTER_ERROR) and
                        // StopCanisterRequestTimeout (a SYS_TRANSIENT).
                        if (outcome === 'stopped') done();
                        else if (outcome === 'cancelled') done({ reject: { code: RejectCode.CanisterError, message: `Canister ${canister.idText}'s stop request was cancelled.` } });
                        else done({ reject: { code: RejectCode.SysTransient, message: `Canister ${canister.idText}'s stop request timed out.` } });
                    }
                });
                completeStopIfDone(canister);
                return;
            }
            case 'canister_status': {
                const id = decode<CanisterIdRecord>(CanisterIdRecord, arg).canister_id;
                const canister = existing(subnet, id);
                if (!isController(canister, caller) && caller.compareTo(id) !== 'eq') throw notController(canister);
                return done(reply([CanisterStatusResult], [statusOf(canister)]));
            }
            case 'delete_canister': {
                const canister = controlled(subnet, decode<CanisterIdRecord>(CanisterIdRecord, arg).canister_id, caller);
                if (canister.status !== 'stopped') {
                    throw new Rejection(RejectCode.CanisterError, `Canister ${canister.idText} must be stopped before it is deleted.`);
                }
                subnet.canisters.delete(canister.idText);
                return done();
            }
            case 'deposit_cycles': {
                onlyCanisters(subnet, caller, method);
                existing(subnet, decode<CanisterIdRecord>(CanisterIdRecord, arg).canister_id).cycles += cycles;
                return respond(EMPTY_REPLY, 0n);
            }
            case 'provisional_top_up_canister': {
                const args = decode<TopUpArgs>(TopUpArgs, arg);
                existing(subnet, args.canister_id).cycles += args.amount;
                return done();
            }
            case 'raw_rand':
                onlyCanisters(subnet, caller, method);
                return done(reply([IDL.Vec(IDL.Nat8)], [subnet.prng.bytes(32)]));
            default:
                throw new Rejection(RejectCode.DestinationInvalid, `Management canister has no method '${method}'`);
        }
    }
}

/** Spec: raw_rand and deposit_cycles "cannot be called by external users via ingress messages". */
function onlyCanisters(subnet: Subnet, caller: Principal, method: string): void {
    if (subnet.canister(caller) === undefined) throw new Rejection(RejectCode.CanisterReject, `Only canisters can call ic00 method ${method}`);
}

function controllersOf(settings: [] | [{ controllers: [] | [Principal[]] }], caller: Principal): Principal[] {
    return settings[0]?.controllers[0] ?? [caller];
}

function existing(subnet: Subnet, id: Principal): Canister {
    const canister = subnet.canister(id);
    if (canister === undefined) throw new Rejection(RejectCode.DestinationInvalid, `Canister ${id.toText()} not found`);
    return canister;
}

function isController(canister: Canister, caller: Principal): boolean {
    return canister.controllers.some((c) => c.compareTo(caller) === 'eq');
}

function notController(canister: Canister): Rejection {
    return new Rejection(RejectCode.CanisterError, `Only the controllers of the canister ${canister.idText} can control it.`);
}

function controlled(subnet: Subnet, id: Principal, caller: Principal): Canister {
    const canister = existing(subnet, id);
    if (!isController(canister, caller)) throw notController(canister);
    return canister;
}

function statusOf(canister: Canister): CanisterStatusResult {
    const hash = canister.installed?.hash;
    return {
        status: { [canister.status]: null } as CanisterStatusResult['status'],
        settings: { controllers: canister.controllers },
        module_hash: hash === undefined ? [] : [new Uint8Array(Buffer.from(hash, 'hex'))],
        memory_size: BigInt(canister.memory().buffer.byteLength + canister.stable.byteLength),
        cycles: canister.cycles,
        idle_cycles_burned_per_day: 0n,
        reserved_cycles: 0n
    };
}

/** Applies the effects an init / upgrade hook may have: cycles, timer, certified data. */
function applyHook(subnet: Subnet, canister: Canister, outcome: Outcome): void {
    for (const line of outcome.state.debugLog) subnet.logs.push({ canister: canister.idText, time: subnet.time, line });
    if (outcome.trap !== undefined) {
        subnet.logs.push({ canister: canister.idText, time: subnet.time, line: `[TRAP]: ${outcome.trap}` });
        throw new Rejection(RejectCode.CanisterError, `Error from Canister ${canister.idText}: ${outcome.trap}`);
    }
    canister.cycles = outcome.state.balance;
    if (outcome.state.globalTimer !== undefined) canister.globalTimer = outcome.state.globalTimer;
    if (outcome.state.certifiedData !== undefined) canister.certifiedData = outcome.state.certifiedData;
}

/**
 * install / reinstall / upgrade as one atomic step: if any hook traps or the module is refused,
 * the canister keeps its previous code and state.
 */
function install(subnet: Subnet, canister: Canister, args: InstallCodeArgs, caller: Principal): void {
    let compiled;
    try {
        compiled = compileModule(args.wasm_module);
    } catch (e) {
        if (e instanceof EmulatorError) throw new Rejection(RejectCode.CanisterError, `Error from Canister aaaaa-aa: ${e.message}`);
        throw e;
    }
    const mode = 'install' in args.mode ? 'install' : 'reinstall' in args.mode ? 'reinstall' : 'upgrade';
    if (mode === 'install' && canister.installed !== undefined) {
        throw new Rejection(
            RejectCode.CanisterError,
            `Canister ${canister.idText} cannot be installed because the canister is not empty. Try installing with mode='reinstall' instead.`
        );
    }
    if (mode === 'upgrade' && canister.installed === undefined) {
        throw new Rejection(RejectCode.CanisterError, `Canister ${canister.idText} has no Wasm module to upgrade`);
    }
    const saved = canister.saveForInstall();
    try {
        if (mode === 'upgrade') {
            const options = 'upgrade' in args.mode ? args.mode.upgrade[0] : undefined;
            if (canister.hasExport('canister_pre_upgrade') && options?.skip_pre_upgrade[0] !== true) {
                applyHook(subnet, canister, execute(canister, { kind: 'pre_upgrade', caller }, subnet.time));
            }
        } else {
            canister.stable = StableMemory.empty();
        }
        try {
            canister.instantiate(compiled);
        } catch (e) {
            if (e instanceof ImportError) throw new Rejection(RejectCode.CanisterError, e.message);
            throw new Rejection(RejectCode.CanisterError, `Error from Canister ${canister.idText}: instantiation failed: ${(e as Error).message}`);
        } finally {
            for (const line of canister.startLog.splice(0)) subnet.logs.push({ canister: canister.idText, time: subnet.time, line });
        }
        canister.globalTimer = 0n; // a new module starts without a timer
        const hook = mode === 'upgrade' ? 'post_upgrade' : 'init';
        if (canister.hasExport(`canister_${hook}`)) {
            applyHook(subnet, canister, execute(canister, { kind: hook, arg: args.arg, caller }, subnet.time));
        }
    } catch (e) {
        canister.restoreInstall(saved);
        throw e;
    }
    canister.moduleVersion++;
    canister.version++;
}
