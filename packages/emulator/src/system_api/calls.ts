import { Principal } from '@dfinity/principal';

import { HostTrap } from '../errors.js';
import { CallUnderConstruction, concatChunks } from '../execution/execution_state.js';
import { coarseDeadline } from '../subnet/messages.js';
import { ApiEnv, Ic0Function, u128, u32 } from './env.js';

/** call_*: building and performing an inter-canister call. */
export function callApi(env: ApiEnv): Record<string, Ic0Function> {
    const building = (name: string): CallUnderConstruction => {
        const call = env.state().call;
        if (call === undefined) throw new HostTrap(`ic0.${name}: no call is under construction (call ic0.call_new first)`);
        return call;
    };
    const addCycles = (amount: bigint) => {
        const s = env.state();
        const call = building('call_cycles_add128');
        if (amount > s.balance) {
            throw new HostTrap(`ic0.call_cycles_add128: cannot attach ${amount} cycles with a balance of ${s.balance}`);
        }
        s.spent += amount;
        call.cycles += amount;
    };
    const discard = () => {
        const s = env.state();
        if (s.call !== undefined) {
            s.spent -= s.call.cycles; // a discarded call's cycles return to the balance
            s.call = undefined;
        }
    };

    return {
        call_new: (
            calleeSrc: number,
            calleeSize: number,
            nameSrc: number,
            nameSize: number,
            replyFun: number,
            replyEnv: number,
            rejectFun: number,
            rejectEnv: number
        ) => {
            discard();
            const callee = Principal.fromUint8Array(env.read(u32(calleeSrc), u32(calleeSize)));
            env.state().call = {
                callee,
                method: env.text(u32(nameSrc), u32(nameSize)),
                onReply: { fun: u32(replyFun), env: u32(replyEnv) },
                onReject: { fun: u32(rejectFun), env: u32(rejectEnv) },
                onCleanup: undefined,
                arg: [],
                cycles: 0n,
                timeoutSeconds: undefined
            };
        },
        call_on_cleanup: (fun: number, cleanupEnv: number) => {
            const call = building('call_on_cleanup');
            if (call.onCleanup !== undefined) throw new HostTrap('ic0.call_on_cleanup: the cleanup callback is already set');
            call.onCleanup = { fun: u32(fun), env: u32(cleanupEnv) };
        },
        call_data_append: (src: number, size: number) => {
            const call = building('call_data_append');
            // The replica's request_in_prep.rs, extend_method_payload: a request to a canister of
            // this subnet may carry 10 MiB of method name and argument (2 MiB x 5).
            const total = new TextEncoder().encode(call.method).length + call.arg.reduce((n, c) => n + c.length, 0) + u32(size);
            if (total > env.subnet.limits.requestBytes) {
                throw new HostTrap(
                    `Canister violated contract: Request to ${call.callee.toText()}:${call.method} has a payload size of ${total}, which exceeds the allowed limit of ${env.subnet.limits.requestBytes}.`
                );
            }
            call.arg.push(env.read(u32(src), u32(size)));
        },
        call_with_best_effort_response: (timeoutSeconds: number) => {
            const call = building('call_with_best_effort_response');
            if (call.timeoutSeconds !== undefined) {
                throw new HostTrap('ic0.call_with_best_effort_response: may be called at most once per call');
            }
            call.timeoutSeconds = u32(timeoutSeconds);
        },
        call_cycles_add: (amount: bigint) => addCycles(BigInt.asUintN(64, amount)),
        call_cycles_add128: (high: bigint, low: bigint) => addCycles(u128(high, low)),
        call_perform: () => {
            const s = env.state();
            const call = building('call_perform');
            s.call = undefined;
            // At most queueCapacity calls to one callee may be outstanding: each reserves a slot in
            // the caller's queues until its response is consumed (the replica's queues.rs,
            // DEFAULT_QUEUE_CAPACITY 500). Beyond, call_perform returns SYS_TRANSIENT and the
            // attached cycles go back to the balance (SystemApiImpl::push_output_request).
            const sameCallee = s.performed.filter((p) => p.callee.compareTo(call.callee) === 'eq').length;
            if (env.subnet.outstandingCalls(env.canister.id, call.callee) + sameCallee >= env.subnet.queueCapacity) {
                s.spent -= call.cycles;
                return 2;
            }
            const arg = concatChunks(call.arg);
            const fee = env.subnet.fees.callBase + env.subnet.fees.callPerByte * BigInt(call.method.length + arg.length);
            if (fee > s.balance) {
                s.spent -= call.cycles; // the attached cycles go back to the balance
                return 2; // SYS_TRANSIENT: the call was not enqueued
            }
            s.spent += fee;
            const timeout =
                call.timeoutSeconds === undefined ? undefined : Math.min(call.timeoutSeconds, env.subnet.maxCallTimeoutSeconds);
            s.performed.push({
                callee: call.callee,
                method: call.method,
                arg,
                cycles: call.cycles,
                onReply: call.onReply,
                onReject: call.onReject,
                onCleanup: call.onCleanup,
                deadline: timeout === undefined ? 0n : coarseDeadline(s.init.time, timeout)
            });
            return 0;
        },
        cost_call: (methodSize: bigint, payloadSize: bigint, dst: number) => {
            const { callBase, callPerByte } = env.subnet.fees;
            env.writeU128(u32(dst), callBase + callPerByte * (BigInt.asUintN(64, methodSize) + BigInt.asUintN(64, payloadSize)));
        }
    };
}
