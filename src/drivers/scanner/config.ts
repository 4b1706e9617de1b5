import { parseDeviceUri } from '../transport/uri.js';
import { ScannerError } from './errors.js';
import { commonHidPosLayout, type HidPosLayout } from './hid-pos-report.js';
import { defaultHidPosTiming, type HidPosTiming } from './hid-pos-assembler.js';
import { defaultSerialTiming, type SerialTiming } from './serial-lines.js';
import { defaultWedgeTiming, type WedgeTiming } from './wedge-assembler.js';

/** Keyboard wedge (HID boot keyboard), HID POS (usage page 0x8C), or a serial / USB-CDC line. */
export type ScannerMode = 'wedge' | 'pos' | 'serial';

export interface ScannerOptions {
  /** Overrides the mode the URI implies (`?mode=wedge|pos` on hid: and sim:...?transport=hid). */
  mode?: ScannerMode;
  wedge?: Partial<WedgeTiming>;
  serial?: Partial<SerialTiming>;
  hidPos?: Partial<HidPosTiming>;
  hidPosLayout?: HidPosLayout;
  /** Keyboards whose descriptor declares a report id prefix every 8-byte report with it. */
  keyboardReportId?: number;
  /** The scanner is configured to put the AIM identifier in front of the data (wedge, serial). */
  aimPrefix?: boolean;
  /** Monotonic milliseconds; performance.now by default. */
  now?: () => number;
}

export interface ResolvedScannerOptions {
  mode: ScannerMode;
  wedge: WedgeTiming;
  serial: SerialTiming;
  hidPos: HidPosTiming;
  hidPosLayout: HidPosLayout;
  keyboardReportId: number | undefined;
  aimPrefix: boolean;
  now: () => number;
}

const MODES: readonly ScannerMode[] = ['wedge', 'pos', 'serial'];

/**
 * The mode a device URI implies: serial: is serial; hid: is wedge unless `?mode=pos`.
 * `override` (from options) replaces the URI's mode but must still suit its transport.
 */
export function scannerModeOf(uri: string, override?: ScannerMode): ScannerMode {
  const parsed = parseDeviceUri(uri);
  const asked = override ?? parsed.options.mode;
  if (asked !== undefined && !(MODES as readonly string[]).includes(asked)) {
    throw new ScannerError('bad_config', `${uri}: mode ${JSON.stringify(asked)} is not wedge, pos or serial`);
  }
  const hid = parsed.scheme === 'hid' || (parsed.scheme === 'sim' && parsed.options.transport === 'hid');
  if (!hid) {
    if (asked !== undefined && asked !== 'serial') throw new ScannerError('bad_config', `${uri}: a serial line cannot be mode ${asked}`);
    return 'serial';
  }
  if (asked === 'serial') throw new ScannerError('bad_config', `${uri}: a HID device is mode wedge or pos`);
  return (asked as ScannerMode | undefined) ?? 'wedge';
}

function positive(name: string, value: number, max: number): number {
  if (!Number.isFinite(value) || value <= 0 || value > max) {
    throw new ScannerError('bad_config', `scanner option ${name} = ${value} is not in (0, ${max}]`);
  }
  return value;
}

function integer(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ScannerError('bad_config', `scanner option ${name} = ${value} is not an integer in [${min}, ${max}]`);
  }
  return value;
}

export function resolveScannerOptions(mode: ScannerMode, options: ScannerOptions = {}): ResolvedScannerOptions {
  if (!MODES.includes(mode)) throw new ScannerError('bad_config', `scanner mode ${JSON.stringify(mode)} is not wedge, pos or serial`);
  const wedge = { ...defaultWedgeTiming, ...options.wedge };
  positive('wedge.silenceMs', wedge.silenceMs, 10_000);
  positive('wedge.maxMeanKeyGapMs', wedge.maxMeanKeyGapMs, 10_000);
  positive('wedge.typingPauseMs', wedge.typingPauseMs, 60_000);
  integer('wedge.minScanLength', wedge.minScanLength, 1, 1000);
  integer('wedge.maxScanLength', wedge.maxScanLength, wedge.minScanLength, 1 << 20);
  if (wedge.maxMeanKeyGapMs >= wedge.silenceMs) {
    throw new ScannerError('bad_config', 'wedge.maxMeanKeyGapMs must be below wedge.silenceMs, or no scan can be slow');
  }
  const serial = { ...defaultSerialTiming, ...options.serial };
  positive('serial.silenceMs', serial.silenceMs, 10_000);
  integer('serial.maxLineBytes', serial.maxLineBytes, 1, 1 << 20);
  const hidPos = { ...defaultHidPosTiming, ...options.hidPos };
  positive('hidPos.continuationTimeoutMs', hidPos.continuationTimeoutMs, 10_000);
  integer('hidPos.maxScanBytes', hidPos.maxScanBytes, 1, 1 << 20);
  const layout = options.hidPosLayout ?? commonHidPosLayout;
  checkLayout(layout);
  if (options.keyboardReportId !== undefined) integer('keyboardReportId', options.keyboardReportId, 1, 255);
  return {
    mode,
    wedge,
    serial,
    hidPos,
    hidPosLayout: layout,
    keyboardReportId: options.keyboardReportId,
    aimPrefix: options.aimPrefix ?? false,
    now: options.now ?? (() => performance.now()),
  };
}

function checkLayout(layout: HidPosLayout): void {
  const inside = (name: string, offset: number, size: number): void => {
    if (!Number.isInteger(offset) || offset < 1 || offset + size > layout.reportLength) {
      throw new ScannerError('bad_config', `hidPosLayout.${name} (${offset}) lies outside the ${layout.reportLength}-byte report`);
    }
  };
  integer('hidPosLayout.reportId', layout.reportId, 1, 255);
  integer('hidPosLayout.reportLength', layout.reportLength, 2, 4096);
  if (layout.byteCountOffset !== undefined) inside('byteCountOffset', layout.byteCountOffset, 1);
  inside('symbologyOffset', layout.symbologyOffset, 3);
  inside('dataOffset', layout.dataOffset, layout.dataLength);
  inside('continuedOffset', layout.continuedOffset, 1);
  integer('hidPosLayout.continuedMask', layout.continuedMask, 1, 255);
}
