/**
 * Sequence diagrams of the emulator's trace, as SVG: a lifeline per participant, an arrow per
 * message, the best-effort deadline as a bar on the caller's lifeline, SYS_UNKNOWN from the
 * system, late responses crossed out, cycles attached, refunded and lost, and virtual time going
 * down, compressed where nothing happens.
 *
 * Hand-written SVG, not a library. Of the sequence-diagram renderers on npm, mermaid (12.x) lays
 * out text in a browser DOM and brings d3, cytoscape and dagre; svg-sequence-diagram (1.x) is
 * made for the browser too; neither has a time axis, gaps or bars on a lifeline, which are the
 * point here. Generic SVG builders (svg.js) need a DOM (svgdom) to run in Node. What this module
 * draws is lines, rectangles and monospace text, whose widths can be computed without measuring,
 * so a few hundred lines give deterministic output (same trace, same bytes) with no dependency,
 * no network and no browser at render time.
 */
import { TraceEntry } from '../trace.js';
import { breakLabel, drawBar, drawBreak, drawEvent, drawLane, HEADER_HEIGHT, laneIndex } from './diagram_parts.js';
import { DiagramEvent, eventsOf, WaitBar } from './events.js';
import { orderLanes } from './lanes.js';
import { BAR_STEP, layoutLanes, MARGIN } from './lane_positions.js';
import { legend, LEGEND_MIN_WIDTH } from './legend.js';
import { INK, MUTED } from './palette.js';
import { group, rect, text } from './shapes.js';
import { layoutTimeAxis, Row } from './time_axis.js';
import { FONT_FAMILY, SIZE, textWidth } from './text.js';
import { element, escapeXml, startTag } from './xml.js';

//#region options

export interface SequenceDiagramOptions {
    /**
     * Display names by principal text, for canisters and for users (ingress senders). Defaults to
     * none: the management canister is "management", a single user "user", other canisters their
     * shortened id.
     */
    names?: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
    /**
     * Leave out messages sent before this time (ns since the epoch, as in the trace) and label
     * times relative to it. Defaults to the first message's send time, with nothing left out.
     */
    since?: bigint;
    /** Which messages to draw. Defaults to all of them. */
    include?: (entry: TraceEntry) => boolean;
    /** A heading above the diagram. Defaults to none. */
    title?: string;
    /** A quiet stretch longer than this many seconds is drawn as a break labelled with its length (default 10). */
    breakAfterSeconds?: number;
    /** Draw at most this many messages, the latest ones; a note says how many were left out (default 500). */
    maxMessages?: number;
    /** Draw the key to the symbols below the diagram (default true). */
    legend?: boolean;
}

/** One diagram of several drawn side by side by {@link renderPanels}. */
export interface DiagramPanel {
    entries: readonly TraceEntry[];
    options?: Omit<SequenceDiagramOptions, 'legend'>;
}

//#endregion

/**
 * Draws the trace (or part of it) as a sequence diagram.
 *
 * To draw several side by side in one picture, see {@link renderPanels}.
 *
 * @param entries the trace, as `em.trace()` returns it
 * @param options names, time window, filter and title, see {@link SequenceDiagramOptions}
 * @returns a standalone SVG document; the same trace and options always give the same bytes
 *
 * @example
 * import { readFileSync, writeFileSync } from 'node:fs';
 * import { Emulator, renderSequenceDiagram } from '@response-models/emulator';
 * import { idlFactory, type _SERVICE } from './src/declarations/untrusted_callee/untrusted_callee.did.js';
 *
 * const em = await Emulator.create();
 * const callee = await em.setupCanister({ wasm: readFileSync('build/untrusted_callee/untrusted_callee.wasm') });
 * await em.createActor<_SERVICE>(idlFactory, callee).echo('hello');
 * writeFileSync('trace.svg', renderSequenceDiagram(em.trace(), { names: { [callee.toText()]: 'untrusted_callee' } }));
 */
export function renderSequenceDiagram(entries: readonly TraceEntry[], options: SequenceDiagramOptions = {}): string {
    const diagram = drawDiagram(entries, options, 0);
    const withLegend = options.legend ?? true;
    const width = withLegend ? Math.max(diagram.width, LEGEND_MIN_WIDTH + 2 * MARGIN) : diagram.width;
    let body = diagram.body;
    let height = diagram.height;
    if (withLegend) {
        const key = legend(MARGIN, height, width - 2 * MARGIN);
        body += `\n${key.body}`;
        height += key.height + MARGIN;
    }
    return svgDocument(width, height, options.title ?? 'sequence diagram', body);
}

/**
 * Draws several diagrams in one picture, side by side or one above the other, each with its own
 * title, above one legend.
 *
 * To draw one, see {@link renderSequenceDiagram}.
 *
 * @param panels the diagrams, left to right or top to bottom, see {@link DiagramPanel}
 * @param options.title the picture's accessible name (default: the panels' titles)
 * @param options.stacked one above the other (default false: side by side); a stacked picture is
 * narrower, so a page that fits it to its width shrinks its text less
 */
export function renderPanels(panels: readonly DiagramPanel[], options: { title?: string; stacked?: boolean } = {}): string {
    let width = 0;
    let height = 0;
    let body = '';
    for (const panel of panels) {
        const diagram = drawDiagram(panel.entries, panel.options ?? {}, options.stacked === true ? 0 : width);
        const placed = options.stacked === true && height > 0 ? group({ transform: `translate(0 ${height})` }, diagram.body) : diagram.body;
        body += body === '' ? placed : `\n${placed}`;
        width = options.stacked === true ? Math.max(width, diagram.width) : width + diagram.width;
        height = options.stacked === true ? height + diagram.height : Math.max(height, diagram.height);
    }
    width = Math.max(width, LEGEND_MIN_WIDTH + 2 * MARGIN);
    const key = legend(MARGIN, height, width - 2 * MARGIN);
    const title = options.title ?? panels.map((p) => p.options?.title ?? 'sequence diagram').join(' | ');
    return svgDocument(width, height + key.height + MARGIN, title, `${body}\n${key.body}`);
}

