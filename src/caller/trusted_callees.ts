import { Principal, StableBTreeMap } from 'azle';

/** Most callees the controllers may trust: the list is read on every unbounded-wait request. */
export const MAX_TRUSTED_CALLEES = 100;

/**
 * The callees the caller's controllers trust to answer: the only ones an unbounded-wait call
 * may go to. Anyone may ask for a bounded-wait call, which cannot hold the caller longer than
 * its timeout; an unbounded-wait call can hold it for ever, and with it every stop and upgrade.
 */
export class TrustedCallees {
    private readonly trusted = new StableBTreeMap<string, boolean>(6);

    has(callee: Principal): boolean {
        return this.trusted.get(callee.toText()) === true;
    }

    /** Returns false if the list is full and `callee` is new. */
    set(callee: Principal, trusted: boolean): boolean {
        if (!trusted) {
            this.trusted.remove(callee.toText());
            return true;
        }
        if (!this.has(callee) && this.trusted.len() >= MAX_TRUSTED_CALLEES) return false;
        this.trusted.insert(callee.toText(), true);
        return true;
    }

    list(): Principal[] {
        return this.trusted.keys().map((text) => Principal.fromText(text));
    }
}
