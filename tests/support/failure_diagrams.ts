/**
 * When a scenario test fails, the trace of each emulator it used is drawn as a sequence diagram
 * under test-output/diagrams/ (or $TRACE_DIAGRAM_DIR), and the failure names the file: the trace
 * is the first thing one wants to see of a failed scenario.
 *
 * An emulator takes part once {@link drawTraceOnFailure} is called with it (tests/scenarios/world.ts
 * does so for every world it deploys). Importing this module adds a beforeEach, which notes where
 * each trace stands when the test starts, and an afterEach, which draws what the test sent if it
 * failed. Whether it failed comes from the test environment (tests/support/trace_environment.cjs).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import { Emulator, renderSequenceDiagram, TraceEntry } from '@response-models/emulator';
import { ROOT } from '../../harness/root';

export const DIAGRAM_DIR = process.env.TRACE_DIAGRAM_DIR ?? join(ROOT, 'test-output', 'diagrams');

const FAILED = Symbol.for('ic-response-models.test-failed');

interface Watched {
    readonly em: Emulator;
    readonly names: ReadonlyMap<string, string>;
    /** Messages sent before this time belong to earlier tests. */
    since: bigint;
    /** Deployed by the running test, so forgotten when it ends. */
    readonly ownTest: boolean;
}

let watched: Watched[] = [];
let inTest = false;

/** Draws this emulator's trace if the test that is running (or a later one in this file) fails. */
export function drawTraceOnFailure(em: Emulator, names: ReadonlyMap<string, string>): void {
    watched.push({ em, names, since: em.timeNs, ownTest: inTest });
}

/**
 * What a failure diagram leaves out: calls a canister makes to itself (Azle's timer executor,
 * the hanging callee's loop) and the timers that start them; `em.trace()` has them all.
 */
function drawn(entry: TraceEntry): boolean {
    return entry.model !== 'timer' && entry.from !== entry.to;
}

/** A file name from a test name: letters, digits, dots, dashes and underscores only. */
function fileStem(testName: string): string {
    const stem = testName.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
    return (stem === '' ? 'test' : stem).slice(0, 150);
}

function writeDiagrams(testName: string): string[] {
    mkdirSync(DIAGRAM_DIR, { recursive: true });
    const traced = watched.filter((w) => w.em.trace().some((e) => e.sentAt >= w.since && drawn(e)));
    return traced.map((w, i) => {
        const file = join(DIAGRAM_DIR, `${fileStem(testName)}${traced.length > 1 ? `-${i + 1}` : ''}.svg`);
        writeFileSync(file, renderSequenceDiagram(w.em.trace(), { names: w.names, since: w.since, include: drawn, title: testName }));
        return file;
    });
}

beforeEach(() => {
    inTest = true;
    for (const w of watched) w.since = w.em.timeNs;
});

afterEach(() => {
    inTest = false;
    const failed = (globalThis as Record<symbol, unknown>)[FAILED] === true;
    const files = failed ? writeDiagrams(expect.getState().currentTestName ?? 'test') : [];
    watched = watched.filter((w) => !w.ownTest);
    if (files.length > 0) {
        const shown = files.map((f) => (f.startsWith(ROOT) ? relative(ROOT, f) : f));
        const note = new Error(`the trace of this failed test is drawn in ${shown.join(', ')}`);
        note.stack = `${note.name}: ${note.message}`; // where this hook threw says nothing about the test
        throw note;
    }
});
