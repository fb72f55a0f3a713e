import { Prng } from './prng.js';

/**
 * What a drop rule sees of a message. For a response, `from` is the canister that answers and
 * `to` the caller waiting for it; `method` is the method of the call it answers.
 */
export interface MessageFacts {
    readonly from: string;
    readonly to: string;
    readonly method: string;
}

export interface DropRule {
    /** Which best-effort messages to consider (default: all). */
    readonly match?: (m: MessageFacts) => boolean;
    /** Chance to drop a matching message, drawn from the emulator's seeded PRNG (default 1). */
    readonly probability?: number;
    /** Stop after this many drops (default: unlimited). */
    readonly limit?: number;
}

interface ActiveRule extends DropRule {
    readonly id: number;
    dropped: number;
}

/**
 * A response whose callback traps after it ran, as one that runs out of instructions would: its
 * effects are rolled back and the system runs the cleanup callback (spec: ic0.call_on_cleanup).
 */
export interface CallbackTrapRule extends DropRule {
    /** Whether the cleanup callback traps too (default false: it runs normally). */
    readonly cleanupTraps?: boolean;
}

export interface SystemRejectRule extends DropRule {
    /** SYS_FATAL (1) or SYS_TRANSIENT (2): rejects the system itself gives, before the callee runs. */
    readonly code: 1 | 2;
    readonly message?: string;
}

/**
 * Best-effort messages the system may drop under load, on demand. Guaranteed-response messages
 * are never dropped, as on the IC.
 */
export class Faults {
    private readonly rules = { request: [] as ActiveRule[], response: [] as ActiveRule[] };
    private readonly rejects: (ActiveRule & SystemRejectRule)[] = [];
    private readonly callbackTraps: (ActiveRule & CallbackTrapRule)[] = [];
    private nextId = 0;

    constructor(private readonly prng: Prng) {}

    /** A copy for a forked subnet: the same rules and counts, the generator in the same state. */
    copy(): Faults {
        const faults = new Faults(this.prng.copy());
        faults.rules.request.push(...this.rules.request.map((r) => ({ ...r })));
        faults.rules.response.push(...this.rules.response.map((r) => ({ ...r })));
        faults.rejects.push(...this.rejects.map((r) => ({ ...r })));
        faults.callbackTraps.push(...this.callbackTraps.map((r) => ({ ...r })));
        faults.nextId = this.nextId;
        return faults;
    }

    dropBestEffort(kind: 'request' | 'response', rule: DropRule = {}): number {
        const p = rule.probability ?? 1;
        if (!(p >= 0 && p <= 1)) throw new RangeError(`probability must be in [0, 1], got ${p}`);
        const id = this.nextId++;
        this.rules[kind].push({ ...rule, id, dropped: 0 });
        return id;
    }

    /** The system rejects matching requests (of either response model) with `code`; cycles are refunded. */
    rejectRequests(rule: SystemRejectRule): number {
        const id = this.nextId++;
        this.rejects.push({ ...rule, id, dropped: 0 });
        return id;
    }

    /** Makes matching callbacks trap; for a response, `from` is the callee and `to` the caller. */
    trapCallbacks(rule: CallbackTrapRule = {}): number {
        const id = this.nextId++;
        this.callbackTraps.push({ ...rule, id, dropped: 0 });
        return id;
    }

    callbackTrap(facts: MessageFacts): CallbackTrapRule | undefined {
        return this.pick(this.callbackTraps, facts);
    }

    systemReject(facts: MessageFacts): { code: number; message: string } | undefined {
        const rule = this.pick(this.rejects, facts);
        if (rule === undefined) return undefined;
        return { code: rule.code, message: rule.message ?? `injected fault: the system rejected ${facts.method}` };
    }

    remove(id: number): void {
        for (const list of [...Object.values(this.rules), this.rejects, this.callbackTraps] as ActiveRule[][]) {
            const i = list.findIndex((r) => r.id === id);
            if (i >= 0) list.splice(i, 1);
        }
    }

    clear(): void {
        this.rules.request.length = 0;
        this.rules.response.length = 0;
        this.rejects.length = 0;
        this.callbackTraps.length = 0;
    }

    shouldDrop(kind: 'request' | 'response', facts: MessageFacts): boolean {
        return this.pick(this.rules[kind], facts) !== undefined;
    }

    private pick<R extends ActiveRule>(rules: R[], facts: MessageFacts): R | undefined {
        for (const rule of rules) {
            if (rule.limit !== undefined && rule.dropped >= rule.limit) continue;
            if (rule.match !== undefined && !rule.match(facts)) continue;
            if (this.prng.next() < (rule.probability ?? 1)) {
                rule.dropped++;
                return rule;
            }
        }
        return undefined;
    }
}
