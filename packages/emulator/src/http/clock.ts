/**
 * The served network's clock: wall time plus an offset that only grows. Clients refuse
 * certificates more than about 5 minutes from their own clock (agent-js: 5 min either way;
 * ic-agent: older than its ingress expiry), so a served network cannot run on virtual time;
 * tests still jump ahead by adding to the offset (see the control endpoint).
 */
export class NetworkClock {
    private offsetNs = 0n;
    private last = 0n;

    /** Network time in ns since the epoch, never less than before. */
    now(): bigint {
        const t = BigInt(Date.now()) * 1_000_000n + this.offsetNs;
        if (t > this.last) this.last = t;
        return this.last;
    }

    /** Moves the clock `ms` milliseconds ahead of where it was (it keeps following wall time from there). */
    advance(ms: number): void {
        if (!(Number.isFinite(ms) && ms >= 0)) throw new RangeError(`the clock only moves forward: got ${ms} ms`);
        this.offsetNs += BigInt(Math.round(ms * 1e6));
    }

    /** How far ahead of wall time the clock runs, in ms. */
    get offsetMs(): number {
        return Number(this.offsetNs / 1_000_000n);
    }
}
