import { TraceEntry } from '@response-models/emulator';
import type { EmulatorHarness } from '../../harness/emulator_harness';
import { harnessFor, prepare } from '../../harness/prepare';
import { Harness, Network } from '../../harness/types';
import { selectScenarios, Step } from './scenarios';
import { timeline } from './timeline';

export interface ScenarioReport {
    name: string;
    title: string;
    ok: boolean;
    summary: string;
    facts: Record<string, string | number | boolean>;
    steps: Step[];
    timeline: string[];
    error?: string;
    /** On the emulator: the messages the scenario sent, for its diagram. Not part of --json. */
    trace?: ScenarioTrace;
}

/**
 * The emulator's trace of one scenario: the messages it sent, as they stand at the end of the run
 * (entries are the emulator's own, so a late response that arrives during the next scenario is
 * still drawn in this one). In memory only: `--json` leaves it out (its times are bigints).
 */
export class ScenarioTrace {
    constructor(
        readonly entries: readonly TraceEntry[],
        /** Display names by principal: the three canisters. */
        readonly names: ReadonlyMap<string, string>,
        /** When the scenario started, ns since the epoch. */
        readonly since: bigint
    ) {}

    /** JSON.stringify leaves out a property whose toJSON returns undefined: --json keeps its schema. */
    toJSON(): undefined {
        return undefined;
    }
}

export interface DemoReport {
    network: Network;
    scenarios: ScenarioReport[];
    passed: number;
    failed: number;
}

export interface DemoOptions {
    /** emulator, local (dfx), or a network's URL: see harnessFor. */
    network: string;
    only: string[];
    /** Receives human-readable lines as they happen (the demo's live output). */
    print: (line: string) => void;
    /** Receives progress while the demo waits (a countdown). */
    progress?: (text: string) => void;
}

/** The in-process harness, whose emulator's trace the report draws; undefined over HTTP. */
function onEmulator(h: Harness): EmulatorHarness | undefined {
    return h.network === 'emulator' ? (h as EmulatorHarness) : undefined;
}

export async function runDemo(options: DemoOptions): Promise<DemoReport> {
    const scenarios = selectScenarios(options.only);
    const h = await harnessFor(options.network);
    const names = new Map([
        [h.caller.toText(), 'caller'],
        [h.callee.toText(), 'untrusted_callee'],
        [h.ledger.toText(), 'ledger_mock']
    ]);
    h.onWait = options.progress;
    await prepare(h);
    const reports: ScenarioReport[] = [];
    try {
        for (const scenario of scenarios) {
            options.print(`\n== ${scenario.name}: ${scenario.title}`);
            const started = await h.now();
            // Where the scenario's messages begin in the trace: not by time, which inner rounds
            // may leave unchanged from the previous scenario's last call.
            const inProcess = onEmulator(h);
            const traceStart = inProcess === undefined ? 0 : inProcess.em.trace().length;
            const steps: Step[] = [];
            const say = async (text: string) => {
                const at = Number((await h.now()) - started) / 1e9;
                steps.push({ at, text });
                options.print(`  [t+${at.toFixed(1).padStart(6)}s] ${text}`);
            };
            const report: ScenarioReport = { name: scenario.name, title: scenario.title, ok: false, summary: '', facts: {}, steps, timeline: [] };
            try {
                const otherGeneration =
                    inProcess !== undefined
                        ? async () => (await import('../../harness/emulator_harness')).EmulatorHarness.deploy({ profile: h.generation === 'current' ? 'dfx-0.24.1-beta.1' : 'current' })
                        : undefined;
                Object.assign(report, await scenario.run({ h, say, virtual: h.virtual, otherGeneration }));
            } catch (e) {
                report.error = e instanceof Error ? e.message : String(e);
                report.summary = `failed: ${report.error}`;
            }
            if (inProcess !== undefined) {
                const entries = inProcess.em.trace().slice(traceStart);
                report.timeline = timeline(entries, names, started);
                report.trace = new ScenarioTrace(entries, names, started);
                if (report.timeline.length > 0) options.print('  timeline:');
                for (const line of report.timeline) options.print(line);
            }
            options.print(`  => ${report.ok ? 'OK' : 'FAILED'}: ${report.summary}`);
            reports.push(report);
        }
    } finally {
        await h.close();
    }
    const passed = reports.filter((r) => r.ok).length;
    return { network: h.network, scenarios: reports, passed, failed: reports.length - passed };
}
