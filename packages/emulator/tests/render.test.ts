/**
 * The sequence-diagram renderer, on hand-made traces: what a best-effort call that expires
 * looks like, how time is compressed, and that any method name comes out as well-formed SVG.
 */
import { renderPanels, renderSequenceDiagram, TraceEntry, TraceOutcome } from '../src/index.js';

const SECOND = 1_000_000_000n;
const T0 = 1_735_689_600n * SECOND; // 2025-01-01, the emulator's default start
const USER = 'xkbqi-2qaaa-aaaah-qbpqq-cai-user';
const CALLER = 'bkyz2-fmaaa-aaaaa-qaaaq-cai';
const CALLEE = 'bd3sg-teaaa-aaaaa-qaaba-cai';
const NAMES = { [CALLER]: 'caller', [CALLEE]: 'callee' };

/** One message sent at `at` seconds; `id` is its place in the trace. */
function entry(fields: Partial<TraceEntry> & Pick<TraceEntry, 'model' | 'from' | 'to' | 'method'>, at: number): TraceEntry {
    return {
        id: 0,
        deadline: 0n,
        cycles: 0n,
        sentAt: T0 + BigInt(at) * SECOND,
        sentRound: at,
        outcome: { kind: 'replied' } as TraceOutcome,
        completedAt: undefined,
        lateResponseDropped: false,
        lateResponseAt: undefined,
        sysUnknownAt: undefined,
        refunded: 0n,
        creditedLater: 0n,
        creditedAt: undefined,
        ...fields
    };
}

function trace(...entries: TraceEntry[]): TraceEntry[] {
    return entries.map((e, id) => ({ ...e, id }));
}

const at = (s: number) => T0 + BigInt(s) * SECOND;

/** A user calls the caller, which calls the callee with a 10 s timeout; the callee answers at 20 s. */
function expiredCall(method = 'slow'): TraceEntry[] {
    return trace(
        entry({ model: 'ingress', from: USER, to: CALLER, method: 'go', completedAt: at(13) }, 0),
        entry(
            {
                model: 'best-effort',
                from: CALLER,
                to: CALLEE,
                method,
                deadline: at(11),
                cycles: 5_000n,
                outcome: { kind: 'expired' },
                completedAt: at(12),
                sysUnknownAt: at(12),
                lateResponseDropped: true,
                lateResponseAt: at(20)
            },
            1
        )
    );
}

/** The groups of one data-kind, each as its markup. */
function groups(svg: string, kind: string): string[] {
    return [...svg.matchAll(new RegExp(`<g data-kind="${kind}"[^>]*>.*?</g>`, 'g'))].map((m) => m[0]);
}

function width(svg: string): number {
    return Number(/<svg [^>]*width="(\d+)"/.exec(svg)?.[1]);
}

function height(svg: string): number {
    return Number(/<svg [^>]*height="(\d+)"/.exec(svg)?.[1]);
}

