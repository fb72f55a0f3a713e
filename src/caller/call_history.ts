import { StableBTreeMap } from 'azle';

import { CallReport } from './types';

/** How many reports the history keeps: a stranger's calls must not grow stable memory for ever. */
export const HISTORY_KEPT = 10_000;
/** Most reports one history_page returns. */
export const HISTORY_PAGE_MAX = 100;

/**
 * The reports of calls made on request, in stable memory (they survive upgrades). Ids keep
 * counting; only the most recent HISTORY_KEPT reports are kept.
 */
export class CallHistory {
    private readonly reports = new StableBTreeMap<bigint, CallReport>(0);
    private readonly counters = new StableBTreeMap<string, bigint>(7);

    /** Calls recorded since install, including those no longer kept. */
    get completed(): bigint {
        return this.counters.get('reports') ?? BigInt(this.reports.len());
    }

    /** Records a report under the next id (the id given is replaced) and forgets the oldest beyond the limit. */
    record(report: Omit<CallReport, 'id'>): CallReport {
        const id = this.completed;
        const stored: CallReport = { ...report, id };
        this.reports.insert(id, stored);
        this.counters.insert('reports', id + 1n);
        if (id >= BigInt(HISTORY_KEPT)) this.reports.remove(id - BigInt(HISTORY_KEPT));
        return stored;
    }

    /** Reports from `start` on, oldest first, at most HISTORY_PAGE_MAX (ids no longer kept are skipped). */
    page(start: bigint, limit: number): CallReport[] {
        const oldest = this.completed > BigInt(HISTORY_KEPT) ? this.completed - BigInt(HISTORY_KEPT) : 0n;
        const page: CallReport[] = [];
        for (let id = start > oldest ? start : oldest; page.length < Math.min(limit, HISTORY_PAGE_MAX); id++) {
            const report = this.reports.get(id);
            if (report === undefined) break;
            page.push(report);
        }
        return page;
    }
}
