import { vi } from 'vitest';
import type { HealthState } from '../../../src/drivers/device.js';
import { CounterGpio, type CounterGpioEvents } from '../../../src/drivers/gpio/counter-gpio.js';
import type { IoPlugin } from '../../../src/drivers/gpio/io-plugin.js';
import { parsePinMap } from '../../../src/drivers/gpio/pin-map.js';
import type { GpioTiming } from '../../../src/drivers/gpio/timing.js';
import type { GpioTwin, GpioTwinOptions } from '../../../hw-sim/gpio/gpio-twin.js';
import { counterGpioTwin, REFERENCE_GPIO_PINS } from '../../../hw-sim/terminal/counter-wiring.js';
import { startSimulatedTerminal } from '../../../hw-sim/terminal/simulated-terminal.js';

/** BCM numbers of the reference wiring in docs/devices/gpio.md. */
export const PIN = { ready: 5, offline: 6, fault: 13, buzzer: 26, relay: 17, cancel: 27, drawer: 22 } as const;

export const pinMap = parsePinMap(REFERENCE_GPIO_PINS);

/** The twin wired as the pin map says: key and drawer switch to ground, switch closed while the drawer is open. */
export function makeTwin(options: GpioTwinOptions = {}): GpioTwin {
  return counterGpioTwin({ clock: () => Date.now(), ...options });
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
  const terminal = await startSimulatedTerminal({ twins: ['gpio'], acquirer: false, wallets: 0, gpio: { twin: { clock: () => Date.now(), ...twinOptions } } });
  const twin = terminal.twins.gpio;
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
