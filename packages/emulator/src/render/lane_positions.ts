import { DiagramEvent } from './events.js';
import { Lane } from './lanes.js';
import { SIZE, textWidth } from './text.js';

/**
 * Where each lifeline stands. Lanes start a minimum distance apart and move apart until every
 * label fits between the lifelines it belongs to: an arrow's label between its two ends, a
 * self-call's or a mark's label right of its lane, each header within its half of the gaps.
 */

export const MARGIN = 16;
export const MIN_LANE_GAP = 110;
/** Width of one wait bar on a lifeline; concurrent ones stand side by side. */
export const BAR_WIDTH = 6;
export const BAR_STEP = 8;
/** How far a self-call's loop reaches right of its lane. */
export const LOOP_WIDTH = 26;

export interface LaneLayout {
    /** Centre of each lane's lifeline, in the lanes' order. */
    readonly x: readonly number[];
    /** Where labels start right of each lane: clear of its wait bars. */
    readonly inset: readonly number[];
    /** Right edge of the drawing. */
    readonly right: number;
}

interface Need {
    /** Lane index on the left. */
    readonly a: number;
    /** Lane index on the right; lanes.length stands for the right margin. */
    readonly b: number;
    readonly width: number;
}

export function headerWidth(lane: Lane): number {
    return textWidth(lane.label, SIZE.header) + 16;
}

export function labelWidth(lines: readonly { text: string }[]): number {
    return Math.max(0, ...lines.map((line, i) => textWidth(line.text, i === 0 ? SIZE.label : SIZE.detail)));
}

export function layoutLanes(lanes: readonly Lane[], events: readonly DiagramEvent[], barSlots: ReadonlyMap<string, number>, left: number): LaneLayout {
    const index = new Map(lanes.map((lane, i) => [lane.key, i]));
    const inset = lanes.map((lane) => 10 + (barSlots.get(lane.key) ?? 0) * BAR_STEP);
    const needs: Need[] = [];
    for (let i = 0; i + 1 < lanes.length; i++) needs.push({ a: i, b: i + 1, width: (headerWidth(lanes[i]) + headerWidth(lanes[i + 1])) / 2 + 12 });
    for (const event of events) {
        const width = labelWidth(event.lines);
        if (event.kind !== 'message') {
            const i = index.get(event.lane) ?? 0;
            needs.push({ a: i, b: i + 1, width: inset[i] + width + 12 });
            continue;
        }
        const from = index.get(event.from) ?? 0;
        const to = index.get(event.to) ?? 0;
        if (from === to) needs.push({ a: from, b: from + 1, width: Math.max(inset[from], LOOP_WIDTH) + 8 + width + 12 });
        else {
            const a = Math.min(from, to);
            needs.push({ a, b: Math.max(from, to), width: inset[a] + width + 12 });
        }
    }
    const gaps = lanes.map(() => MIN_LANE_GAP);
    gaps[lanes.length - 1] = lanes.length === 0 ? 0 : headerWidth(lanes[lanes.length - 1]) / 2;
    // Narrow needs first, so a wide one only adds what the narrow ones left it short.
    needs.sort((p, q) => p.b - p.a - (q.b - q.a) || p.a - q.a);
    for (const need of needs) {
        const span = gaps.slice(need.a, need.b);
        const short = need.width - span.reduce((sum, g) => sum + g, 0);
        if (short <= 0) continue;
        const each = Math.ceil(short / span.length);
        for (let i = need.a; i < need.b; i++) gaps[i] += each;
    }
    const x: number[] = [];
    let at = left + (lanes.length === 0 ? 0 : Math.max(MIN_LANE_GAP / 2, headerWidth(lanes[0]) / 2));
    for (let i = 0; i < lanes.length; i++) {
        x.push(Math.round(at));
        at += gaps[i];
    }
    const last = x.length === 0 ? left : x[x.length - 1];
    return { x, inset, right: Math.round(last + gaps[lanes.length - 1] + MARGIN) };
}
