import { Prng } from './prng';

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
 * Best-effort messages the system may drop under load, on demand. Guaranteed-response messages
 * are never dropped, as on the IC.
 */
export class Faults {
    private readonly rules = { request: [] as ActiveRule[], response: [] as ActiveRule[] };
    private nextId = 0;

    constructor(private readonly prng: Prng) {}

    dropBestEffort(kind: 'request' | 'response', rule: DropRule = {}): number {
        const p = rule.probability ?? 1;
        if (!(p >= 0 && p <= 1)) throw new RangeError(`probability must be in [0, 1], got ${p}`);
        const id = this.nextId++;
        this.rules[kind].push({ ...rule, id, dropped: 0 });
        return id;
    }

    remove(id: number): void {
        for (const list of Object.values(this.rules)) {
            const i = list.findIndex((r) => r.id === id);
            if (i >= 0) list.splice(i, 1);
        }
    }

    clear(): void {
        this.rules.request.length = 0;
        this.rules.response.length = 0;
    }

    shouldDrop(kind: 'request' | 'response', facts: MessageFacts): boolean {
        for (const rule of this.rules[kind]) {
            if (rule.limit !== undefined && rule.dropped >= rule.limit) continue;
            if (rule.match !== undefined && !rule.match(facts)) continue;
            if (this.prng.next() < (rule.probability ?? 1)) {
                rule.dropped++;
                return true;
            }
        }
        return false;
    }
}
