/** The key to the symbols, in rows that wrap within `width`. */
import { lineHeight, SIZE, textWidth } from './text.js';
import { BAD, BREAK_FILL, DEADLINE_FILL, DEADLINE_STROKE, LATE, LIFELINE, MODEL_COLOUR, MUTED, WAIT_FILL } from './palette.js';
import { arrowhead, cross, group, line, rect, text } from './shapes.js';

const SAMPLE = 30;

interface Item {
    readonly sample: (x: number, y: number) => string;
    readonly text: string;
}

const arrow = (colour: string, dash?: string) => (x: number, y: number) => line(x, y, x + SAMPLE - 8, y, colour, 1.5, dash) + arrowhead(x + SAMPLE, y, 1, colour);

const ITEMS: readonly Item[] = [
    { sample: arrow(MODEL_COLOUR.guaranteed), text: 'guaranteed-response call' },
    { sample: arrow(MODEL_COLOUR['best-effort']), text: 'best-effort call' },
    { sample: arrow(MODEL_COLOUR.ingress), text: 'ingress' },
    { sample: arrow(MODEL_COLOUR.guaranteed, '6 4'), text: 'response' },
    { sample: (x, y) => rect(x + 12, y - 8, 6, 16, { fill: WAIT_FILL, stroke: MODEL_COLOUR.guaranteed, 'stroke-width': 1 }), text: 'waiting, no deadline' },
    { sample: (x, y) => rect(x + 12, y - 8, 6, 16, { fill: DEADLINE_FILL, stroke: DEADLINE_STROKE, 'stroke-width': 1 }), text: 'waiting, until the deadline' },
    { sample: arrow(BAD, '6 4'), text: 'SYS_UNKNOWN from the system' },
    { sample: (x, y) => line(x, y, x + SAMPLE, y, LATE, 1.5, '6 4') + cross(x + SAMPLE / 2, y), text: 'dropped' },
    { sample: (x, y) => rect(x, y - 7, SAMPLE, 14, { fill: BREAK_FILL }) + line(x, y - 7, x + SAMPLE, y - 7, LIFELINE, 1, '3 3'), text: 'time elided' }
];

/** The legend's widest item: a drawing at least this wide keeps every item inside it. */
export const LEGEND_MIN_WIDTH = Math.max(...ITEMS.map((item) => SAMPLE + 8 + textWidth(item.text, SIZE.detail)));

export function legend(left: number, top: number, width: number): { body: string; height: number } {
    const rowHeight = lineHeight(SIZE.detail) + 6;
    let x = left;
    let y = top + rowHeight / 2 + 4;
    const parts: string[] = [];
    for (const item of ITEMS) {
        const itemWidth = SAMPLE + 8 + textWidth(item.text, SIZE.detail);
        if (x > left && x + itemWidth > left + width) {
            x = left;
            y += rowHeight;
        }
        parts.push(item.sample(x, y) + text(x + SAMPLE + 8, y + 4, item.text, { size: SIZE.detail, fill: MUTED }));
        x += itemWidth + 20;
    }
    return { body: group({ 'data-kind': 'legend' }, parts.join('')), height: y + rowHeight / 2 - top };
}
