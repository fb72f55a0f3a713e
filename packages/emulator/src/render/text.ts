/**
 * Text sizes and number formats. Widths are estimated, not measured: no DOM or font file is
 * needed at render time, and a monospace font makes the estimate safe.
 */

/** Monospace first; every face named has an advance of at most 0.61 em (see {@link CHAR_EM}). */
export const FONT_FAMILY = "'DejaVu Sans Mono', Menlo, 'Liberation Mono', 'Courier New', monospace";

/** Text sizes in px; 11 px is the smallest the diagrams use, so that they stay legible unscaled. */
export const SIZE = { label: 12, detail: 11, header: 13, title: 14 } as const;

/**
 * Advance width of one character, in em, rounded up: DejaVu Sans Mono and Menlo 1233/2048
 * (0.602), Liberation Mono and Courier New 1229/2048 (0.600), from each font's hmtx table.
 */
const CHAR_EM = 0.61;

/**
 * Height of one line of text, in em: DejaVu Sans Mono's ascent plus descent is 0.928 + 0.236 =
 * 1.164 em (its hhea table); a line box a little taller keeps stacked lines from touching.
 */
export const LINE_EM = 1.3;

export function textWidth(text: string, size: number): number {
    return Math.ceil([...text].length * size * CHAR_EM);
}

export function lineHeight(size: number): number {
    return Math.ceil(size * LINE_EM);
}

/** 1000000000n -> "1,000,000,000", the same in every locale. */
export function groupDigits(n: bigint): string {
    const digits = (n < 0n ? -n : n).toString();
    const groups: string[] = [];
    for (let end = digits.length; end > 0; end -= 3) groups.unshift(digits.slice(Math.max(0, end - 3), end));
    return `${n < 0n ? '-' : ''}${groups.join(',')}`;
}

/** Nanoseconds as seconds: whole seconds without decimals, otherwise at most three. */
export function seconds(ns: bigint): string {
    const whole = ns / 1_000_000_000n;
    const rest = ns % 1_000_000_000n;
    if (rest === 0n) return groupDigits(whole);
    const fraction = (rest < 0n ? -rest : rest).toString().padStart(9, '0').slice(0, 3).replace(/0+$/, '');
    const sign = ns < 0n && whole === 0n ? '-' : '';
    return fraction === '' ? `${sign}${groupDigits(whole)}` : `${sign}${groupDigits(whole)}.${fraction}`;
}
