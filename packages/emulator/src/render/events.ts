import { RejectCode } from '../errors.js';
import { Model, TraceEntry } from '../trace.js';
import { SYSTEM, senderLane } from './lanes.js';
import { groupDigits, seconds } from './text.js';

/** How a line of a label is printed: the method name stands out, gains and losses are coloured. */
export type Tone = 'strong' | 'plain' | 'good' | 'bad';

export interface Line {
    readonly text: string;
    readonly tone: Tone;
}

/**
 * What an arrow is. `sys-unknown` comes from the system at a best-effort deadline;
 * `late-response` is a response that arrived after it and was dropped.
 */
export type Role = 'request' | 'request-dropped' | 'reply' | 'reject' | 'response-dropped' | 'sys-unknown' | 'late-response';

interface Timed {
    /** Virtual time, ns since the epoch. */
    readonly at: bigint;
    /** Tie-break at equal times, in causal order: marks, SYS_UNKNOWN, responses, late ones, requests. */
    readonly phase: number;
    /** The trace entry this event belongs to. */
    readonly entry: number;
    readonly lines: readonly Line[];
}

export interface MessageEvent extends Timed {
    readonly kind: 'message';
    readonly role: Role;
    readonly from: string;
    readonly to: string;
    readonly model: Model;
    /** Where the arrow is crossed out: a message dropped on the way, or dropped on arrival. */
    readonly cross: 'middle' | 'end' | undefined;
    /** Said on hover only: a reject's message. */
    readonly note?: string;
}

export interface MarkEvent extends Timed {
    /** `deadline`: a best-effort deadline passed; `pending`: no response by the end of the trace. */
    readonly kind: 'deadline' | 'pending';
    readonly lane: string;
}

export type DiagramEvent = MessageEvent | MarkEvent;

/**
 * A calling canister's wait on its lifeline, from the request to the response; under a
 * best-effort call, to the deadline at the latest.
 */
export interface WaitBar {
    readonly lane: string;
    readonly model: 'guaranteed' | 'best-effort';
    readonly start: DiagramEvent;
    /** Undefined: still waiting when the trace ends. */
    readonly end: DiagramEvent | undefined;
}

const PHASE = { deadline: 0, sysUnknown: 1, response: 2, late: 3, request: 4, pending: 5 } as const;

/** Rejects the system produces itself (the interface spec's SYS_FATAL, SYS_TRANSIENT, DESTINATION_INVALID). */
const SYSTEM_REJECTS: ReadonlySet<number> = new Set([RejectCode.SysFatal, RejectCode.SysTransient, RejectCode.DestinationInvalid]);

/** SysUnknown -> SYS_UNKNOWN: the spec's spelling of each reject code. */
const REJECT_NAMES = new Map<number, string>(
    Object.entries(RejectCode).map(([name, code]) => [code, name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()])
);

/**
 * The events of a trace, sorted as they are drawn top to bottom, and the callers' wait bars
 * that span them.
 */
export function eventsOf(entries: readonly TraceEntry[]): { events: DiagramEvent[]; bars: WaitBar[] } {
    const events: DiagramEvent[] = [];
    const bars: { -readonly [K in keyof WaitBar]: WaitBar[K] }[] = [];
    const pending: TraceEntry[] = [];
    for (const e of entries) {
        const from = senderLane(e);
        const role = e.outcome.kind === 'request dropped' ? 'request-dropped' : 'request';
        const request = message(e, role, e.sentAt, PHASE.request, from, e.to, requestLines(e));
        events.push(request);
        const waits = e.model === 'best-effort' || e.model === 'guaranteed';
        const bar = waits ? { lane: from, model: e.model, start: request, end: undefined as DiagramEvent | undefined } : undefined;
        if (bar !== undefined) bars.push(bar);
        const end = responseEvents(e, from);
        events.push(...end.events);
        if (bar !== undefined) bar.end = end.barEnd;
        if (e.completedAt === undefined) pending.push(e);
        if (e.lateResponseAt !== undefined) {
            events.push(message(e, 'late-response', e.lateResponseAt, PHASE.late, e.to, from, [{ text: 'late response dropped', tone: 'bad' }]));
        }
    }
    const last = events.reduce((max, ev) => (ev.at > max ? ev.at : max), 0n);
    for (const e of pending) {
        events.push({ kind: 'pending', at: last, phase: PHASE.pending, entry: e.id, lane: senderLane(e), lines: [{ text: `${e.method}: no response yet`, tone: 'plain' }] });
    }
    events.sort(byDrawingOrder);
    return { events, bars };
}

function byDrawingOrder(a: DiagramEvent, b: DiagramEvent): number {
    if (a.at !== b.at) return a.at < b.at ? -1 : 1;
    if (a.phase !== b.phase) return a.phase - b.phase;
    // Responses at the same time: the inner call's (a later entry) first, as it caused the outer one's.
    return a.phase === PHASE.response ? b.entry - a.entry : a.entry - b.entry;
}

