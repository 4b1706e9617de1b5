import type { ScannerErrorCode } from './errors.js';

/** What ended a scan: its terminator (Enter, Tab, CR, LF), a silence, or the last HID POS report. */
export type ScanEnd = 'suffix' | 'silence' | 'report';

/** One complete code, as an assembler hands it on. `at` is the arrival time of its last input. */
export interface AssembledScan {
  text: string;
  /** AIM symbology identifier (`]Q1`, `]E0`, ...) when the scanner sent one. */
  symbology: string | undefined;
  endedBy: ScanEnd;
  at: number;
}

/** Where the pure assemblers put their results; the device layer turns them into events. */
export interface ScanSink {
  scan(scan: AssembledScan): void;
  reject(code: ScannerErrorCode, message: string, length: number, at: number): void;
}
