/**
 * `npm run demo -- --html <file>` writes one self-contained page, and a real browser shows it as
 * meant: Debian's chromium, headless, driven by puppeteer-core. Without that browser this test
 * fails and says how to install it; it is never skipped.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

import puppeteer, { Browser, Page } from 'puppeteer-core';

import { SCENARIOS } from '../../scripts/demo/scenarios';
import { ROOT } from '../../harness/root';
import { runScript } from '../support/run_script';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = join(ROOT, 'test-output', 'html-report.png');

/**
 * What each scenario's diagram must show, from what the scenario does (scripts/demo/scenarios.ts):
 * the requests in order, how many of them get a reply or reject arrow back, how many end in
 * SYS_UNKNOWN from the system instead, and how many late responses are crossed out.
 */
const EXPECTED: Record<string, { requests: string[]; answered: number; sysUnknown: number; late: number }> = {
    // A stranger's unbounded and cycle-carrying requests are refused (no call goes out); the bounded one times out.
    trust: { requests: ['call_callee', 'call_callee', 'call_callee', 'behave', 'release'], answered: 4, sysUnknown: 1, late: 1 },
    // Two ingress calls, each making one call to the callee (guaranteed, then best-effort); all answered.
    deadlines: { requests: ['demonstrate_deadlines', 'deadline', 'demonstrate_deadlines', 'deadline'], answered: 4, sysUnknown: 0, late: 0 },
    // Both bounded calls to the hanging callee time out; once released, the callee answers both, too late.
    timeouts: { requests: ['call_callee', 'behave', 'demonstrate_timeouts', 'behave', 'release'], answered: 3, sysUnknown: 2, late: 2 },
    // The unbounded call waits 3000 s and is answered when the callee lets go: no SYS_UNKNOWN ever.
    hang: { requests: ['call_callee', 'behave', 'release'], answered: 3, sysUnknown: 0, late: 0 },
    // The first stop request gives up (SYS_TRANSIENT); the 15 s bounded call ends in SYS_UNKNOWN and lets the stop through.
    'stop-upgrade': {
        // The upgrade is chunked: the module is larger than one ingress message (2 MiB), as dfx and icp do it.
        requests: ['call_callee', 'behave', 'stop_canister', 'release', 'stop_canister', 'start_canister', 'call_callee', 'behave', 'stop_canister', 'install_chunked_code', 'start_canister', 'release'],
        answered: 11,
        sysUnknown: 1,
        late: 1
    },
    // The rejected unbounded call refunds its cycles; the timed-out bounded one ends in SYS_UNKNOWN.
    cycles: { requests: ['call_callee', 'behave', 'call_callee', 'behave', 'release'], answered: 4, sysUnknown: 1, late: 1 },
    // The first ledger call times out and its reply comes late; the retry is answered.
    'safe-transfer': { requests: ['set_faults', 'transfer', 'icrc1_transfer', 'icrc1_transfer', 'set_faults'], answered: 4, sysUnknown: 1, late: 1 },
    // One guaranteed ledger call, answered after the ledger's delay.
    'guaranteed-transfer': { requests: ['set_faults', 'transfer_unbounded', 'icrc1_transfer', 'set_faults'], answered: 4, sysUnknown: 0, late: 0 },
    // 500 calls of work go out (the diagram draws the first five); all end in SYS_UNKNOWN, their late replies crossed out.
    load: { requests: ['configure', 'fan_out', 'work', 'work', 'work', 'work', 'work', 'stop_canister', 'start_canister', 'release', 'configure'], answered: 6, sysUnknown: 5, late: 5 }
};

interface DiagramFacts {
    scenario: string;
    diagrams: number;
    requests: string[];
    answered: number;
    sysUnknown: number;
    late: number;
}

interface TextProblem {
    scenario: string;
    text: string;
    problem: string;
}

