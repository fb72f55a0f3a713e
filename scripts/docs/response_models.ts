import { join } from 'node:path';

import { renderPanels } from '@response-models/emulator';
import { ROOT } from '../../harness/root';
import { scenarioPanel } from '../demo/diagram';
import { runDemo } from '../demo/run';

/** The README's picture of the two response models. */
export const RESPONSE_MODELS_SVG = join(ROOT, 'docs', 'response-models.svg');

/** Each model, drawn from the demo scenario that shows it. */
const PANELS = [
    { scenario: 'hang', title: 'guaranteed response: the caller waits as long as the callee likes' },
    { scenario: 'timeouts', title: 'best-effort response: SYS_UNKNOWN at the deadline, late replies dropped' }
] as const;

/**
 * Runs the two scenarios on the embedded emulator and draws them one above the other. Virtual time, a
 * fixed seed and start time make every run the same, so the picture is the same bytes each time.
 */
export async function drawResponseModels(): Promise<string> {
    const report = await runDemo({ network: 'emulator', only: PANELS.map((p) => p.scenario), print: () => undefined });
    const panels = PANELS.map(({ scenario, title }) => {
        const run = report.scenarios.find((s) => s.name === scenario);
        const panel = run === undefined ? undefined : scenarioPanel(run);
        if (run === undefined || panel === undefined || !run.ok) throw new Error(`the demo scenario ${scenario} did not run as described: ${run?.summary ?? 'missing'}`);
        return { entries: panel.entries, options: { ...panel.options, title } };
    });
    // One above the other: narrow enough that a README shows it at full size.
    return renderPanels(panels, { title: 'The two response models, drawn from a run of the demo on the embedded emulator', stacked: true });
}
