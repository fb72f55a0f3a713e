import { DiagramPanel, renderSequenceDiagram, TraceEntry } from '@response-models/emulator';
import { ScenarioReport } from './run';
import { HIDDEN, MOST_OF_A_KIND } from './timeline';

/**
 * Management calls that are plumbing, not story: status polls, and the chunk uploads that carry
 * a module too large for one message (the install itself, install_chunked_code, is drawn).
 */
const PLUMBING = new Set(['canister_status', 'upload_chunk', 'clear_chunk_store', 'stored_chunks']);

/**
 * What a scenario's diagram shows: what the timeline shows, and the management canister too
 * (stopping, upgrading and starting are the story of some scenarios), but not its plumbing.
 */
function drawn(entry: TraceEntry): boolean {
    return !HIDDEN.has(entry.method) && !PLUMBING.has(entry.method) && entry.model !== 'timer';
}

/** The scenario's trace, its names and its title, ready to draw; undefined off the emulator (no trace). */
export function scenarioPanel(report: ScenarioReport): DiagramPanel | undefined {
    const trace = report.trace;
    if (trace === undefined) return undefined;
    const seen = new Map<string, number>();
    const include = (entry: TraceEntry): boolean => {
        if (!drawn(entry)) return false;
        const kind = `${entry.from} ${entry.to} ${entry.method}`;
        const n = (seen.get(kind) ?? 0) + 1;
        seen.set(kind, n);
        return n <= MOST_OF_A_KIND;
    };
    const entries = trace.entries.filter(include);
    return {
        entries,
        options: { names: trace.names, since: trace.since, title: `${report.name}: ${report.title}` }
    };
}

/** The scenario's trace as an SVG sequence diagram; undefined off the emulator. */
export function scenarioDiagram(report: ScenarioReport): string | undefined {
    const panel = scenarioPanel(report);
    return panel === undefined ? undefined : renderSequenceDiagram(panel.entries, panel.options);
}