describe('the demo’s HTML report', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'demo-report-')), 'demo-report.html');
    const profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
    let run: ReturnType<typeof runScript>;
    let browser: Browser | undefined;
    let page: Page;
    const errors: string[] = [];
    const requests: string[] = [];

    beforeAll(async () => {
        if (!existsSync(CHROMIUM)) {
            throw new Error(`no browser at ${CHROMIUM}: this test opens the demo's HTML report in Debian's chromium; install it with apt-get install -y chromium (.ci/run does)`);
        }
        const started = process.hrtime.bigint();
        run = runScript('demo.ts', ['--html', file]);
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        console.log(`npm run demo -- --html wrote the report in ${seconds.toFixed(1)} s (after the build)`);
        browser = await puppeteer.launch({
            executablePath: CHROMIUM,
            headless: true,
            userDataDir: profile,
            args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
        });
        page = await browser.newPage();
        page.on('console', (message) => {
            if (message.type() === 'error') errors.push(message.text());
        });
        page.on('pageerror', (error) => errors.push(String(error)));
        page.on('requestfailed', (request) => errors.push(`request failed: ${request.url()}`));
        page.on('request', (request) => requests.push(request.url()));
        await page.setViewport({ width: 1280, height: 900 });
        await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    }, 180_000);

    afterAll(async () => {
        await browser?.close();
        rmSync(profile, { recursive: true, force: true });
        rmSync(dirname(file), { recursive: true, force: true });
    });

    it('is written by npm run demo -- --html <file>, which names it', () => {
        expect(run.status).toBe(0);
        expect(run.stdout).toContain(`HTML report: ${file}`);
        expect(readFileSync(file, 'utf8')).toMatch(/^<!doctype html>/);
    });

    it('opens from disk with no console error and loads nothing but itself: no script, no external URL', async () => {
        expect(errors).toEqual([]);
        expect(requests).toEqual([pathToFileURL(file).href]);
        expect(await page.$$('script, link, img, iframe, object')).toHaveLength(0);
    });

    it('has the summary table, one row per scenario, each OK', async () => {
        const rows = await page.$$eval('table.summary tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent)));
        expect(rows.map((r) => r[0])).toEqual(SCENARIOS.map((s) => s.name));
        expect(rows.map((r) => r[1])).toEqual(SCENARIOS.map(() => 'OK'));
    });

    it('has, per scenario, its narration and one diagram with the arrows and SYS_UNKNOWN marks the scenario implies', async () => {
        const facts: DiagramFacts[] = await page.$$eval('section.scenario', (sections) =>
            sections.map((section) => {
                const svg = section.querySelector('svg[data-kind="sequence-diagram"]');
                const arrows = Array.from(svg?.querySelectorAll('g[data-kind="arrow"]') ?? []);
                return {
                    scenario: section.getAttribute('data-scenario') ?? '',
                    diagrams: section.querySelectorAll('svg[data-kind="sequence-diagram"]').length,
                    requests: arrows.filter((g) => g.getAttribute('data-message') === 'request').map((g) => g.querySelector('text')?.textContent ?? ''),
                    answered: arrows.filter((g) => ['reply', 'reject'].includes(g.getAttribute('data-message') ?? '')).length,
                    sysUnknown: svg?.querySelectorAll('g[data-kind="sys-unknown"]').length ?? 0,
                    late: svg?.querySelectorAll('g[data-kind="late-response"]').length ?? 0
                };
            })
        );
        expect(facts.map((f) => f.scenario)).toEqual(SCENARIOS.map((s) => s.name));
        for (const f of facts) expect({ scenario: f.scenario, diagrams: f.diagrams, requests: f.requests, answered: f.answered, sysUnknown: f.sysUnknown, late: f.late }).toEqual({ scenario: f.scenario, diagrams: 1, ...EXPECTED[f.scenario] });
        const narrated = await page.$$eval('section.scenario', (sections) => sections.map((s) => s.querySelectorAll('ol.steps li').length));
        expect(narrated.every((n) => n > 0)).toBe(true);
    });

    it('has legible text: at least 11 px at the default size, none overlapping, none outside its diagram', async () => {
        const { problems, checked }: { problems: TextProblem[]; checked: number } = await page.$$eval('section.scenario', (sections) => {
            const found: { scenario: string; text: string; problem: string }[] = [];
            let count = 0;
            for (const section of sections) {
                const scenario = section.getAttribute('data-scenario') ?? '';
                const svg = section.querySelector('svg') as SVGSVGElement;
                const view = svg.viewBox.baseVal;
                const scale = svg.getBoundingClientRect().width / view.width;
                if (scale < 1) found.push({ scenario, text: '(diagram)', problem: `shown at ${scale.toFixed(2)} of its size` });
                const boxes = Array.from(svg.querySelectorAll('text'), (t) => ({ t, box: t.getBBox(), size: parseFloat(getComputedStyle(t).fontSize) }));
                count += boxes.length;
                for (const { t, box, size } of boxes) {
                    const text = t.textContent ?? '';
                    if (size * scale < 11) found.push({ scenario, text, problem: `font size ${size * scale} px` });
                    if (box.x < 0 || box.y < 0 || box.x + box.width > view.width || box.y + box.height > view.height) found.push({ scenario, text, problem: 'outside the viewBox' });
                }
                for (let i = 0; i < boxes.length; i++) {
                    for (let j = i + 1; j < boxes.length; j++) {
                        const a = boxes[i].box;
                        const b = boxes[j].box;
                        const overlap = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x) > 0.5 && Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y) > 0.5;
                        if (overlap) found.push({ scenario, text: `${boxes[i].t.textContent} / ${boxes[j].t.textContent}`, problem: 'overlapping' });
                    }
                }
            }
            return { problems: found, checked: count };
        });
        expect(problems).toEqual([]);
        expect(checked).toBeGreaterThan(200); // every label of seven diagrams
        const pageText = await page.$$eval('h1, h2, p, li, th, td', (elements) => elements.map((e) => parseFloat(getComputedStyle(e).fontSize)));
        expect(Math.min(...pageText)).toBeGreaterThanOrEqual(11);
    });

    it('is kept as a screenshot under test-output/ (a CI artifact)', async () => {
        mkdirSync(join(ROOT, 'test-output'), { recursive: true });
        await page.screenshot({ path: SCREENSHOT, fullPage: true });
        expect(readFileSync(SCREENSHOT).subarray(1, 4).toString()).toBe('PNG');
    });

    it('without a file name, --html is a usage error', () => {
        const bad = runScript('demo.ts', ['--html']);
        expect(bad.status).toBe(2);
        expect(bad.stderr).toMatch(/--html takes a file name/);
    });
});
