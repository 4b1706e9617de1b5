import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CounterGpio } from '../../../src/drivers/gpio/counter-gpio.js';
import { GpioError } from '../../../src/drivers/gpio/errors.js';
import { loadJohnnyFive } from '../../../src/drivers/gpio/johnny-five.js';
import { parsePinMap } from '../../../src/drivers/gpio/pin-map.js';
import type { GpioTwin } from '../../../hw-sim/gpio/gpio-twin.js';
import { makeTwin, PIN, pinMap, startRig, type Rig } from './fixture.js';

let rig: Rig | undefined;
const twins: GpioTwin[] = [];
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(async () => {
  await rig?.gpio.stop();
  rig?.twin.dispose();
  rig = undefined;
  for (const twin of twins.splice(0)) twin.dispose();
  vi.useRealTimers();
});

function twin(options: Parameters<typeof makeTwin>[0] = {}): GpioTwin {
  const made = makeTwin(options);
  twins.push(made);
  return made;
}

describe('IO plugin failure', () => {
  it('on an error: reports failed once, releases the relay, silences the buzzer, and stops listening', async () => {
    rig = await startRig();
    await vi.advanceTimersByTimeAsync(100);
    rig.gpio.setLight('ready', 'blink');
    const kick = rig.gpio.kickDrawer(200).catch((err: unknown) => err);
    const beep = rig.gpio.beep('declined');
    await vi.advanceTimersByTimeAsync(50);
    expect(rig.twin.levelOf(PIN.relay)).toBe(1);
    expect(rig.twin.levelOf(PIN.buzzer)).toBe(1);

    rig.twin.fail('error', { message: 'pigpio went away', fatal: false });

    expect(rig.statuses).toEqual([
      ['connecting', undefined],
      ['ready', undefined],
      ['failed', 'io_failed'],
    ]);
    expect(rig.twin.levelOf(PIN.relay)).toBe(0);
    expect(rig.twin.levelOf(PIN.buzzer)).toBe(0);
    expect(await kick).toMatchObject({ code: 'interrupted' });
    expect(await beep).toBe('stopped');
    const writes = rig.twin.writes().length;
    await rig.twin.pressButton();
    await vi.advanceTimersByTimeAsync(2000);
    expect(rig.cancels()).toBe(0);
    expect(rig.twin.writes()).toHaveLength(writes); // the blink clock stopped too
    await expect(rig.gpio.kickDrawer()).rejects.toMatchObject({ code: 'not_ready' });
    await expect(rig.gpio.beep('scan')).rejects.toMatchObject({ code: 'not_ready' });
    rig.twin.fail('error', { fatal: false }); // a second report changes nothing and does not throw
    expect(rig.statuses).toHaveLength(3);
  });

  it.each(['close', 'disconnect'] as const)('on %s: reports failed and cuts the pulse short without throwing', async (kind) => {
    rig = await startRig();
    const kick = rig.gpio.kickDrawer(200).catch((err: unknown) => err);
    await vi.advanceTimersByTimeAsync(50);
    rig.twin.fail(kind);
    expect(rig.gpio.health().state).toBe('failed');
    expect(rig.statuses.at(-1)).toEqual(['failed', 'io_failed']);
    const err = await kick;
    expect(err).toBeInstanceOf(GpioError);
    expect(err).toMatchObject({ code: 'interrupted' });
    // A dead plugin takes no more writes: the pin keeps its level, as a real one does, and the driver says so.
    expect(rig.twin.levelOf(PIN.relay)).toBe(1);
    expect(rig.gpio.drawerRelayEnergized).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(rig.statuses).toHaveLength(3);
  });

  it('an error before the plugin is ready fails start() with a typed error, not an uncaught exception', async () => {
    const io = twin({ startup: { delayMs: 100 } });
    const gpio = new CounterGpio({ io, pins: pinMap });
    const started = gpio.start().catch((err: unknown) => err);
    await vi.advanceTimersByTimeAsync(10);
    io.fail('error', { message: 'cannot open /dev/gpiomem' });
    expect(await started).toMatchObject({ code: 'io_failed', message: expect.stringContaining('/dev/gpiomem') });
    expect(gpio.health().state).toBe('failed');
  });

  it('fails start() with open_timeout when the plugin never becomes ready', async () => {
    const io = twin({ startup: { never: true } });
    const gpio = new CounterGpio({ io, pins: pinMap, timing: { readyTimeoutMs: 2000 } });
    const statuses: string[] = [];
    gpio.on('health', (h) => statuses.push(h.state));
    const started = gpio.start().catch((err: unknown) => err);
    await vi.advanceTimersByTimeAsync(2000);
    expect(await started).toMatchObject({ code: 'open_timeout' });
    expect(statuses).toEqual(['connecting', 'failed']);
    await vi.advanceTimersByTimeAsync(20_000); // johnny-five's own watchdog was cleared with the board
    expect(statuses).toEqual(['connecting', 'failed']);
  });

  it('accepts a plugin that says ready before connect (as raspi-io does)', async () => {
    const io = twin({ startup: { order: 'ready-first' } });
    const gpio = new CounterGpio({ io, pins: pinMap });
    const started = gpio.start();
    await vi.advanceTimersByTimeAsync(0);
    await started;
    expect(gpio.health().state).toBe('ready');
    await gpio.stop();
  });
});

