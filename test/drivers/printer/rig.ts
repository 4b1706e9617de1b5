import type { PrinterProfile } from '../../../src/drivers/escpos/profiles.js';
import type { DeviceHealth } from '../../../src/drivers/device.js';
import type { PrinterDetail } from '../../../src/drivers/printer/printer-health.js';
import { EscPosPrinter, type JobEvent, type EscPosPrinterOptions } from '../../../src/drivers/printer/escpos-printer.js';
import type { EscPosPrinterTwin, PrinterTwinOptions } from '../../../hw-sim/printer/printer-twin.js';
import { startSimulatedTerminal, type SimulatedTerminal } from '../../../hw-sim/terminal/simulated-terminal.js';

/**
 * Short timings so fault and recovery paths run quickly; none of them is asserted on. The status
 * timeout stays generous so a loaded CI machine does not make the printer look unresponsive.
 */
export const FAST: Omit<EscPosPrinterOptions, 'profile'> = {
  statusTimeoutMs: 1000,
  pollIntervalMs: 15,
  idlePollMs: 40,
  jobTimeoutMs: 3000,
  settleMs: 15,
  retryDelayMs: 20,
};

export interface Recorder {
  /** Every health event. */
  health: DeviceHealth<PrinterDetail>[];
  jobs: JobEvent[];
  /** The printer's condition (detail.condition), each change once. */
  states(): string[];
}

export function record(printer: EscPosPrinter): Recorder {
  const r: Recorder = {
    health: [],
    jobs: [],
    states: () => r.health.map((h) => h.detail.condition).filter((c, i, all) => i === 0 || all[i - 1] !== c),
  };
  printer.on('health', (h) => r.health.push(h));
  printer.on('job', (j) => r.jobs.push(j));
  return r;
}

export interface SimRig extends Recorder {
  printer: EscPosPrinter;
  twin: EscPosPrinterTwin;
  terminal: SimulatedTerminal<'printer'>;
  close(): Promise<void>;
}

/** A real EscPosPrinter over the simulated terminal's in-process serial bus to the printer twin. */
export async function simRig(
  profile: PrinterProfile,
  options: { twin?: PrinterTwinOptions; printer?: Partial<EscPosPrinterOptions>; wireTiming?: boolean; baud?: number } = {},
): Promise<SimRig> {
  const terminal = await startSimulatedTerminal({
    twins: ['printer'],
    acquirer: false,
    wireTiming: options.wireTiming ?? false,
    printer: { dotsPerLine: profile.dotsPerLine, chineseFirmware: profile.chineseCommands, ...options.twin, profile: profile.id, baud: options.baud ?? 115200 },
  });
  const printer = await EscPosPrinter.open(terminal.devices.printer.uri, { ...terminal.env, reopen: { minMs: 5, maxMs: 20 } }, { profile, ...FAST, ...options.printer });
  const recorder = record(printer);
  printer.start();
  await printer.link.waitOpen(2000);
  return {
    ...recorder,
    printer,
    twin: terminal.twins.printer,
    terminal,
    close: async () => {
      await printer.stop();
      await terminal.close();
    },
  };
}
