import { Principal, time } from 'azle';

/** Most calls made on request for principals that are not controllers, all of them together. */
export const MAX_OUTSTANDING_CALLS = 1_000;
/** Most of those one principal may have. */
export const MAX_OUTSTANDING_PER_PRINCIPAL = 100;
const SECOND = 1_000_000_000n;
/**
 * A bounded-wait call ends by its deadline: the system answers it in the first round past it.
 * A record still here a minute after that belongs to a call whose reply handling trapped
 * (cleanup included), so that its count was rolled back: it no longer counts.
 */
const GRACE = 60n * SECOND;

interface Entry {
    readonly by: string;
    readonly controller: boolean;
    /** ns; undefined for an unbounded-wait call (only controllers make those). */
    readonly until: bigint | undefined;
}

/**
 * The calls the caller makes on request that are still waiting for their response, each with
 * the time by which it must have ended. A count that a trap could roll back would leak for good;
 * a record that expires cannot. Controllers' calls are counted but never refused, so a crowd of
 * strangers cannot lock the controllers out.
 */
export class OutstandingCalls {
    private readonly calls = new Map<number, Entry>();
    /** Non-controllers' calls, in all and per principal: kept as counts so that a check costs O(1). */
    private strangers = 0;
    private readonly perPrincipal = new Map<string, number>();
    /** The earliest time an entry may expire: pruning walks the map only once that has passed. */
    private nextExpiry: bigint | undefined;
    private next = 0;

    /** Why a call for `by` must wait, or undefined: at most MAX_OUTSTANDING_CALLS for non-controllers, MAX_OUTSTANDING_PER_PRINCIPAL each. */
    refusal(by: Principal, controller: boolean): { limit: number } | undefined {
        if (controller) return undefined;
        this.prune();
        if (this.strangers >= MAX_OUTSTANDING_CALLS) return { limit: MAX_OUTSTANDING_CALLS };
        if ((this.perPrincipal.get(by.toText()) ?? 0) >= MAX_OUTSTANDING_PER_PRINCIPAL) return { limit: MAX_OUTSTANDING_PER_PRINCIPAL };
        return undefined;
    }

    /** Records a call about to be made; `timeoutSeconds` undefined for an unbounded wait. */
    begin(by: Principal, controller: boolean, timeoutSeconds: number | undefined): number {
        const id = this.next++;
        const until = timeoutSeconds === undefined ? undefined : time() + BigInt(timeoutSeconds) * SECOND + GRACE;
        this.calls.set(id, { by: by.toText(), controller, until });
        if (!controller) {
            this.strangers++;
            this.perPrincipal.set(by.toText(), (this.perPrincipal.get(by.toText()) ?? 0) + 1);
        }
        if (until !== undefined && (this.nextExpiry === undefined || until < this.nextExpiry)) this.nextExpiry = until;
        return id;
    }

    end(id: number): void {
        const entry = this.calls.get(id);
        if (entry === undefined) return;
        this.calls.delete(id);
        if (!entry.controller) {
            this.strangers--;
            const left = (this.perPrincipal.get(entry.by) ?? 1) - 1;
            if (left === 0) this.perPrincipal.delete(entry.by);
            else this.perPrincipal.set(entry.by, left);
        }
    }

    get count(): number {
        this.prune();
        return this.calls.size;
    }

    private prune(): void {
        const now = time();
        if (this.nextExpiry === undefined || this.nextExpiry >= now) return;
        this.nextExpiry = undefined;
        for (const [id, c] of this.calls) {
            if (c.until === undefined) continue;
            if (c.until < now) this.end(id);
            else if (this.nextExpiry === undefined || c.until < this.nextExpiry) this.nextExpiry = c.until;
        }
    }
}
