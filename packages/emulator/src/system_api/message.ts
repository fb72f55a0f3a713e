import { Principal } from '@dfinity/principal';

import { HostTrap, RejectCode } from '../errors.js';
import { concatChunks } from '../execution/execution_state.js';
import { ApiEnv, Ic0Function, MAX_U64, u128, u32 } from './env.js';


/** msg_*: the incoming message, its reply or reject, and the cycles it carries. */
export function messageApi(env: ApiEnv): Record<string, Ic0Function> {
    const arg = () => {
        const a = env.state().init.arg;
        if (a === undefined) throw new HostTrap('there is no argument in this context');
        return a;
    };
    const caller = () => env.state().init.caller.toUint8Array();
    const rejectMessage = () => new TextEncoder().encode(env.state().init.rejectMessage ?? '');
    const methodName = () => new TextEncoder().encode(env.state().init.methodName ?? '');
    const respond = (name: string) => {
        const s = env.state();
        if (s.responded) throw new HostTrap(`ic0.${name}: the call has already been replied to or rejected`);
        return s;
    };
    /**
     * A reply (or reject) larger than the context allows is a contract violation (the replica's
     * system API: "ic0.msg_reply_data_append: application payload size ({total}) cannot be
     * larger than {max}."): 2 MiB, or 3 MiB for a query in non-replicated mode.
     */
    const checkSize = (name: string, size: number) => {
        const max = env.state().context === 'NRQ' ? env.subnet.limits.queryReplyBytes : env.subnet.limits.replyBytes;
        if (size > max) throw new HostTrap(`Canister violated contract: ic0.${name}: application payload size (${size}) cannot be larger than ${max}.`);
    };
    /** Spec: once the call is responded to, its cycles went back to the caller: none are available. */
    const available = (): bigint => {
        const s = env.state();
        return s.responded ? 0n : s.available;
    };
    const accept = (max: bigint): bigint => {
        const s = env.state();
        const left = available();
        const amount = max < left ? max : left;
        s.accepted += amount;
        return amount;
    };
    const fitsU64 = (name: string, v: bigint): bigint => {
        if (v > MAX_U64) throw new HostTrap(`ic0.${name}: the amount does not fit in 64 bits; use the 128-bit variant`);
        return v;
    };

    return {
        msg_arg_data_size: () => arg().length,
        msg_arg_data_copy: (dst: number, offset: number, size: number) =>
            env.copyOut('ic0.msg_arg_data_copy', arg(), u32(dst), u32(offset), u32(size)),
        msg_caller_size: () => caller().length,
        msg_caller_copy: (dst: number, offset: number, size: number) =>
            env.copyOut('ic0.msg_caller_copy', caller(), u32(dst), u32(offset), u32(size)),
        msg_reject_code: () => env.state().init.rejectCode ?? 0,
        // Caller info exists only for callers authenticated by canister signatures: never here.
        msg_caller_info_data_size: () => 0,
        msg_caller_info_data_copy: (dst: number, offset: number, size: number) =>
            env.copyOut('ic0.msg_caller_info_data_copy', new Uint8Array(), u32(dst), u32(offset), u32(size)),
        msg_caller_info_signer_size: () => 0,
        msg_caller_info_signer_copy: (dst: number, offset: number, size: number) =>
            env.copyOut('ic0.msg_caller_info_signer_copy', new Uint8Array(), u32(dst), u32(offset), u32(size)),
        msg_reject_msg_size: () => rejectMessage().length,
        msg_reject_msg_copy: (dst: number, offset: number, size: number) =>
            env.copyOut('ic0.msg_reject_msg_copy', rejectMessage(), u32(dst), u32(offset), u32(size)),
        msg_deadline: () => env.state().init.deadline ?? 0n,
        msg_method_name_size: () => methodName().length,
        msg_method_name_copy: (dst: number, offset: number, size: number) =>
            env.copyOut('ic0.msg_method_name_copy', methodName(), u32(dst), u32(offset), u32(size)),
        accept_message: () => {
            const s = env.state();
            if (s.messageAccepted) throw new HostTrap('ic0.accept_message: the message was already accepted');
            s.messageAccepted = true;
        },
        msg_reply_data_append: (src: number, size: number) => {
            const s = respond('msg_reply_data_append');
            checkSize('msg_reply_data_append', s.replyData.reduce((n, c) => n + c.length, 0) + u32(size));
            s.replyData.push(env.read(u32(src), u32(size)));
        },
        msg_reply: () => {
            const s = respond('msg_reply');
            s.response = { reply: concatChunks(s.replyData) };
        },
        msg_reject: (src: number, size: number) => {
            const s = respond('msg_reject');
            checkSize('msg_reject', u32(size));
            s.response = { reject: { code: RejectCode.CanisterReject, message: env.text(u32(src), u32(size)) } };
        },
        msg_cycles_available: () => fitsU64('msg_cycles_available', available()),
        msg_cycles_available128: (dst: number) => env.writeU128(u32(dst), available()),
        msg_cycles_refunded: () => fitsU64('msg_cycles_refunded', env.state().init.refunded ?? 0n),
        msg_cycles_refunded128: (dst: number) => env.writeU128(u32(dst), env.state().init.refunded ?? 0n),
        msg_cycles_accept: (max: bigint) => accept(BigInt.asUintN(64, max)),
        msg_cycles_accept128: (high: bigint, low: bigint, dst: number) => env.writeU128(u32(dst), accept(u128(high, low))),
        is_controller: (src: number, size: number) => {
            if (u32(size) > 29) throw new HostTrap('ic0.is_controller: a principal has at most 29 bytes');
            const p = Principal.fromUint8Array(env.read(u32(src), u32(size)));
            return env.canister.controllers.some((c) => c.compareTo(p) === 'eq') ? 1 : 0;
        },
        data_certificate_present: () => 0,
        data_certificate_size: () => {
            throw new HostTrap('ic0.data_certificate_size: no data certificate is present');
        },
        data_certificate_copy: () => {
            throw new HostTrap('ic0.data_certificate_copy: no data certificate is present');
        },
    };
}