/** Every tag closes in order, and text and attributes hold no raw `<` or stray `&`. */
function assertWellFormed(svg: string): void {
    const stack: string[] = [];
    const tokens = svg.trim().split(/(<[^>]*>)/).filter((t) => t !== '');
    for (const token of tokens) {
        if (token.startsWith('</')) expect(stack.pop()).toBe(token.slice(2, -1));
        else if (token.startsWith('<')) {
            expect(token).toMatch(/^<[a-z]+( [a-zA-Z0-9:-]+="[^"<]*")*\/?>$/);
            expect(token.replace(/&(amp|lt|gt|quot|apos);/g, '')).not.toContain('&');
            if (!token.endsWith('/>')) stack.push(/^<([a-z]+)/.exec(token)?.[1] ?? '');
        } else {
            expect(token).not.toContain('<');
            expect(token.replace(/&(amp|lt|gt|quot|apos);/g, '')).not.toContain('&');
        }
    }
    expect(stack).toEqual([]);
}

describe('a best-effort call that expires, drawn', () => {
    const svg = renderSequenceDiagram(expiredCall(), { names: NAMES });

    it('has the deadline as a bar on the caller’s lifeline, ending at a deadline mark', () => {
        expect(groups(svg, 'deadline-bar')).toHaveLength(1);
        expect(groups(svg, 'deadline')).toHaveLength(1);
        expect(groups(svg, 'deadline')[0]).toContain('deadline of slow');
    });

    it('has SYS_UNKNOWN coming from the system, to the caller, with the attached cycles not back (the trace credits none later)', () => {
        const [sysUnknown] = groups(svg, 'sys-unknown');
        expect(groups(svg, 'sys-unknown')).toHaveLength(1);
        expect(sysUnknown).toContain('data-from="system" data-to="caller"');
        expect(sysUnknown).toContain('>SYS_UNKNOWN</text>');
        expect(sysUnknown).toContain('5,000 cycles not back');
        expect(groups(svg, 'lane')[0]).toContain('data-lane="system"');
    });

    it('has the late response crossed out, from the callee to the caller', () => {
        const late = groups(svg, 'late-response');
        expect(late).toHaveLength(1);
        expect(late[0]).toContain('data-from="callee" data-to="caller"');
        expect(late[0]).toContain('late response dropped');
        expect(late[0].match(/<line [^>]*stroke="#b91c1c" stroke-width="2.5"/g)).toHaveLength(2); // the cross
    });

    it('has an arrow per message sent and per answer: request and reply of the ingress, the call', () => {
        expect(groups(svg, 'arrow').map((g) => /data-message="([a-z-]+)"/.exec(g)?.[1])).toEqual(['request', 'request', 'reply']);
        expect(svg).toContain('best-effort, timeout 10 s');
        expect(svg).toContain('+5,000 cycles attached');
    });

    it('labels virtual time relative to the first message', () => {
        expect(groups(svg, 'time').map((g) => />(t\+[^<]*)</.exec(g)?.[1])).toEqual(['t+0 s', 't+1 s', 't+11 s', 't+12 s', 't+13 s', 't+20 s']);
    });

    it('is the same bytes every time', () => {
        expect(renderSequenceDiagram(expiredCall(), { names: NAMES })).toBe(svg);
    });
});

describe('time on the vertical axis', () => {
    const pause = (seconds: number) =>
        trace(
            entry({ model: 'ingress', from: USER, to: CALLER, method: 'hang', completedAt: at(seconds) }, 0),
            entry({ model: 'guaranteed', from: CALLER, to: CALLEE, method: 'hang', completedAt: at(seconds - 1) }, 1)
        );

    it('draws a 3000 s wait as a break of bounded height labelled with the elided time', () => {
        const long = renderSequenceDiagram(pause(3_000));
        const [gap] = groups(long, 'break');
        expect(gap).toContain('data-elided-seconds="2998"');
        expect(gap).toContain('2,998 s later');
        expect(height(long)).toBe(height(renderSequenceDiagram(pause(300))));
        expect(height(long)).toBeLessThan(500);
    });

    it('draws a short pause to scale, without a break', () => {
        const short = renderSequenceDiagram(pause(8));
        expect(groups(short, 'break')).toHaveLength(0);
        expect(height(short)).toBeGreaterThan(height(renderSequenceDiagram(pause(4))));
    });

    it('leaves out messages sent before `since` and counts time from it', () => {
        const svg = renderSequenceDiagram(expiredCall(), { since: at(1) });
        expect(groups(svg, 'arrow').map((g) => /data-message="([a-z-]+)"/.exec(g)?.[1])).toEqual(['request']);
        expect(groups(svg, 'time')[0]).toContain('t+0 s');
    });
});

describe('text in the diagram', () => {
    it('is escaped: a method name with < & " and a quote comes out as text, in well-formed markup', () => {
        const method = `<script>alert("x") & 'y'</script>`;
        const svg = renderSequenceDiagram(expiredCall(method), { names: NAMES, title: 'a < b & "c"' });
        assertWellFormed(svg);
        expect(svg).not.toContain('<script>');
        expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;) &amp; &apos;y&apos;&lt;/script&gt;');
        expect(svg).toContain('<title>a &lt; b &amp; &quot;c&quot;</title>');
    });

    it('replaces what XML cannot carry (a NUL, a lone surrogate) with U+FFFD', () => {
        const svg = renderSequenceDiagram(expiredCall('a\u0000b\uD800c'), { names: NAMES });
        assertWellFormed(svg);
        expect(svg).toContain('a\uFFFDb\uFFFDc');
    });
});

