import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CounterGpio } from '../../../src/drivers/gpio/counter-gpio.js';
import { gpioFaults } from '../../../hw-sim/gpio/faults.js';
import { makeTwin, PIN, startRig, type Rig } from './fixture.js';

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

describe('cash-drawer relay', () => {
  it('holds the relay for the configured pulse, releases it, and the drawer springs open', async () => {
    rig = await startRig({ drawerPulseMs: 120, drawerDebounceMs: 40 });
    await vi.advanceTimersByTimeAsync(100); // the switch settles: closed
    expect(rig.drawerEvents).toEqual(['closed']);
    const kick = rig.gpio.kickDrawer();
    expect(rig.gpio.drawerRelayEnergized).toBe(true);
    await vi.advanceTimersByTimeAsync(120);
    expect(await kick).toBe('pulsed');
    expect(rig.gpio.drawerRelayEnergized).toBe(false);
    expect(rig.twin.pulses(PIN.relay).map((p) => p.durationMs)).toEqual([120]);
    await vi.advanceTimersByTimeAsync(200);
    expect(rig.twin.drawer?.kicks).toBe(1);
    expect(rig.drawerEvents).toEqual(['closed', 'open']);
    expect(rig.gpio.drawer).toBe('open');
  });

  it('takes a pulse length per kick, within the safe range', async () => {
    rig = await startRig();
    const kick = rig.gpio.kickDrawer(60);
    await vi.advanceTimersByTimeAsync(60);
    expect(await kick).toBe('pulsed');
    expect(rig.twin.pulses(PIN.relay).map((p) => p.durationMs)).toEqual([60]);
    await expect(rig.gpio.kickDrawer(5000)).rejects.toMatchObject({ code: 'bad_argument' });
    await expect(rig.gpio.kickDrawer(0)).rejects.toMatchObject({ code: 'bad_argument' });
    await expect(rig.gpio.kickDrawer(12.5)).rejects.toMatchObject({ code: 'bad_argument' });
    expect(rig.twin.pulses(PIN.relay)).toHaveLength(1);
  });

  it('coalesces kicks during a pulse and its recovery into one pulse, and never overlaps', async () => {
    rig = await startRig({ drawerPulseMs: 100, drawerRecoveryMs: 400 });
    const first = rig.gpio.kickDrawer();
    await vi.advanceTimersByTimeAsync(30);
    const second = rig.gpio.kickDrawer();
    const third = rig.gpio.kickDrawer(300);
    await vi.advanceTimersByTimeAsync(70);
    expect(await Promise.all([first, second, third])).toEqual(['pulsed', 'coalesced', 'coalesced']);
    await vi.advanceTimersByTimeAsync(200); // within the recovery time
    expect(await rig.gpio.kickDrawer()).toBe('coalesced');
    expect(rig.twin.pulses(PIN.relay).map((p) => p.durationMs)).toEqual([100]);
    await vi.advanceTimersByTimeAsync(200); // recovery over
    const again = rig.gpio.kickDrawer();
    await vi.advanceTimersByTimeAsync(100);
    expect(await again).toBe('pulsed');
    const pulses = rig.twin.pulses(PIN.relay);
    expect(pulses.map((p) => p.durationMs)).toEqual([100, 100]);
    expect(pulses[1]!.startMs - pulses[0]!.endMs!).toBeGreaterThanOrEqual(400);
  });

  it('releases the relay when the write that energizes it throws', async () => {
    rig = await startRig();
    rig.twin.behave(gpioFaults.failWrites(PIN.relay, 1));
    await expect(rig.gpio.kickDrawer()).rejects.toMatchObject({ code: 'io_failed' });
    expect(rig.twin.levelOf(PIN.relay)).toBe(0);
    expect(rig.gpio.health().state).toBe('failed');
    expect(rig.statuses.at(-1)).toEqual(['failed', 'io_failed']);
  });

  it('retries a release that throws once, so a transient error does not leave the solenoid energized', async () => {
    rig = await startRig();
    const kick = rig.gpio.kickDrawer(100);
    rig.twin.behave(gpioFaults.failWrites(PIN.relay, 1));
    await vi.advanceTimersByTimeAsync(100);
    expect(await kick).toBe('pulsed');
    expect(rig.twin.levelOf(PIN.relay)).toBe(0);
    expect(rig.twin.pulses(PIN.relay).map((p) => p.durationMs)).toEqual([100]);
    expect(rig.gpio.health().state).toBe('ready');
  });

  it('reports a relay it cannot release as a failure', async () => {
    rig = await startRig();
    const kick = rig.gpio.kickDrawer(100);
    const outcome = kick.catch((err: unknown) => err);
    rig.twin.behave(gpioFaults.failWrites(PIN.relay, 10));
    await vi.advanceTimersByTimeAsync(100);
    expect(await outcome).toMatchObject({ code: 'io_failed', message: expect.stringContaining('could not be released') });
    expect(rig.gpio.health().state).toBe('failed');
    expect(rig.gpio.drawerRelayEnergized).toBe(true); // the truth, as far as the driver knows
  });

  it('refuses to kick without a relay in the pin map', async () => {
    const twin = makeTwin({ wiring: {} });
    const gpio = new CounterGpio({ io: twin, pins: { readyLight: { pin: 5, active: 'high' } } });
    const started = gpio.start();
    await vi.advanceTimersByTimeAsync(0);
    await started;
    await expect(gpio.kickDrawer()).rejects.toMatchObject({ code: 'not_configured' });
    expect(await gpio.beep('scan')).toBe('unwired');
    expect(gpio.features).toEqual({ lights: ['ready'], buzzer: false, drawerRelay: false, cancelButton: false, drawerSwitch: false });
    await gpio.stop();
    twin.dispose();
  });
});

