import { vi } from 'vitest';
import type { HealthState } from '../../../src/drivers/device.js';
import { CounterGpio, type CounterGpioEvents } from '../../../src/drivers/gpio/counter-gpio.js';
import type { IoPlugin } from '../../../src/drivers/gpio/io-plugin.js';
import { parsePinMap } from '../../../src/drivers/gpio/pin-map.js';
import type { GpioTiming } from '../../../src/drivers/gpio/timing.js';
import { GpioTwin, type GpioTwinOptions } from '../../../hw-sim/gpio/gpio-twin.js';

/** BCM numbers of the reference wiring in docs/devices/gpio.md. */
export const PIN = { ready: 5, offline: 6, fault: 13, buzzer: 26, relay: 17, cancel: 27, drawer: 22 } as const;

export const pinMap = parsePinMap({
  readyLight: 'GPIO5',
  offlineLight: 'GPIO6',
  faultLight: { pin: 'GPIO13', active: 'low' },
  buzzer: 'GPIO26',
  drawerRelay: 'GPIO17',
  cancelButton: { pin: 'GPIO27', active: 'low' },
  drawerSwitch: { pin: 'GPIO22', active: 'low' },
});

/** The twin wired as the pin map says: key and drawer switch to ground, switch closed while the drawer is open. */
export function makeTwin(options: GpioTwinOptions = {}): GpioTwin {
  return new GpioTwin({
    clock: () => Date.now(),
    wiring: { cancelButton: { pin: PIN.cancel }, drawerSwitch: { pin: PIN.drawer }, drawerSolenoid: { pin: PIN.relay } },
    ...options,
  });
}

export interface Rig {
  twin: GpioTwin;
  gpio: CounterGpio;
  /** Every health event: its state, and the GpioError code when failed. */
  statuses: [HealthState, string | undefined][];
  cancels: () => number;
  drawerEvents: CounterGpioEvents['drawer'][0][];
  leftOpen: number[];
}

/** A started device on a twin, on fake timers (the caller has called vi.useFakeTimers()). */
export async function startRig(timing: Partial<GpioTiming> = {}, twinOptions: GpioTwinOptions = {}): Promise<Rig> {
  const twin = makeTwin(twinOptions);
  const io: IoPlugin = twin;
  const gpio = new CounterGpio({ io, pins: pinMap, timing });
  const rig = observe(twin, gpio);
  const started = gpio.start();
  await vi.advanceTimersByTimeAsync(0);
  await started;
  // Set-up writes happen at the start time; tests measure from a later instant.
  await vi.advanceTimersByTimeAsync(1);
  return rig;
}

export function observe(twin: GpioTwin, gpio: CounterGpio): Rig {
  const statuses: Rig['statuses'] = [];
  const drawerEvents: Rig['drawerEvents'] = [];
  const leftOpen: number[] = [];
  let cancels = 0;
  gpio.on('health', (h) => statuses.push([h.state, h.detail.failure ?? undefined]));
  gpio.on('cancel', () => cancels++);
  gpio.on('drawer', (state) => drawerEvents.push(state));
  gpio.on('drawerLeftOpen', (ms) => leftOpen.push(ms));
  return { twin, gpio, statuses, cancels: () => cancels, drawerEvents, leftOpen };
}
