import { GpioError } from './errors.js';

/**
 * A buzzer pattern is pure data: a timeline of durations in ms that alternate on, off, on, ...
 * starting with on. A trailing off duration is a silence the pattern owns (the next pattern
 * waits it out).
 */
export interface BuzzerPattern {
  readonly name: string;
  readonly timeline: readonly number[];
}

export type BuzzerPatternName = 'scan' | 'approved' | 'declined' | 'error';

export const BUZZER_PATTERNS: Readonly<Record<BuzzerPatternName, BuzzerPattern>> = Object.freeze({
  /** One short beep: a code was read. */
  scan: { name: 'scan', timeline: [60] },
  /** Two short beeps. */
  approved: { name: 'approved', timeline: [80, 80, 80] },
  /** One long beep. */
  declined: { name: 'declined', timeline: [700] },
  /** Three beeps, longer than the approved ones: something needs the cashier's attention. */
  error: { name: 'error', timeline: [200, 100, 200, 100, 200] },
});

/** One step of a timeline: hold the buzzer on or off for durationMs. */
export interface BuzzerStep {
  readonly on: boolean;
  readonly durationMs: number;
}

const MAX_STEP_MS = 5000;
const MAX_TOTAL_MS = 15_000;
const MAX_STEPS = 64;

/** Checks a pattern and turns it into steps; throws GpioError('bad_pattern') when it is malformed. */
export function patternSteps(pattern: BuzzerPattern): BuzzerStep[] {
  const { timeline } = pattern;
  const label = `buzzer pattern ${JSON.stringify(pattern.name)}`;
  if (!Array.isArray(timeline) || timeline.length === 0) throw new GpioError('bad_pattern', `${label}: empty timeline`);
  if (timeline.length > MAX_STEPS) throw new GpioError('bad_pattern', `${label}: more than ${MAX_STEPS} steps`);
  let total = 0;
  const steps = timeline.map((durationMs, i): BuzzerStep => {
    if (typeof durationMs !== 'number' || !Number.isInteger(durationMs) || durationMs < 1 || durationMs > MAX_STEP_MS) {
      throw new GpioError('bad_pattern', `${label}: step ${i} must be 1..${MAX_STEP_MS} whole ms, got ${JSON.stringify(durationMs)}`);
    }
    total += durationMs;
    return { on: i % 2 === 0, durationMs };
  });
  if (total > MAX_TOTAL_MS) throw new GpioError('bad_pattern', `${label}: lasts ${total} ms, more than ${MAX_TOTAL_MS}`);
  return steps;
}

export function resolvePattern(pattern: BuzzerPatternName | BuzzerPattern): BuzzerPattern {
  if (typeof pattern !== 'string') return pattern;
  const known = Object.hasOwn(BUZZER_PATTERNS, pattern) ? BUZZER_PATTERNS[pattern] : undefined;
  if (!known) throw new GpioError('bad_pattern', `unknown buzzer pattern ${JSON.stringify(pattern)} (${Object.keys(BUZZER_PATTERNS).join(', ')})`);
  return known;
}
