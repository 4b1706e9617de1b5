import type { Keystroke } from './us-keyboard.js';

/** An 8-byte boot keyboard report holding `usages` down with `modifiers`. */
export function keyboardReport(modifiers: number, ...usages: number[]): Uint8Array {
  if (usages.length > 6) throw new RangeError('a boot keyboard report holds at most 6 keys');
  const report = new Uint8Array(8);
  report[0] = modifiers;
  report.set(usages, 2);
  return report;
}

export function pressReport(stroke: Keystroke): Uint8Array {
  return keyboardReport(stroke.modifiers, stroke.usage);
}

export const RELEASE_REPORT: Readonly<Uint8Array> = new Uint8Array(8);

/** HID POS scanned-data report layout the twin sends (Honeywell / Access-IS): 64 bytes. */
export const POS_REPORT_ID = 0x02;
export const POS_REPORT_LENGTH = 64;
export const POS_DATA_OFFSET = 5;
export const POS_DATA_LENGTH = 56;

/**
 * The reports of one HID POS scan: the data in 56-byte parts, each report carrying the byte
 * count, the AIM identifier and, in byte 63, bit 0 set while more parts follow. The last
 * report always has the bit clear, also when the data fills it exactly.
 */
export function posReports(data: Uint8Array, aim: string): Uint8Array[] {
  if (!/^\][A-Za-z][0-9A-Za-z]$/.test(aim)) throw new RangeError(`${JSON.stringify(aim)} is not an AIM identifier`);
  const reports: Uint8Array[] = [];
  let offset = 0;
  do {
    const part = data.subarray(offset, offset + POS_DATA_LENGTH);
    offset += part.length;
    const report = new Uint8Array(POS_REPORT_LENGTH);
    report[0] = POS_REPORT_ID;
    report[1] = part.length;
    report[2] = aim.charCodeAt(0);
    report[3] = aim.charCodeAt(1);
    report[4] = aim.charCodeAt(2);
    report.set(part, POS_DATA_OFFSET);
    report[63] = offset < data.length ? 0x01 : 0x00;
    reports.push(report);
  } while (offset < data.length);
  return reports;
}
