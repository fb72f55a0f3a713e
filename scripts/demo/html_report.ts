/**
 * The demo as one HTML page: the summary table, then per scenario its narration and its
 * sequence diagram. Self-contained (inline SVG and CSS, no script, no external URL), so it
 * opens from disk and can be kept as a build artifact.
 */
import { scenarioDiagram } from './diagram';
import { DemoReport, ScenarioReport } from './run';

/** Text safe in HTML content and in a double-quoted attribute. */
function escape(text: string): string {
    return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const STYLE = `
:root { color-scheme: light; }
body { font: 16px/1.5 system-ui, -apple-system, 'Segoe UI', sans-serif; color: #111827; background: #ffffff; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin: 0 0 0.5rem; }
h2 { font-size: 1.25rem; margin: 2.5rem 0 0.5rem; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { text-align: left; padding: 0.3rem 0.8rem; border-bottom: 1px solid #e5e7eb; vertical-align: top; }
.ok { color: #15803d; font-weight: 600; }
.failed { color: #b91c1c; font-weight: 600; }
ol.steps { padding-left: 1.5rem; }
ol.steps .at { font-family: 'DejaVu Sans Mono', Menlo, monospace; color: #4b5563; margin-right: 0.6rem; }
.diagram { overflow-x: auto; margin: 1rem 0; border: 1px solid #e5e7eb; }
.diagram svg { display: block; max-width: none; }
code { font-family: 'DejaVu Sans Mono', Menlo, monospace; font-size: 0.9em; }
`;

/** The whole page. Same report, same bytes: nothing in it depends on the clock. */
export function htmlReport(report: DemoReport): string {
    const where =
        report.network === 'emulator' ? 'the embedded emulator, in virtual time' : report.network === 'local' ? 'a dfx local replica, in real time' : 'a network over HTTP';
    return [
        '<!doctype html>',
        '<html lang="en">',
        '<head>',
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<title>Response models on the Internet Computer: the demo</title>',
        `<style>${STYLE}</style>`,
        '</head>',
        '<body>',
        '<h1>Response models on the Internet Computer: the demo</h1>',
        `<p>Each scenario of <code>npm run demo</code>, run on ${escape(where)}: what it showed, and every message it sent as a sequence diagram.</p>`,
        summaryTable(report),
        ...report.scenarios.map(scenarioSection),
        '</body>',
        '</html>',
        ''
    ].join('\n');
}

function verdict(s: ScenarioReport): string {
    return s.ok ? '<span class="ok">OK</span>' : '<span class="failed">FAILED</span>';
}

function summaryTable(report: DemoReport): string {
    const rows = report.scenarios.map(
        (s) => `<tr><td><a href="#scenario-${escape(s.name)}">${escape(s.name)}</a></td><td>${verdict(s)}</td><td>${escape(s.summary)}</td></tr>`
    );
    return [
        '<h2 id="summary">Summary</h2>',
        '<table class="summary">',
        '<thead><tr><th>scenario</th><th>result</th><th>what happened</th></tr></thead>',
        `<tbody>${rows.join('')}</tbody>`,
        '</table>',
        `<p>${report.passed} of ${report.scenarios.length} scenarios behaved as described.</p>`
    ].join('\n');
}

function scenarioSection(s: ScenarioReport): string {
    const steps = s.steps.map((step) => `<li><span class="at">t+${step.at.toFixed(1)} s</span>${escape(step.text)}</li>`);
    const diagram = scenarioDiagram(s);
    return [
        `<section class="scenario" id="scenario-${escape(s.name)}" data-scenario="${escape(s.name)}">`,
        `<h2>${escape(s.name)}: ${escape(s.title)}</h2>`,
        `<p>${verdict(s)}: ${escape(s.summary)}</p>`,
        s.error === undefined ? '' : `<p class="failed">${escape(s.error)}</p>`,
        steps.length === 0 ? '' : `<ol class="steps">${steps.join('')}</ol>`,
        diagram === undefined ? '<p>No diagram: only the embedded emulator keeps a trace.</p>' : `<div class="diagram">${diagram}</div>`,
        '</section>'
    ]
        .filter((line) => line !== '')
        .join('\n');
}
