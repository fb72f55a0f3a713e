import { TraceEntry } from '@response-models/emulator';

/** Messages the walkthrough does not talk about: the callee's hang loop, Azle's timers, polling. */
export const HIDDEN = new Set(['noop', '<ic-cdk internal> timer_executor', 'canister_global_timer', 'raw_rand', 'stats', 'get_transfer']);

/** One line per message of interest, in virtual time, for the emulator's trace. */
export function timeline(entries: readonly TraceEntry[], names: Map<string, string>, since: bigint): string[] {
    const name = (id: string) => names.get(id) ?? (id === 'aaaaa-aa' ? 'management' : 'you');
    const at = (t: bigint) => `t+${(Number(t - since) / 1e9).toFixed(1).padStart(6)}s`;
    const shown = entries.filter((e) => e.sentAt >= since && !HIDDEN.has(e.method) && e.model !== 'timer' && name(e.to) !== 'management');
    // A load of hundreds of the same call: the first few, then how many more.
    const count = new Map<string, number>();
    const lines: string[] = [];
    for (const e of shown) {
        const kind = `${e.from} ${e.to} ${e.method}`;
        const n = (count.get(kind) ?? 0) + 1;
        count.set(kind, n);
        if (n <= MOST_OF_A_KIND) lines.push(line(e));
    }
    for (const [kind, n] of count) {
        if (n <= MOST_OF_A_KIND) continue;
        const [from, to, method] = kind.split(' ');
        lines.push(`  ${''.padStart(9)}  ${name(from).padStart(8)} → ${name(to).padEnd(16)} ${method.padEnd(20)} and ${n - MOST_OF_A_KIND} more like these`);
    }
    return lines;

    function line(e: TraceEntry): string {
        const model = e.model === 'best-effort' ? `best-effort ${(Number(e.deadline - e.sentAt) / 1e9).toFixed(0)}s` : e.model;
        const cycles = e.cycles > 0n ? ` +${e.cycles} cycles` : '';
        const end = e.completedAt === undefined ? 'still waiting' : `${describe(e)} at ${at(e.completedAt)}`;
        const refund = e.cycles > 0n && e.completedAt !== undefined ? `, ${e.refunded} refunded` : '';
        const late = e.lateResponseDropped ? ' (late reply dropped)' : '';
        const credited = e.creditedLater > 0n && e.creditedAt !== undefined ? `; ${e.creditedLater} credited later, at ${at(e.creditedAt)}` : '';
        return `  ${at(e.sentAt)}  ${name(e.from).padStart(8)} → ${name(e.to).padEnd(16)} ${e.method.padEnd(20)} [${model}]${cycles}  ${end}${refund}${late}${credited}`;
    }
}

/** The same call shown at most this many times: a load of hundreds would bury the rest. */
export const MOST_OF_A_KIND = 5;

function describe(e: TraceEntry): string {
    switch (e.outcome.kind) {
        case 'replied':
            return 'replied';
        case 'rejected':
            return `rejected (${e.outcome.code})`;
        case 'expired':
            return 'SYS_UNKNOWN (deadline passed)';
        default:
            return e.outcome.kind;
    }
}