describe('drawer switch', () => {
  it('reports the drawer state on change only, debounced, with the current state readable', async () => {
    rig = await startRig({ drawerDebounceMs: 50 });
    expect(rig.gpio.drawer).toBe('unknown');
    await vi.advanceTimersByTimeAsync(60);
    expect(rig.gpio.drawer).toBe('closed');
    await rig.twin.openDrawerByHand();
    await vi.advanceTimersByTimeAsync(60);
    expect(rig.gpio.drawer).toBe('open');
    await rig.twin.closeDrawer();
    await vi.advanceTimersByTimeAsync(60);
    expect(rig.drawerEvents).toEqual(['closed', 'open', 'closed']);
  });

  it('gives one event for a switch that bounces when the drawer shuts', async () => {
    rig = await startRig({ drawerDebounceMs: 50 }, { drawer: { startsOpen: true, switchBounceMs: [3, 5, 2, 8, 4, 12] } });
    await vi.advanceTimersByTimeAsync(60);
    expect(rig.drawerEvents).toEqual(['open']);
    const shut = rig.twin.closeDrawer();
    await vi.advanceTimersByTimeAsync(200);
    await shut;
    expect(rig.drawerEvents).toEqual(['open', 'closed']);
  });

  it('warns once when the drawer is left open, and not when it is closed in time', async () => {
    rig = await startRig({ drawerDebounceMs: 20, drawerLeftOpenMs: 10_000 });
    await vi.advanceTimersByTimeAsync(30);
    await rig.twin.openDrawerByHand();
    await vi.advanceTimersByTimeAsync(5000);
    await rig.twin.closeDrawer();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(rig.leftOpen).toEqual([]);
    await rig.twin.openDrawerByHand();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(rig.leftOpen).toEqual([10_000]);
  });

  it('follows a kick all the way: relay pulse, latch, spring, switch, event', async () => {
    rig = await startRig({ drawerPulseMs: 80, drawerDebounceMs: 30 });
    await vi.advanceTimersByTimeAsync(40);
    await Promise.all([rig.gpio.kickDrawer(), vi.advanceTimersByTimeAsync(80)]);
    expect(rig.gpio.drawer).toBe('closed'); // the spring and the debounce take a moment
    await vi.advanceTimersByTimeAsync(100);
    expect(rig.gpio.drawer).toBe('open');
    expect(rig.drawerEvents).toEqual(['closed', 'open']);
  });
});
