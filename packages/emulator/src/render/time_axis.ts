import { DiagramEvent } from './events.js';
import { lineHeight, seconds, SIZE } from './text.js';

/**
 * Virtual time on the vertical axis, compressed: every event gets its own row (so no two labels
 * share a line), short pauses are drawn to scale, and a quiet stretch longer than the break
 * threshold becomes a break of fixed height labelled with the time it elides. A 3000 s hang
 * therefore costs one break, not 3000 s of paper.
 */

export interface Row {
    readonly top: number;
    /** Where the row's arrow or mark is drawn. */
    readonly y: number;
    readonly bottom: number;
    /** "t+12 s" on the first row of each distinct time; undefined on the rows that share it. */
    readonly time: string | undefined;
}

export interface Break {
    readonly top: number;
    readonly bottom: number;
    readonly elidedNs: bigint;
}

export interface TimeAxis {
    /** One row per event, in the events' order. */
    readonly rows: readonly Row[];
    readonly breaks: readonly Break[];
    readonly bottom: number;
}

export interface TimeAxisOptions {
    readonly top: number;
    /** Times are labelled relative to this (ns since the epoch). */
    readonly origin: bigint;
    /** A pause longer than this (ns) is drawn as a break. */
    readonly breakAfterNs: bigint;
}

/** Vertical space per second of a pause drawn to scale. */
const PX_PER_SECOND = 3;
export const BREAK_HEIGHT = 34;
/** Room for a self-call's loop below its label. */
export const LOOP_HEIGHT = 12;

export function layoutTimeAxis(events: readonly DiagramEvent[], options: TimeAxisOptions): TimeAxis {
    const rows: Row[] = [];
    const breaks: Break[] = [];
    let y = options.top;
    let previous: bigint | undefined;
    for (const event of events) {
        const fresh = previous === undefined || event.at !== previous;
        if (previous !== undefined && event.at !== previous) {
            const pause = event.at - previous;
            if (pause > options.breakAfterNs) {
                breaks.push({ top: y, bottom: y + BREAK_HEIGHT, elidedNs: pause });
                y += BREAK_HEIGHT;
            } else {
                y += Math.round((Number(pause) / 1e9) * PX_PER_SECOND);
            }
        }
        const row = rowAt(event, y, fresh ? `t+${seconds(event.at - options.origin)} s` : undefined);
        rows.push(row);
        y = row.bottom;
        previous = event.at;
    }
    return { rows, breaks, bottom: y };
}

function rowAt(event: DiagramEvent, top: number, time: string | undefined): Row {
    if (event.kind !== 'message') {
        const y = top + lineHeight(SIZE.label) - 2;
        return { top, y, bottom: y + 10, time };
    }
    const text = event.lines.reduce((sum, _line, i) => sum + lineHeight(i === 0 ? SIZE.label : SIZE.detail), 0);
    const y = top + text + 4;
    const loop = event.from === event.to ? LOOP_HEIGHT : 0;
    return { top, y, bottom: y + loop + 10, time };
}
