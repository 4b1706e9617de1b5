import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BUZZER_PATTERNS, type BuzzerPatternName } from '../../../src/drivers/gpio/buzzer-patterns.js';
import { GpioError } from '../../../src/drivers/gpio/errors.js';
import { MODES } from '../../../hw-sim/gpio/pin-table.js';
import { CounterGpio } from '../../../src/drivers/gpio/counter-gpio.js';
import { makeTwin, PIN, pinMap, startRig, type Rig } from './fixture.js';

let rig: Rig | undefined;
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(async () => {
  await rig?.gpio.stop();
  rig?.twin.dispose();
  rig = undefined;
  vi.useRealTimers();
});

/** On and off stretches of the buzzer after `sinceMs`, as [level, ms] (the last one open-ended). */
function buzzerTimeline(sinceMs: number): [number, number | undefined][] {
  const changes = rig!.twin.levelChanges(PIN.buzzer).filter(([at]) => at >= sinceMs);
  return changes.map(([at, level], i) => [level, changes[i + 1] ? changes[i + 1]![0] - at : undefined]);
}

describe('status lights', () => {
  it('sets every output up as OUTPUT and inactive, honouring active-low', async () => {
    rig = await startRig();
    const { twin } = rig;
    for (const pin of [PIN.ready, PIN.offline, PIN.fault, PIN.buzzer, PIN.relay]) expect(twin.modeOf(pin)).toBe(MODES.OUTPUT);
    expect(twin.levelOf(PIN.ready)).toBe(0);
    expect(twin.levelOf(PIN.fault)).toBe(1); // active low: off is high
    expect(twin.levelOf(PIN.relay)).toBe(0);
    // the relay is set up before anything else
    const firstOutputSetup = twin.writes().find((e) => e.kind === 'mode' && e.value === MODES.OUTPUT);
    expect(firstOutputSetup?.pin).toBe(PIN.relay);
  });

  it('turns lights on and off, and writes nothing when the mode does not change', async () => {
    rig = await startRig();
    const { gpio, twin } = rig;
    gpio.setLight('ready', 'on');
    gpio.setLight('fault', 'on');
    expect(twin.levelOf(PIN.ready)).toBe(1);
    expect(twin.levelOf(PIN.fault)).toBe(0);
    const before = twin.writes(PIN.ready).length;
    gpio.setLight('ready', 'on');
    expect(twin.writes(PIN.ready)).toHaveLength(before);
    gpio.setLight('ready', 'off');
    gpio.setLight('fault', 'off');
    expect(twin.levelOf(PIN.ready)).toBe(0);
    expect(twin.levelOf(PIN.fault)).toBe(1);
    expect(gpio.lightMode('ready')).toBe('off');
  });

  it('blinks with the configured on and off times, and two blinking lights flash together', async () => {
    rig = await startRig({ blinkOnMs: 300, blinkOffMs: 700 });
    const { gpio, twin } = rig;
    const t0 = Date.now();
    gpio.setLight('offline', 'blink');
    await vi.advanceTimersByTimeAsync(150);
    gpio.setLight('ready', 'blink'); // joins the current (on) phase
    expect(twin.levelOf(PIN.ready)).toBe(1);
    await vi.advanceTimersByTimeAsync(2000 - 150);
    const offline = twin.levelChanges(PIN.offline).filter(([at]) => at >= t0).map(([at, level]) => [at - t0, level]);
    expect(offline).toEqual([
      [0, 1],
      [300, 0],
      [1000, 1],
      [1300, 0],
      [2000, 1],
    ]);
    const ready = twin.levelChanges(PIN.ready).filter(([at]) => at >= t0).map(([at, level]) => [at - t0, level]);
    expect(ready).toEqual([
      [150, 1],
      [300, 0],
      [1000, 1],
      [1300, 0],
      [2000, 1],
    ]);
    gpio.setLight('offline', 'on');
    gpio.setLight('ready', 'off');
    const writes = twin.writes().length;
    await vi.advanceTimersByTimeAsync(3000);
    expect(twin.writes()).toHaveLength(writes); // the blink clock stopped with the last blinking light
    expect(twin.levelOf(PIN.offline)).toBe(1);
  });

  it('remembers a mode set before the board is ready and shows it when it is', async () => {
    const twin = makeTwin();
    const gpio = new CounterGpio({ io: twin, pins: pinMap });
    gpio.setLight('fault', 'on');
    const started = gpio.start();
    await vi.advanceTimersByTimeAsync(0);
    await started;
    expect(twin.levelOf(PIN.fault)).toBe(0);
    await gpio.stop();
    twin.dispose();
  });

  it('rejects unknown lights and modes with a typed error', async () => {
    rig = await startRig();
    expect(() => rig!.gpio.setLight('power' as never, 'on')).toThrow(expect.objectContaining({ code: 'bad_argument' }));
    expect(() => rig!.gpio.setLight('ready', 'strobe' as never)).toThrow(GpioError);
  });
});

