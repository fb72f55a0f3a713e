import { IDL, isController, msgCaller } from 'azle';

/**
 * The two refusals every canister of this project shares. A method that refuses returns one of
 * them in its `Err` and changes nothing; a trap is left for bugs.
 */

/** The caller of the method may not call it; `rule` says who may. */
export const NotAuthorized = IDL.Record({ method: IDL.Text, rule: IDL.Text });
export type NotAuthorized = { method: string; rule: string };

/** An argument is malformed or out of range: `field` names it, `reason` says what is allowed. */
export const InvalidArgument = IDL.Record({ field: IDL.Text, reason: IDL.Text });
export type InvalidArgument = { field: string; reason: string };

export const CONTROLLERS_ONLY = 'only a controller of this canister may call it';

export function notAuthorized(method: string, rule: string): { NotAuthorized: NotAuthorized } {
    return { NotAuthorized: { method, rule } };
}

export function invalidArgument(field: string, reason: string): { InvalidArgument: InvalidArgument } {
    return { InvalidArgument: { field, reason } };
}

/** The refusal for a controllers-only method called by anyone else, or undefined for a controller. */
export function requireController(method: string): { NotAuthorized: NotAuthorized } | undefined {
    return isController(msgCaller()) ? undefined : notAuthorized(method, CONTROLLERS_ONLY);
}

/** A canister id is 10 bytes ending in the opaque-id class byte 0x01 (interface spec, "Principals"). */
export function isCanisterId(bytes: Uint8Array): boolean {
    return bytes.length === 10 && bytes[9] === 0x01;
}

/** `Result<(), E>` in Candid, as `variant { Ok; Err : E }`. */
export function Unit(err: IDL.Type): IDL.VariantClass {
    return IDL.Variant({ Ok: IDL.Null, Err: err });
}
