import { MANAGEMENT_CANISTER } from '../ids.js';
import { TraceEntry } from '../trace.js';

/** The system's lane: where SYS_UNKNOWN, system rejects and timers come from. */
export const SYSTEM = 'system';

export type LaneKind = 'system' | 'user' | 'canister';

/** One lifeline: the system, a user (an ingress sender) or a canister. */
export interface Lane {
    readonly key: string;
    readonly label: string;
    readonly kind: LaneKind;
}

/** The lane a message comes from: ingress from its user, a timer from the system, a call from its canister. */
export function senderLane(entry: TraceEntry): string {
    if (entry.model === 'ingress') return `user:${entry.from}`;
    if (entry.model === 'timer') return SYSTEM;
    return entry.from;
}

/**
 * The lanes, left to right: the system, then users, then the canisters named in `names` (in
 * their order), then the other canisters as they first appear.
 */
export function orderLanes(keysInAppearanceOrder: readonly string[], names: ReadonlyMap<string, string>): Lane[] {
    const used = new Set(keysInAppearanceOrder);
    const users = keysInAppearanceOrder.filter((k) => k.startsWith('user:'));
    const named = [...names.keys()].filter((k) => used.has(k));
    const others = keysInAppearanceOrder.filter((k) => k !== SYSTEM && !k.startsWith('user:') && !names.has(k));
    const lanes: Lane[] = [];
    if (used.has(SYSTEM)) lanes.push({ key: SYSTEM, label: 'system', kind: 'system' });
    for (const key of users) {
        const principal = key.slice('user:'.length);
        const label = names.get(principal) ?? (users.length === 1 ? 'user' : `user ${principal.slice(0, 5)}`);
        lanes.push({ key, label, kind: 'user' });
    }
    for (const key of [...named, ...others]) lanes.push({ key, label: canisterLabel(key, names), kind: 'canister' });
    return lanes;
}

function canisterLabel(id: string, names: ReadonlyMap<string, string>): string {
    const name = names.get(id);
    if (name !== undefined) return name;
    if (id === MANAGEMENT_CANISTER.toText()) return 'management';
    return id.length > 11 ? `${id.slice(0, 11)}...` : id;
}