function message(e: TraceEntry, role: Role, at: bigint, phase: number, from: string, to: string, lines: Line[]): MessageEvent {
    const cross = role === 'request-dropped' || role === 'response-dropped' ? 'middle' : role === 'late-response' ? 'end' : undefined;
    return { kind: 'message', role, at, phase, entry: e.id, from, to, model: e.model, cross, lines };
}

function requestLines(e: TraceEntry): Line[] {
    const lines: Line[] = [{ text: e.method, tone: 'strong' }, { text: modelText(e), tone: 'plain' }];
    if (e.cycles > 0n) lines.push({ text: `+${groupDigits(e.cycles)} cycles attached`, tone: 'plain' });
    if (e.outcome.kind === 'request dropped') lines.push({ text: 'request dropped', tone: 'bad' });
    if (e.model === 'timer' && e.outcome.kind === 'rejected') lines.push({ text: 'trapped', tone: 'bad' });
    return lines;
}

function modelText(e: TraceEntry): string {
    switch (e.model) {
        case 'best-effort':
            return `best-effort, timeout ${seconds(e.deadline - e.sentAt)} s`;
        case 'guaranteed':
            return 'guaranteed response';
        case 'ingress':
            return 'ingress';
        case 'timer':
            return 'timer';
    }
}

/** The response arrows of one entry, and the event its deadline bar ends at. */
function responseEvents(e: TraceEntry, caller: string): { events: DiagramEvent[]; barEnd: DiagramEvent | undefined } {
    const at = e.completedAt;
    const o = e.outcome;
    if (at === undefined || e.model === 'timer') return { events: [], barEnd: undefined };
    if (o.kind === 'replied') {
        const reply = message(e, 'reply', at, PHASE.response, e.to, caller, [{ text: 'reply', tone: 'strong' }, ...refundLines(e)]);
        return { events: [reply], barEnd: reply };
    }
    if (o.kind === 'rejected' && o.code !== RejectCode.SysUnknown) {
        const from = SYSTEM_REJECTS.has(o.code) ? SYSTEM : e.to;
        const lines: Line[] = [{ text: `reject ${rejectName(o.code)}`, tone: 'strong' }, ...refundLines(e)];
        const reject = { ...message(e, 'reject', at, PHASE.response, from, caller, lines), note: o.message };
        return { events: [reject], barEnd: reject };
    }
    if (o.kind === 'timed out in queue') {
        // Never inducted: the system answers SYS_TRANSIENT with every cycle back.
        const lines: Line[] = [{ text: 'reject SYS_TRANSIENT', tone: 'strong' }, ...refundLines(e)];
        const reject = { ...message(e, 'reject', at, PHASE.response, SYSTEM, caller, lines), note: 'Request timed out.' };
        return { events: [reject], barEnd: reject };
    }
    const events: DiagramEvent[] = [];
    if (o.kind === 'response dropped') {
        events.push(message(e, 'response-dropped', at, PHASE.response, e.to, caller, [{ text: 'response dropped', tone: 'bad' }]));
    }
    const sysUnknownAt = o.kind === 'expired' || o.kind === 'rejected' ? at : e.sysUnknownAt;
    if (sysUnknownAt === undefined) return { events, barEnd: undefined };
    let mark: MarkEvent | undefined;
    if (e.model === 'best-effort') {
        const deadline = e.deadline > e.sentAt ? e.deadline : e.sentAt;
        mark = {
            kind: 'deadline',
            at: deadline < sysUnknownAt ? deadline : sysUnknownAt,
            phase: PHASE.deadline,
            entry: e.id,
            lane: caller,
            lines: [{ text: `deadline of ${e.method}`, tone: 'plain' }]
        };
        events.push(mark);
    }
    // Today's replica credits unaccepted cycles later, with no callback; the 2024 one lost them.
    const lost = e.cycles - e.refunded - e.creditedLater;
    const sysUnknown = message(e, 'sys-unknown', sysUnknownAt, PHASE.sysUnknown, SYSTEM, caller, [
        { text: 'SYS_UNKNOWN', tone: 'strong' },
        ...(e.refunded > 0n ? [{ text: `${groupDigits(e.refunded)} cycles refunded`, tone: 'good' as const }] : []),
        ...(e.creditedLater > 0n ? [{ text: `${groupDigits(e.creditedLater)} cycles credited later`, tone: 'good' as const }] : []),
        ...(lost > 0n ? [{ text: `${groupDigits(lost)} cycles not back`, tone: 'bad' as const }] : [])
    ]);
    events.push(sysUnknown);
    return { events, barEnd: mark };
}

function refundLines(e: TraceEntry): Line[] {
    if (e.cycles === 0n) return [];
    const kept = e.cycles - e.refunded;
    if (kept === 0n) return [{ text: `${groupDigits(e.refunded)} cycles refunded`, tone: 'good' }];
    if (e.refunded === 0n) return [{ text: `${groupDigits(kept)} cycles kept by the callee`, tone: 'plain' }];
    return [{ text: `${groupDigits(e.refunded)} refunded, ${groupDigits(kept)} kept`, tone: 'plain' }];
}

function rejectName(code: number): string {
    return REJECT_NAMES.get(code) ?? `code ${code}`;
}
