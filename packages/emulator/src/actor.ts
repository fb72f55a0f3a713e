import type { ActorMethod, ActorSubclass } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';

import { PendingCall } from './pending_call.js';

export interface CallTransport {
    update(method: string, arg: Uint8Array): Promise<Uint8Array>;
    query(method: string, arg: Uint8Array): Promise<Uint8Array>;
    submit<T>(method: string, arg: Uint8Array, decode: (reply: Uint8Array) => T): PendingCall<T>;
}

type Service = IDL.ServiceClass;

function serviceOf(idlFactory: IDL.InterfaceFactory): Service {
    return idlFactory({ IDL });
}

/** Decodes a reply the way @dfinity/agent's actors do: nothing, one value, or a tuple. */
function decodeReply(func: IDL.FuncClass, reply: Uint8Array): unknown {
    const values = IDL.decode(func.retTypes, reply);
    return values.length === 0 ? undefined : values.length === 1 ? values[0] : values;
}

function isQuery(func: IDL.FuncClass): boolean {
    return func.annotations.includes('query') || func.annotations.includes('composite_query');
}

/** An actor whose methods encode their arguments, call through `transport`, and decode the reply. */
export function makeActor<T>(idlFactory: IDL.InterfaceFactory, transport: CallTransport): ActorSubclass<T> {
    const actor: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
    for (const [name, func] of serviceOf(idlFactory)._fields) {
        actor[name] = async (...args: unknown[]) => {
            const arg = new Uint8Array(IDL.encode(func.argTypes, args));
            const reply = isQuery(func) ? await transport.query(name, arg) : await transport.update(name, arg);
            return decodeReply(func, reply);
        };
    }
    return actor as unknown as ActorSubclass<T>;
}

/** Each method of T, returning a PendingCall instead of waiting for the reply. */
export type DeferredActor<T> = {
    [K in keyof T]: T[K] extends ActorMethod<infer A, infer R> ? (...args: A) => PendingCall<R> : never;
};

/** An actor whose update calls are only submitted; the caller decides when rounds run. */
export function makeDeferredActor<T>(idlFactory: IDL.InterfaceFactory, transport: CallTransport): DeferredActor<T> {
    const actor: Record<string, (...args: unknown[]) => PendingCall<unknown>> = {};
    for (const [name, func] of serviceOf(idlFactory)._fields) {
        actor[name] = (...args: unknown[]) =>
            transport.submit(name, new Uint8Array(IDL.encode(func.argTypes, args)), (reply) => decodeReply(func, reply));
    }
    return actor as DeferredActor<T>;
}
