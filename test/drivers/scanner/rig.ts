import type { ScannerOptions } from '../../../src/drivers/scanner/config.js';
import type { ScannerError } from '../../../src/drivers/scanner/errors.js';
import type { DeviceHealth, HealthState } from '../../../src/drivers/device.js';
import { Scanner, type ScanEvent } from '../../../src/drivers/scanner/scanner.js';
import type { ScannerTwin, ScannerTwinMode } from '../../../hw-sim/scanner/scanner-twin.js';
import { startSimulatedTerminal, type SimulatedTerminal } from '../../../hw-sim/terminal/simulated-terminal.js';

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
  terminal: SimulatedTerminal<'scanner'>;
  /** Pulls the cable (at once; the promise only says it is done). */
  unplug(): Promise<void>;
  plug(): Promise<void>;
  close(): Promise<void>;
}

/** A real Scanner over the simulated terminal's in-process link to a twin: the HID bus for wedge / pos, the serial bus for serial. */
export async function simRig(mode: ScannerTwinMode, options: ScannerOptions = {}, wireTiming = false): Promise<Rig> {
  const terminal = await startSimulatedTerminal({ twins: ['scanner'], acquirer: false, wireTiming, scanner: { mode, baud: 9600 } });
  const scanner = await Scanner.open(terminal.devices.scanner.uri, { ...terminal.env, reopen: { minMs: 5, maxMs: 20 } }, options);
  const recorder = record(scanner);
  scanner.start();
  await scanner.waitReady(2000);
  return {
    ...recorder,
    scanner,
    twin: terminal.twins.scanner,
    terminal,
    unplug: () => terminal.unplug('scanner'),
    plug: () => terminal.plug('scanner'),
    close: async () => {
      await scanner.stop();
      await terminal.close();
    },
  };
}