describe('stop', () => {
  it('releases the relay and silences the buzzer at once, turns lights off, and refuses further commands', async () => {
    rig = await startRig();
    rig.gpio.setLight('ready', 'on');
    rig.gpio.setLight('fault', 'on');
    const kick = rig.gpio.kickDrawer(300).catch((err: unknown) => err);
    const beep = rig.gpio.beep('declined');
    await vi.advanceTimersByTimeAsync(20);
    await rig.gpio.stop();
    expect(rig.twin.levelOf(PIN.relay)).toBe(0);
    expect(rig.twin.levelOf(PIN.buzzer)).toBe(0);
    expect(rig.twin.levelOf(PIN.ready)).toBe(0);
    expect(rig.twin.levelOf(PIN.fault)).toBe(1); // active low: off
    expect(await kick).toMatchObject({ code: 'interrupted' });
    expect(await beep).toBe('stopped');
    expect(rig.statuses.at(-1)).toEqual(['stopped', undefined]);
    await expect(rig.gpio.kickDrawer()).rejects.toMatchObject({ code: 'closed' });
    await expect(rig.gpio.start()).rejects.toMatchObject({ code: 'closed' });
    await rig.gpio.stop(); // idempotent
    expect(rig.statuses.filter(([s]) => s === 'stopped')).toHaveLength(1);
  });

  it('leaves no timer behind, whatever was under way', async () => {
    rig = await startRig({ drawerLeftOpenMs: 60_000, drawerDebounceMs: 20 });
    await vi.advanceTimersByTimeAsync(30);
    await rig.twin.openDrawerByHand();
    await vi.advanceTimersByTimeAsync(30); // the left-open watch is running
    rig.gpio.setLight('offline', 'blink');
    void rig.gpio.beep('error');
    void rig.gpio.beep('scan');
    void rig.gpio.kickDrawer().catch(() => undefined);
    await rig.twin.pressButton(); // a debounce timer is running
    await rig.gpio.stop();
    rig.twin.dispose();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('lets the johnny-five Board go: no growing Board cache, no pending watchdog', async () => {
    const cache = loadJohnnyFive().Board.cache;
    const before = cache.length;
    for (let i = 0; i < 3; i++) {
      const io = twin();
      const gpio = new CounterGpio({ io, pins: pinMap });
      const started = gpio.start();
      await vi.advanceTimersByTimeAsync(0);
      await started;
      expect(cache.length).toBe(before + 1);
      await gpio.stop();
      expect(cache.length).toBe(before);
    }
    const pending = twin({ startup: { never: true } });
    const gpio = new CounterGpio({ io: pending, pins: pinMap });
    const started = gpio.start().catch((err: unknown) => err);
    await vi.advanceTimersByTimeAsync(0);
    await gpio.stop();
    expect(await started).toMatchObject({ code: 'closed' });
    pending.dispose();
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('pin checks against the plugin', () => {
  async function startWith(pins: Parameters<typeof parsePinMap>[0]): Promise<unknown> {
    const gpio = new CounterGpio({ io: twin(), pins: parsePinMap(pins) });
    const started = gpio.start().catch((err: unknown) => err);
    await vi.advanceTimersByTimeAsync(0);
    return started;
  }

  it('rejects a pin the plugin does not have', async () => {
    expect(await startWith({ buzzer: 'GPIO40' })).toMatchObject({ code: 'pin_unsupported' });
  });

  it('rejects an input on an output-only pin', async () => {
    expect(await startWith({ cancelButton: 'LED0' })).toMatchObject({ code: 'pin_unsupported', message: expect.stringContaining('INPUT') });
  });

  it('rejects two lines on one pin under different names', async () => {
    expect(await startWith({ readyLight: 5, offlineLight: 'GPIO5' })).toMatchObject({ code: 'bad_config' });
  });

  it('touches no pin when the map is rejected', async () => {
    const io = twin();
    const gpio = new CounterGpio({ io, pins: parsePinMap({ drawerRelay: 'GPIO17', cancelButton: 'LED0' }) });
    const started = gpio.start().catch((err: unknown) => err);
    await vi.advanceTimersByTimeAsync(0);
    expect(await started).toMatchObject({ code: 'pin_unsupported' });
    expect(io.writes()).toEqual([]);
  });
});