function svgDocument(width: number, height: number, title: string, body: string): string {
    const open = startTag('svg', {
        xmlns: 'http://www.w3.org/2000/svg',
        width,
        height,
        viewBox: `0 0 ${width} ${height}`,
        'font-family': FONT_FAMILY,
        role: 'img',
        'data-kind': 'sequence-diagram'
    });
    const background = rect(0, 0, width, height, { fill: '#ffffff' });
    // One part per line, so that a change to a committed picture reads as a diff of a few lines.
    return `${open}\n${element('title', {}, escapeXml(title))}\n${background}\n${body}\n</svg>\n`;
}

interface Drawing {
    readonly width: number;
    readonly height: number;
    readonly body: string;
}

const TITLE_HEIGHT = 24;

/** One diagram, its left edge at `left`, without a legend. */
function drawDiagram(entries: readonly TraceEntry[], options: SequenceDiagramOptions, left: number): Drawing {
    const names = options.names instanceof Map ? options.names : new Map(Object.entries(options.names ?? {}));
    const since = options.since;
    let chosen = entries.filter((e) => (since === undefined || e.sentAt >= since) && (options.include?.(e) ?? true));
    const max = options.maxMessages ?? 500;
    const leftOut = Math.max(0, chosen.length - max);
    if (leftOut > 0) chosen = chosen.slice(leftOut);
    const { events, bars } = eventsOf(chosen);
    const lanes = orderLanes(laneKeys(events), names);

    const heading: string[] = [];
    if (options.title !== undefined) heading.push(options.title);
    if (leftOut > 0) heading.push(`the first ${leftOut} messages are not drawn`);
    if (events.length === 0) heading.push('no messages');
    const headerTop = MARGIN + heading.length * TITLE_HEIGHT;
    const origin = since ?? chosen[0]?.sentAt ?? 0n;
    const axis = layoutTimeAxis(events, {
        top: headerTop + HEADER_HEIGHT + 14,
        origin,
        breakAfterNs: BigInt(Math.round((options.breakAfterSeconds ?? 10) * 1e9))
    });
    const rows = new Map(events.map((event, i) => [event, axis.rows[i]]));
    const slots = barSlots(bars, rows, axis.bottom);
    const axisLabels = [...axis.rows.map((r) => r.time ?? ''), ...axis.breaks.map(breakLabel)];
    const axisRight = left + MARGIN + Math.max(0, ...axisLabels.map((t) => textWidth(t, SIZE.detail)));
    const positions = layoutLanes(lanes, events, slots.perLane, axisRight + 12);
    const headingWidth = Math.max(0, ...heading.map((h, i) => textWidth(h, i === 0 && options.title !== undefined ? SIZE.title : SIZE.detail)));
    const right = Math.max(positions.right, left + MARGIN + headingWidth + MARGIN);
    const bottom = axis.bottom + 8;

    const parts: string[] = [];
    heading.forEach((h, i) => {
        const isTitle = i === 0 && options.title !== undefined;
        parts.push(text(left + MARGIN, MARGIN + i * TITLE_HEIGHT + 16, h, { size: isTitle ? SIZE.title : SIZE.detail, fill: isTitle ? INK : MUTED, bold: isTitle, italic: !isTitle }));
    });
    for (const b of axis.breaks) parts.push(drawBreak(b, left, right, axisRight));
    lanes.forEach((lane, i) => parts.push(drawLane(lane, positions.x[i], headerTop, bottom, axis)));
    bars.forEach((bar, i) => parts.push(drawBar(bar, positions.x[laneIndex(lanes, bar.lane)] + 3 + slots.slot[i] * BAR_STEP, rows, axis.bottom)));
    for (const row of axis.rows) {
        if (row.time !== undefined) parts.push(group({ 'data-kind': 'time' }, text(axisRight, row.y + 4, row.time, { size: SIZE.detail, fill: MUTED, anchor: 'end' })));
    }
    for (const event of events) parts.push(drawEvent(event, rows.get(event) as Row, lanes, positions, origin));
    return { width: right - left, height: bottom, body: parts.join('\n') };
}

function laneKeys(events: readonly DiagramEvent[]): string[] {
    const keys = new Set<string>();
    for (const e of events) {
        if (e.kind === 'message') {
            keys.add(e.from);
            keys.add(e.to);
        } else keys.add(e.lane);
    }
    return [...keys];
}

/** Side by side when wait bars on one lifeline overlap in time: the first free place from the lifeline out. */
function barSlots(bars: readonly WaitBar[], rows: ReadonlyMap<DiagramEvent, Row>, bottom: number): { slot: number[]; perLane: Map<string, number> } {
    const slot: number[] = [];
    const perLane = new Map<string, number>();
    const busyUntil = new Map<string, number[]>();
    for (const bar of bars) {
        const start = (rows.get(bar.start) as Row).y;
        const end = bar.end === undefined ? bottom : (rows.get(bar.end) as Row).y;
        const taken = busyUntil.get(bar.lane) ?? [];
        let s = taken.findIndex((until) => until < start);
        if (s === -1) s = taken.length;
        taken[s] = end;
        busyUntil.set(bar.lane, taken);
        slot.push(s);
        perLane.set(bar.lane, Math.max(perLane.get(bar.lane) ?? 0, s + 1));
    }
    return { slot, perLane };
}
