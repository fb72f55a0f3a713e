import { IDL, update } from 'azle';

import { msgDeadline } from '../lib';

/** A callee the caller must not trust. This first version only answers. */
export default class {
    @update([IDL.Text], IDL.Text)
    echo(text: string): string {
        return text;
    }

    /** The `ic0.msg_deadline` this call carries: 0 under unbounded wait. */
    @update([], IDL.Nat64)
    deadline(): bigint {
        return msgDeadline();
    }
}
