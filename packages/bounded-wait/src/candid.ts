import { IDL } from 'azle';

/**
 * Gives a Candid type its TypeScript value type. `IDL.Record(...)` and `IDL.Variant(...)` are
 * typed as holding any record; naming the type once here lets `Call.call(type)` return it.
 */
export function candidType<T>(type: IDL.Type): IDL.Type<T> {
    return type as IDL.Type<T>;
}
