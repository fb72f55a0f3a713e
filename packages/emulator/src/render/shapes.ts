/** SVG primitives the diagram is made of. No ids and no markers: many diagrams can share one page. */
import { Line } from './events.js';
import { TONE_COLOUR, BAD } from './palette.js';
import { lineHeight, SIZE } from './text.js';
import { element, escapeXml } from './xml.js';

export interface TextStyle {
    readonly size: number;
    readonly fill: string;
    readonly anchor?: 'start' | 'middle' | 'end';
    readonly bold?: boolean;
    readonly italic?: boolean;
}

/** Text with a white halo, so it stays legible where it crosses a lifeline. */
export function text(x: number, y: number, content: string, style: TextStyle): string {
    return element(
        'text',
        {
            x,
            y,
            'font-size': style.size,
            fill: style.fill,
            'text-anchor': style.anchor,
            'font-weight': style.bold === true ? 'bold' : undefined,
            'font-style': style.italic === true ? 'italic' : undefined,
            stroke: '#ffffff',
            'stroke-width': 3,
            'stroke-linejoin': 'round',
            'paint-order': 'stroke'
        },
        escapeXml(content)
    );
}

/** A label of one or more lines; the first, in the label size, ends just above `bottom`. */
export function label(x: number, top: number, lines: readonly Line[]): string {
    let y = top;
    return lines
        .map((line, i) => {
            const size = i === 0 ? SIZE.label : SIZE.detail;
            y += lineHeight(size);
            return text(x, y - 4, line.text, { size, fill: TONE_COLOUR[line.tone], bold: line.tone === 'strong' });
        })
        .join('');
}

export function line(x1: number, y1: number, x2: number, y2: number, stroke: string, width = 1.5, dash?: string): string {
    return element('line', { x1, y1, x2, y2, stroke, 'stroke-width': width, 'stroke-dasharray': dash });
}

/** An arrowhead whose tip is at (x, y), pointing right (`direction` 1) or left (-1). */
export function arrowhead(x: number, y: number, direction: 1 | -1, fill: string): string {
    const back = x - direction * 9;
    return element('polygon', { points: `${x},${y} ${back},${y - 4.5} ${back},${y + 4.5}`, fill });
}

/** A cross that strikes out a message. */
export function cross(x: number, y: number): string {
    const r = 6;
    return line(x - r, y - r, x + r, y + r, BAD, 2.5) + line(x - r, y + r, x + r, y - r, BAD, 2.5);
}

export function rect(x: number, y: number, width: number, height: number, attributes: Record<string, string | number | undefined>): string {
    return element('rect', { x, y, width, height, ...attributes });
}

export function group(attributes: Record<string, string | number | undefined>, content: string): string {
    return element('g', attributes, content);
}
