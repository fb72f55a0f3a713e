import { IDL, query } from 'azle';

/** An ICRC-1-shaped ledger. This first version only reports its fee. */
export default class {
    @query([], IDL.Nat)
    icrc1_fee(): bigint {
        return 10_000n;
    }
}
