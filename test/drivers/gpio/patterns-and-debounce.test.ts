import { describe, expect, it } from 'vitest';
import { BUZZER_PATTERNS, patternSteps, resolvePattern } from '../../../src/drivers/gpio/buzzer-patterns.js';
import { initialDebounceState, observeLevel, settleLevel, type DebounceState } from '../../../src/drivers/gpio/debounce.js';

describe('buzzer patterns', () => {
  it('turn into on/off steps (golden)', () => {
    expect(patternSteps(BUZZER_PATTERNS.scan)).toEqual([{ on: true, durationMs: 60 }]);
    expect(patternSteps(BUZZER_PATTERNS.approved)).toEqual([
      { on: true, durationMs: 80 },
      { on: false, durationMs: 80 },
      { on: true, durationMs: 80 },
    ]);
    expect(patternSteps(BUZZER_PATTERNS.declined)).toEqual([{ on: true, durationMs: 700 }]);
    expect(patternSteps(BUZZER_PATTERNS.error)).toEqual([
      { on: true, durationMs: 200 },
      { on: false, durationMs: 100 },
      { on: true, durationMs: 200 },
      { on: false, durationMs: 100 },
      { on: true, durationMs: 200 },
    ]);
    expect(patternSteps({ name: 'tail', timeline: [10, 20] })).toEqual([
      { on: true, durationMs: 10 },
      { on: false, durationMs: 20 },
    ]);
  });

  it('are frozen data', () => {
    expect(Object.isFrozen(BUZZER_PATTERNS)).toBe(true);
    expect(resolvePattern('scan')).toBe(BUZZER_PATTERNS.scan);
  });

  it.each([
    ['empty', []],
    ['zero', [0]],
    ['negative', [50, -5, 50]],
    ['fractional', [50.5]],
    ['too long a step', [5001]],
    ['too long in all', [5000, 1, 5000, 1, 5000, 1]],
    ['too many steps', new Array(65).fill(10)],
  ])('rejects a %s timeline', (_why, timeline) => {
    expect(() => patternSteps({ name: 'x', timeline })).toThrow(expect.objectContaining({ code: 'bad_pattern' }));
  });

  it('rejects unknown names, including ones inherited from Object', () => {
    expect(() => resolvePattern('toString' as never)).toThrow(expect.objectContaining({ code: 'bad_pattern' }));
  });
});

describe('debounce state', () => {
  function run(levels: (boolean | 'settle')[]): { settled: (boolean | undefined)[][]; rearms: number } {
    let state: DebounceState = initialDebounceState;
    const settled: (boolean | undefined)[][] = [];
    let rearms = 0;
    for (const step of levels) {
      if (step === 'settle') {
        const result = settleLevel(state);
        state = result.state;
        if (result.settled) settled.push([result.settled.from, result.settled.to]);
      } else {
        const result = observeLevel(state, step);
        state = result.state;
        if (result.rearm) rearms++;
      }
    }
    return { settled, rearms };
  }

  it('settles the first level from undefined', () => {
    expect(run([false, 'settle'])).toEqual({ settled: [[undefined, false]], rearms: 1 });
  });

  it('re-arms on every change and on nothing else (plugins that report every sample)', () => {
    expect(run([false, false, false, true, true, false]).rearms).toBe(3);
  });

  it('gives one change for chatter that ends where it began plus one level', () => {
    expect(run([false, 'settle', true, false, true, false, true, 'settle'])).toEqual({
      settled: [
        [undefined, false],
        [false, true],
      ],
      rearms: 6,
    });
  });

  it('gives nothing for a glitch that returns before the quiet period ends', () => {
    expect(run([false, 'settle', true, false, 'settle']).settled).toEqual([[undefined, false]]);
  });
});
