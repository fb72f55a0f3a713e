/** The parts of a diagram, each a group whose `data-kind` says what it is, so tests can count them. */
import { DiagramEvent, MessageEvent, WaitBar } from './events.js';
import { Lane } from './lanes.js';
import { BAR_WIDTH, headerWidth, LaneLayout, LOOP_WIDTH, MARGIN } from './lane_positions.js';
import { BAD, BREAK_FILL, DEADLINE_FILL, DEADLINE_STROKE, INK, LATE, LIFELINE, MODEL_COLOUR, MUTED, WAIT_FILL } from './palette.js';
import { arrowhead, cross, group, label, line, rect, text } from './shapes.js';
import { Break, BREAK_HEIGHT, LOOP_HEIGHT, Row, TimeAxis } from './time_axis.js';
import { seconds, SIZE } from './text.js';
import { element, escapeXml } from './xml.js';

export const HEADER_HEIGHT = 26;

export function laneIndex(lanes: readonly Lane[], key: string): number {
    return lanes.findIndex((l) => l.key === key);
}

export function breakLabel(b: { elidedNs: bigint }): string {
    return `${seconds(b.elidedNs)} s later`;
}

export function drawBreak(b: Break, left: number, right: number, axisRight: number): string {
    const mid = (b.top + b.bottom) / 2;
    return group(
        { 'data-kind': 'break', 'data-elided-seconds': seconds(b.elidedNs).replace(/,/g, '') },
        rect(left + MARGIN, b.top + 4, right - left - 2 * MARGIN, BREAK_HEIGHT - 8, { fill: BREAK_FILL }) +
            line(left + MARGIN, b.top + 4, right - MARGIN, b.top + 4, LIFELINE, 1, '3 3') +
            line(left + MARGIN, b.bottom - 4, right - MARGIN, b.bottom - 4, LIFELINE, 1, '3 3') +
            text(axisRight, mid + 4, breakLabel(b), { size: SIZE.detail, fill: MUTED, anchor: 'end', italic: true })
    );
}

export function drawLane(lane: Lane, x: number, top: number, bottom: number, axis: TimeAxis): string {
    const width = headerWidth(lane);
    const system = lane.kind === 'system';
    const header =
        rect(x - width / 2, top, width, HEADER_HEIGHT, {
            rx: 4,
            fill: system ? '#fef2f2' : lane.kind === 'user' ? '#ffffff' : '#f9fafb',
            stroke: system ? BAD : INK,
            'stroke-width': 1.2,
            'stroke-dasharray': system ? '4 3' : undefined
        }) + text(x, top + 18, lane.label, { size: SIZE.header, fill: system ? BAD : INK, anchor: 'middle', bold: !system, italic: system });
    // The lifeline, interrupted where time is elided.
    const segments: string[] = [];
    let from = top + HEADER_HEIGHT;
    for (const b of axis.breaks) {
        segments.push(line(x, from, x, b.top + 4, system ? BAD : LIFELINE, 1, system ? '4 4' : undefined));
        segments.push(line(x, b.top + 4, x, b.bottom - 4, LIFELINE, 1, '1 4'));
        from = b.bottom - 4;
    }
    segments.push(line(x, from, x, bottom, system ? BAD : LIFELINE, 1, system ? '4 4' : undefined));
    return group({ 'data-kind': 'lane', 'data-lane': lane.label }, segments.join('') + header);
}

export function drawBar(bar: WaitBar, x: number, rows: ReadonlyMap<DiagramEvent, Row>, bottom: number): string {
    const top = (rows.get(bar.start) as Row).y;
    const end = bar.end === undefined ? bottom : (rows.get(bar.end) as Row).y;
    const bestEffort = bar.model === 'best-effort';
    return group(
        { 'data-kind': bestEffort ? 'deadline-bar' : 'wait-bar', 'data-entry': bar.start.entry },
        rect(x, top, BAR_WIDTH, Math.max(2, end - top), {
            fill: bestEffort ? DEADLINE_FILL : WAIT_FILL,
            stroke: bestEffort ? DEADLINE_STROKE : MODEL_COLOUR.guaranteed,
            'stroke-width': 1
        })
    );
}

export function drawEvent(event: DiagramEvent, row: Row, lanes: readonly Lane[], positions: LaneLayout, origin: bigint): string {
    if (event.kind !== 'message') {
        const i = laneIndex(lanes, event.lane);
        const x = positions.x[i];
        const tick = event.kind === 'deadline' ? line(x - 6, row.y, x + positions.inset[i] - 4, row.y, DEADLINE_STROKE, 2) : '';
        return group(
            { 'data-kind': event.kind, 'data-entry': event.entry },
            tick + text(x + positions.inset[i], row.y + 4, event.lines[0].text, { size: SIZE.detail, fill: event.kind === 'deadline' ? DEADLINE_STROKE : MUTED, italic: true })
        );
    }
    return drawMessage(event, row, lanes, positions, origin);
}

function drawMessage(event: MessageEvent, row: Row, lanes: readonly Lane[], positions: LaneLayout, origin: bigint): string {
    const from = laneIndex(lanes, event.from);
    const to = laneIndex(lanes, event.to);
    const x1 = positions.x[from];
    const x2 = positions.x[to];
    const y = row.y;
    const colour = event.role === 'sys-unknown' ? BAD : event.role === 'late-response' ? LATE : MODEL_COLOUR[event.model];
    const response = event.role !== 'request' && event.role !== 'request-dropped';
    const dash = response ? '6 4' : undefined;
    let shape: string;
    let labelX: number;
    if (from === to) {
        shape =
            element('path', { d: `M${x1} ${y}H${x1 + LOOP_WIDTH}V${y + LOOP_HEIGHT}H${x1 + 9}`, fill: 'none', stroke: colour, 'stroke-width': 1.5, 'stroke-dasharray': dash }) +
            arrowhead(x1 + 1, y + LOOP_HEIGHT, -1, colour);
        labelX = x1 + Math.max(positions.inset[from], LOOP_WIDTH) + 8;
    } else {
        const direction = x2 > x1 ? 1 : -1;
        const mid = Math.round((x1 + x2) / 2);
        if (event.cross === 'middle') shape = line(x1, y, mid, y, colour, 1.5, dash) + cross(mid, y);
        else {
            shape = line(x1, y, x2 - direction * 8, y, colour, 1.5, dash) + arrowhead(x2, y, direction, colour);
            if (event.cross === 'end') shape += cross(x2 - direction * 22, y);
        }
        labelX = Math.min(x1, x2) + positions.inset[Math.min(from, to)];
    }
    const kind = event.role === 'sys-unknown' ? 'sys-unknown' : event.role === 'late-response' ? 'late-response' : 'arrow';
    const said = [...event.lines.map((l) => l.text), ...(event.note === undefined ? [] : [event.note])].join(', ');
    const tooltip = `${lanes[from].label} -> ${lanes[to].label} at t+${seconds(event.at - origin)} s: ${said}`;
    return group(
        { 'data-kind': kind, 'data-message': event.role, 'data-entry': event.entry, 'data-from': lanes[from].label, 'data-to': lanes[to].label },
        element('title', {}, escapeXml(tooltip)) + shape + label(labelX, row.top, event.lines)
    );
}