describe('buzzer', () => {
  it.each(Object.keys(BUZZER_PATTERNS) as BuzzerPatternName[])('plays %s exactly as its timeline says', async (name) => {
    rig = await startRig();
    const t0 = Date.now();
    const played = rig.gpio.beep(name);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(await played).toBe('played');
    const timeline = BUZZER_PATTERNS[name].timeline;
    const expected: [number, number | undefined][] = [];
    // on, off, on ... as written; the last on stretch ends in off, which then lasts.
    const soundingSteps = timeline.length % 2 === 1 ? timeline : timeline.slice(0, -1);
    soundingSteps.forEach((ms, i) => expected.push([i % 2 === 0 ? 1 : 0, ms]));
    expected.push([0, undefined]);
    expect(buzzerTimeline(t0)).toEqual(expected);
    expect(rig.twin.levelOf(PIN.buzzer)).toBe(0);
  });

  it('named patterns are the ones the terminal expects: one short, two short, one long, three', () => {
    const onTimes = (name: BuzzerPatternName): number[] => BUZZER_PATTERNS[name].timeline.filter((_, i) => i % 2 === 0);
    expect(onTimes('scan')).toHaveLength(1);
    expect(onTimes('approved')).toHaveLength(2);
    expect(onTimes('declined')).toHaveLength(1);
    expect(onTimes('declined')[0]).toBeGreaterThan(3 * onTimes('scan')[0]!);
    expect(onTimes('error')).toHaveLength(3);
  });

  it('never overlaps patterns: the next waits for the current one plus a gap, and a newer one takes the waiting place', async () => {
    rig = await startRig({ buzzerGapMs: 100 });
    const t0 = Date.now();
    const scan = rig.gpio.beep('scan');
    await vi.advanceTimersByTimeAsync(10);
    const approved = rig.gpio.beep('approved');
    const error = rig.gpio.beep('error');
    expect(await approved).toBe('dropped');
    expect(rig.gpio.buzzerPlaying).toBe('scan');
    await vi.advanceTimersByTimeAsync(5000);
    expect(await scan).toBe('played');
    expect(await error).toBe('played');
    expect(buzzerTimeline(t0)).toEqual([
      [1, 60],
      [0, 100], // the gap
      [1, 200],
      [0, 100],
      [1, 200],
      [0, 100],
      [1, 200],
      [0, undefined],
    ]);
  });

  it('silence() stops the sounding pattern at once and drops the waiting one', async () => {
    rig = await startRig();
    const declined = rig.gpio.beep('declined');
    const scan = rig.gpio.beep('scan');
    await vi.advanceTimersByTimeAsync(100);
    expect(rig.twin.levelOf(PIN.buzzer)).toBe(1);
    rig.gpio.silence();
    expect(rig.twin.levelOf(PIN.buzzer)).toBe(0);
    expect(await declined).toBe('stopped');
    expect(await scan).toBe('stopped');
    const writes = rig.twin.writes(PIN.buzzer).length;
    await vi.advanceTimersByTimeAsync(2000);
    expect(rig.twin.writes(PIN.buzzer)).toHaveLength(writes);
  });

  it('plays a custom pattern and rejects malformed ones before touching the pin', async () => {
    rig = await startRig();
    const t0 = Date.now();
    const custom = rig.gpio.beep({ name: 'tick', timeline: [5, 10, 5, 40] });
    await vi.advanceTimersByTimeAsync(200);
    expect(await custom).toBe('played');
    expect(buzzerTimeline(t0)).toEqual([
      [1, 5],
      [0, 10],
      [1, 5],
      [0, undefined],
    ]);
    const writes = rig.twin.writes(PIN.buzzer).length;
    await expect(rig.gpio.beep({ name: 'bad', timeline: [] })).rejects.toMatchObject({ code: 'bad_pattern' });
    await expect(rig.gpio.beep({ name: 'bad', timeline: [100, -1] })).rejects.toMatchObject({ code: 'bad_pattern' });
    await expect(rig.gpio.beep('fanfare' as never)).rejects.toMatchObject({ code: 'bad_pattern' });
    expect(rig.twin.writes(PIN.buzzer)).toHaveLength(writes);
  });
});
