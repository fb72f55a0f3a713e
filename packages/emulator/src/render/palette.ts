import { Model } from '../trace.js';
import { Tone } from './events.js';

/** Colours, chosen for contrast on white (each text colour is at least 4.5:1, WCAG AA). */
export const INK = '#111827';
export const MUTED = '#4b5563';
export const GOOD = '#15803d';
export const BAD = '#b91c1c';
export const LIFELINE = '#9ca3af';
export const BREAK_FILL = '#f3f4f6';
export const DEADLINE_FILL = '#fde68a';
export const DEADLINE_STROKE = '#b45309';
export const WAIT_FILL = '#ede9fe';
export const LATE = '#6b7280';

export const MODEL_COLOUR: Readonly<Record<Model, string>> = {
    ingress: '#374151',
    guaranteed: '#6d28d9',
    'best-effort': '#0369a1',
    timer: '#4b5563'
};

export const TONE_COLOUR: Readonly<Record<Tone, string>> = { strong: INK, plain: MUTED, good: GOOD, bad: BAD };
