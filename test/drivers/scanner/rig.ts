import type { ScannerOptions } from '../../../src/drivers/scanner/config.js';
import type { ScannerError } from '../../../src/drivers/scanner/errors.js';
import type { DeviceHealth, HealthState } from '../../../src/drivers/device.js';
import { Scanner, type ScanEvent } from '../../../src/drivers/scanner/scanner.js';
import { SimBus } from '../../../src/drivers/transport/sim-bus.js';
import { SimHidBus } from '../../../src/drivers/transport/sim-hid-bus.js';
import { ScannerTwin, type ScannerTwinMode } from '../../../hw-sim/scanner/scanner-twin.js';

export interface Recorder {
  scans: ScanEvent[];
  rejects: ScannerError[];
  /** Health states, each change once. */
  statuses: HealthState[];
  /** Every health event. */
  health: DeviceHealth[];
}

export function record(scanner: Scanner): Recorder {
  const r: Recorder = { scans: [], rejects: [], statuses: [], health: [] };
  scanner.on('scan', (s) => r.scans.push(s));
  scanner.on('reject', (e) => r.rejects.push(e));
  scanner.on('health', (h) => {
    r.health.push(h);
    if (r.statuses.at(-1) !== h.state) r.statuses.push(h.state);
  });
  return r;
}

export interface Rig extends Recorder {
  scanner: Scanner;
  twin: ScannerTwin;
  unplug(): void;
  plug(): void;
  close(): Promise<void>;
}

/** A real Scanner over an in-process link to a twin: SimHidBus for wedge / pos, SimBus for serial. */
export async function simRig(mode: ScannerTwinMode, options: ScannerOptions = {}, wireTiming = false): Promise<Rig> {
  const twin = new ScannerTwin(mode);
  let unplug: () => void;
  let plug: () => void;
  let scanner: Scanner;
  const reopen = { minMs: 5, maxMs: 20 };
  if (mode === 'serial') {
    const bus = new SimBus();
    bus.register('scanner', twin, { wireTiming });
    scanner = await Scanner.open('sim:scanner?baud=9600', { simBus: bus, reopen }, options);
    unplug = () => bus.unplug('scanner');
    plug = () => bus.plug('scanner');
  } else {
    const bus = new SimHidBus();
    bus.register('sim:scanner', twin);
    scanner = await Scanner.open(`sim:scanner?transport=hid&mode=${mode}`, { simHidBus: bus, reopen }, options);
    unplug = () => bus.unplug('sim:scanner');
    plug = () => bus.plug('sim:scanner');
  }
  const recorder = record(scanner);
  scanner.start();
  await scanner.waitReady(2000);
  return { ...recorder, scanner, twin, unplug, plug, close: () => scanner.stop() };
}
