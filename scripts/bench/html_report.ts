import { htmlReport } from '../demo/html_report';
import { scenarioDiagram } from '../demo/diagram';
import { runDemo } from '../demo/run';
import { Measurement, median, time } from './measure';

/** What `npm run demo -- --html` spends after the build: the walkthrough, then the page with its diagrams. */
export async function benchHtmlReport(): Promise<Measurement[]> {
    const run = await time(() => runDemo({ network: 'emulator', only: [], print: () => undefined }));
    const report = run.value;
    const renders: number[] = [];
    let page = '';
    for (let i = 0; i < 5; i++) {
        const t = await time(() => htmlReport(report));
        renders.push(t.ms);
        page = t.value;
    }
    const diagrams = report.scenarios.map((s) => scenarioDiagram(s) ?? '');
    const largest = Math.max(...diagrams.map((d) => d.length));
    return [
        { name: 'walkthrough, all scenarios (emulator)', value: run.ms, unit: 'ms', note: `${report.scenarios.length} scenarios` },
        { name: 'html report (page + diagrams)', value: median(renders), unit: 'ms', note: 'median of 5' },
        { name: 'html report size', value: page.length / 1024, unit: 'KiB', note: `${diagrams.length} inline SVG diagrams` },
        { name: 'largest diagram', value: largest / 1024, unit: 'KiB' }
    ];
}
