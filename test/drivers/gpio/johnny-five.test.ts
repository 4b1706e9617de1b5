import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CounterGpio } from '../../../src/drivers/gpio/counter-gpio.js';
import { loadJohnnyFive } from '../../../src/drivers/gpio/johnny-five.js';
import { GpioTwin } from '../../../hw-sim/gpio/gpio-twin.js';
import { counterGpioTwin } from '../../../hw-sim/terminal/counter-wiring.js';
import { PIN, pinMap } from './fixture.js';

afterEach(() => {
  vi.restoreAllMocks();
});

/** Modules loaded through Node's CommonJS loader (johnny-five and everything it requires). */
function loadedModules(): string[] {
  return Object.keys(createRequire(import.meta.url).cache);
}

describe('johnny-five from this ESM project (real timers)', () => {
  it('runs on an injected IO plugin without loading serialport or firmata, printing nothing, leaving SIGINT alone', async () => {
    const stdout = vi.spyOn(process.stdout, 'write');
    const consoleLog = vi.spyOn(console, 'log');
    const consoleInfo = vi.spyOn(console, 'info');
    const consoleError = vi.spyOn(console, 'error');
    const sigintListeners = process.listenerCount('SIGINT');

    const five = loadJohnnyFive();
    expect(typeof five.Board).toBe('function');
    const twin = counterGpioTwin();
    const gpio = new CounterGpio({ io: twin, pins: pinMap });
    await gpio.start();
    await gpio.beep({ name: 'tick', timeline: [5] });
    await gpio.kickDrawer(20);
    await gpio.stop();
    twin.dispose();

    const loaded = loadedModules();
    expect(loaded.some((path) => path.includes('/node_modules/johnny-five/'))).toBe(true);
    expect(loaded.filter((path) => /\/node_modules\/(firmata|firmata-io)\//.test(path))).toEqual([]);
    expect(loaded.filter((path) => /\/node_modules\/johnny-five\/node_modules\/(serialport|@serialport)\//.test(path))).toEqual([]);
    expect(loaded.filter((path) => /\/node_modules\/@serialport\/bindings\//.test(path))).toEqual([]);
    expect(stdout).not.toHaveBeenCalled();
    expect(consoleLog).not.toHaveBeenCalled();
    expect(consoleInfo).not.toHaveBeenCalled();
    expect(consoleError).not.toHaveBeenCalled();
    expect(process.listenerCount('SIGINT')).toBe(sigintListeners);
  });

  it('holds the relay at least as long as asked on real timers (a lower bound only: behaviour, not speed)', async () => {
    const twin = new GpioTwin({ wiring: { drawerSwitch: { pin: PIN.drawer }, drawerSolenoid: { pin: PIN.relay } } });
    const gpio = new CounterGpio({ io: twin, pins: pinMap });
    await gpio.start();
    expect(await gpio.kickDrawer(60)).toBe('pulsed');
    const [pulse, ...more] = twin.pulses(PIN.relay);
    expect(more).toEqual([]);
    expect(pulse!.durationMs!).toBeGreaterThanOrEqual(59); // setTimeout never fires early; 1 ms for clock granularity
    await gpio.stop();
    twin.dispose();
  });
});