describe('other outcomes', () => {
    it('a dropped request is crossed out on the way, and the caller still gets SYS_UNKNOWN', () => {
        const svg = renderSequenceDiagram([
            entry({ model: 'best-effort', from: CALLER, to: CALLEE, method: 'm', deadline: at(5), outcome: { kind: 'request dropped' }, completedAt: at(0), sysUnknownAt: at(6) }, 0)
        ]);
        expect(groups(svg, 'arrow')[0]).toContain('data-message="request-dropped"');
        expect(groups(svg, 'sys-unknown')).toHaveLength(1);
    });

    it('a dropped response is crossed out, and SYS_UNKNOWN follows at the deadline', () => {
        const svg = renderSequenceDiagram([
            entry({ model: 'best-effort', from: CALLER, to: CALLEE, method: 'm', deadline: at(5), outcome: { kind: 'response dropped' }, completedAt: at(2), sysUnknownAt: at(6) }, 0)
        ]);
        expect(groups(svg, 'arrow').map((g) => /data-message="([a-z-]+)"/.exec(g)?.[1])).toEqual(['request', 'response-dropped']);
        expect(groups(svg, 'sys-unknown')).toHaveLength(1);
    });

    it('a system reject comes from the system; a callee’s reject from the callee, with the refund', () => {
        const svg = renderSequenceDiagram(
            trace(
                entry({ model: 'guaranteed', from: CALLER, to: CALLEE, method: 'a', outcome: { kind: 'rejected', code: 2, message: 'queue full' }, completedAt: at(1) }, 0),
                entry({ model: 'guaranteed', from: CALLER, to: CALLEE, method: 'b', cycles: 7n, refunded: 7n, outcome: { kind: 'rejected', code: 4, message: 'no' }, completedAt: at(3) }, 2)
            ),
            { names: NAMES }
        );
        const rejects = groups(svg, 'arrow').filter((g) => g.includes('data-message="reject"'));
        expect(rejects[0]).toContain('data-from="system"');
        expect(rejects[0]).toContain('reject SYS_TRANSIENT');
        expect(rejects[0]).toContain('queue full'); // on hover
        expect(rejects[1]).toContain('data-from="callee"');
        expect(rejects[1]).toContain('7 cycles refunded');
        expect(groups(svg, 'wait-bar')).toHaveLength(2);
    });

    it('a call still outstanding at the end of the trace says so', () => {
        const svg = renderSequenceDiagram([entry({ model: 'guaranteed', from: CALLER, to: CALLEE, method: 'hang', outcome: { kind: 'pending' } }, 0)], { names: NAMES });
        expect(groups(svg, 'pending')[0]).toContain('hang: no response yet');
    });

    it('a call a canister makes to itself is a loop on its lifeline', () => {
        const svg = renderSequenceDiagram([entry({ model: 'guaranteed', from: CALLER, to: CALLER, method: 'again', completedAt: at(1) }, 0)], { names: NAMES });
        expect(groups(svg, 'arrow')[0]).toMatch(/<path d="M\d+ \d+H/);
    });

    it('an empty trace still draws, and says there is nothing to draw', () => {
        const svg = renderSequenceDiagram([]);
        assertWellFormed(svg);
        expect(svg).toContain('no messages');
    });
});

describe('several diagrams and long traces', () => {
    it('panels stand side by side in one picture, above one legend', () => {
        const one = renderSequenceDiagram(expiredCall(), { names: NAMES, title: 'one', legend: false });
        const two = renderPanels([
            { entries: expiredCall(), options: { names: NAMES, title: 'one' } },
            { entries: expiredCall(), options: { names: NAMES, title: 'two' } }
        ]);
        expect(width(two)).toBe(2 * width(one));
        expect(groups(two, 'legend')).toHaveLength(1);
        expect(groups(two, 'sys-unknown')).toHaveLength(2);
        assertWellFormed(two);
    });

    it('stacked panels stand one above the other, as wide as the widest', () => {
        const one = renderSequenceDiagram(expiredCall(), { names: NAMES, title: 'one', legend: false });
        const stacked = renderPanels(
            [
                { entries: expiredCall(), options: { names: NAMES, title: 'one' } },
                { entries: expiredCall(), options: { names: NAMES, title: 'two' } }
            ],
            { stacked: true }
        );
        expect(width(stacked)).toBe(width(one));
        expect(height(stacked)).toBeGreaterThan(2 * height(one));
        expect(stacked).toContain(`<g transform="translate(0 ${height(one)})">`);
    });

    it('draws at most maxMessages messages, the latest, and says how many it left out', () => {
        const many = trace(...Array.from({ length: 30 }, (_, i) => entry({ model: 'ingress', from: USER, to: CALLER, method: `m${i}`, completedAt: at(i + 1) }, i)));
        const svg = renderSequenceDiagram(many, { maxMessages: 10 });
        expect(groups(svg, 'arrow').filter((g) => g.includes('data-message="request"'))).toHaveLength(10);
        expect(svg).toContain('the first 20 messages are not drawn');
        expect(svg).toContain('>m29</text>');
        expect(svg).not.toContain('>m19</text>');
    });
});
