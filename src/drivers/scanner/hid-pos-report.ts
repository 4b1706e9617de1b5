/**
 * HID POS scanned-data reports (Bar Code Scanner usage page 0x8C).
 *
 * The usage tables name the fields (Symbology Identifier 1..3 = 0xFB..0xFD, Decoded Data =
 * 0xFE, Decode Data Continued = 0xFF, inside a Scanned Data Report 0x12 collection) but not
 * their positions: the device's report descriptor does. The layout below is the one Honeywell,
 * Access-IS and the common OEM engines use (see docs/devices/scanner.md), as hidraw delivers it:
 *
 *   [0]      report id 0x02
 *   [1]      byte count: how many Decoded Data bytes are this report's (Generic Desktop 0x3B)
 *   [2..4]   AIM symbology identifier, e.g. `]Q1`
 *   [5..60]  Decoded Data, 56 bytes, zero padded
 *   [61..62] vendor bytes (Honeywell's own code id; reserved)
 *   [63]     bit 0: Decode Data Continued (more of this scan in the next report)
 */
export interface HidPosLayout {
  reportId: number;
  /** Whole report length including the report id byte. */
  reportLength: number;
  /** Offset of the byte count, or undefined when the descriptor has none (trailing NULs are padding). */
  byteCountOffset: number | undefined;
  symbologyOffset: number;
  dataOffset: number;
  dataLength: number;
  continuedOffset: number;
  continuedMask: number;
}

export const commonHidPosLayout: Readonly<HidPosLayout> = Object.freeze({
  reportId: 0x02,
  reportLength: 64,
  byteCountOffset: 1,
  symbologyOffset: 2,
  dataOffset: 5,
  dataLength: 56,
  continuedOffset: 63,
  continuedMask: 0x01,
});

export type HidPosFragment = {
  ok: true;
  /** AIM identifier, or undefined when the scanner left the bytes zero or sent something else. */
  symbology: string | undefined;
  /** A view into the report: copy it before the report buffer is reused. */
  data: Uint8Array;
  continued: boolean;
};

export type HidPosFault = {
  ok: false;
  code: 'bad_report_length' | 'unknown_report' | 'bad_byte_count';
  message: string;
};

const aimCache = new Map<number, string>();

function readAim(report: Uint8Array, at: number): string | undefined {
  const a = report[at]!;
  const b = report[at + 1]!;
  const c = report[at + 2]!;
  if (a !== 0x5d) return undefined;
  const letter = (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
  const modifier = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  if (!letter || !modifier) return undefined;
  const key = (b << 8) | c;
  let aim = aimCache.get(key);
  if (aim === undefined) {
    aim = `]${String.fromCharCode(b)}${String.fromCharCode(c)}`;
    aimCache.set(key, aim);
  }
  return aim;
}

export function decodeHidPosReport(report: Uint8Array, layout: HidPosLayout = commonHidPosLayout): HidPosFragment | HidPosFault {
  if (report.length !== layout.reportLength) {
    return {
      ok: false,
      code: 'bad_report_length',
      message: `HID POS report of ${report.length} bytes, expected ${layout.reportLength}` +
        (report.length === 8 ? ' (an 8-byte report: is this scanner a keyboard wedge? use mode=wedge)' : ''),
    };
  }
  if (report[0] !== layout.reportId) {
    return { ok: false, code: 'unknown_report', message: `report id ${report[0]}, expected ${layout.reportId}` };
  }
  let length: number;
  if (layout.byteCountOffset !== undefined) {
    length = report[layout.byteCountOffset]!;
    if (length > layout.dataLength) {
      return { ok: false, code: 'bad_byte_count', message: `byte count ${length} exceeds the ${layout.dataLength}-byte data field` };
    }
  } else {
    length = layout.dataLength;
    while (length > 0 && report[layout.dataOffset + length - 1] === 0) length--;
  }
  return {
    ok: true,
    symbology: readAim(report, layout.symbologyOffset),
    data: report.subarray(layout.dataOffset, layout.dataOffset + length),
    continued: (report[layout.continuedOffset]! & layout.continuedMask) !== 0,
  };
}
