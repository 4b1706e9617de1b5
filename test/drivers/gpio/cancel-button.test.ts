import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CounterGpio } from '../../../src/drivers/gpio/counter-gpio.js';
import { MODES } from '../../../hw-sim/gpio/pin-table.js';
import { makeTwin, observe, PIN, pinMap, startRig, type Rig } from './fixture.js';

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

describe('cancel button', () => {
  it('is an input with the pull-up on, so the open key reads inactive rather than floating', async () => {
    rig = await startRig();
    expect(rig.twin.modeOf(PIN.cancel)).toBe(MODES.INPUT);
    expect(rig.twin.pullOf(PIN.cancel)).toBe('up');
    expect(rig.twin.isFloating(PIN.cancel)).toBe(false);
    expect(rig.twin.pullOf(PIN.drawer)).toBe('up');
  });

  it('emits cancel once per clean press, and nothing on release', async () => {
    rig = await startRig({ cancelDebounceMs: 30 });
    await vi.advanceTimersByTimeAsync(100); // the released key settles first
    await rig.twin.pressButton();
    await vi.advanceTimersByTimeAsync(100);
    expect(rig.cancels()).toBe(1);
    await rig.twin.releaseButton();
    await vi.advanceTimersByTimeAsync(100);
    expect(rig.cancels()).toBe(1);
    await rig.twin.pressButton();
    await vi.advanceTimersByTimeAsync(100);
    expect(rig.cancels()).toBe(2);
  });

  it('gives one event for a bouncing press and none for a bouncing release', async () => {
    rig = await startRig({ cancelDebounceMs: 30 });
    const readings: number[] = [];
    rig.twin.on(`digital-read-${PIN.cancel}`, (level: number) => readings.push(level));
    await vi.advanceTimersByTimeAsync(100);
    const press = rig.twin.pressButton([2, 1, 4, 3, 6, 2, 9]);
    await vi.advanceTimersByTimeAsync(200);
    await press;
    expect(readings.length).toBeGreaterThan(4); // the driver did see the chatter
    expect(rig.cancels()).toBe(1);
    const release = rig.twin.releaseButton([3, 2, 7, 1]);
    await vi.advanceTimersByTimeAsync(200);
    await release;
    expect(rig.cancels()).toBe(1);
  });

  it('ignores a glitch shorter than the debounce time', async () => {
    rig = await startRig({ cancelDebounceMs: 30 });
    await vi.advanceTimersByTimeAsync(100);
    await rig.twin.pressButton();
    await vi.advanceTimersByTimeAsync(10);
    await rig.twin.releaseButton();
    await vi.advanceTimersByTimeAsync(200);
    expect(rig.cancels()).toBe(0);
  });

  it('does not count a press the driver never saw released (held at start-up, or pressed before the first level settled)', async () => {
    const twin = makeTwin();
    const held = twin.pressButton();
    const gpio = new CounterGpio({ io: twin, pins: pinMap, timing: { cancelDebounceMs: 30 } });
    rig = observe(twin, gpio);
    const started = gpio.start();
    await vi.advanceTimersByTimeAsync(0);
    await started;
    await held;
    await vi.advanceTimersByTimeAsync(100);
    expect(rig.cancels()).toBe(0);
    await twin.releaseButton();
    await vi.advanceTimersByTimeAsync(100);
    await twin.pressButton();
    await vi.advanceTimersByTimeAsync(100);
    expect(rig.cancels()).toBe(1);
  });

  it('works with an active-high key wired to the supply and pulled down', async () => {
    const twin = makeTwin({ wiring: { cancelButton: { pin: PIN.cancel, contactTo: 'supply' } } });
    const gpio = new CounterGpio({ io: twin, pins: { cancelButton: { pin: 'GPIO27', active: 'high', pull: 'down' } } });
    rig = observe(twin, gpio);
    const started = gpio.start();
    await vi.advanceTimersByTimeAsync(0);
    await started;
    expect(twin.pullOf(PIN.cancel)).toBe('down');
    await vi.advanceTimersByTimeAsync(100);
    const press = twin.pressButton([1, 2, 1]);
    await vi.advanceTimersByTimeAsync(100);
    await press;
    expect(rig.cancels()).toBe(1);
  });
});
