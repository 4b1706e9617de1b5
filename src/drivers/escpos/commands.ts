import { DLE, EOT, ESC, FS, GS, LF } from './ascii.js';
import { checkInteger, EscPosError } from './errors.js';

export type Align = 'left' | 'center' | 'right';
export type Font = 'A' | 'B';
export type UnderlineWeight = 0 | 1 | 2;
export type CutMode = 'full' | 'partial';
/** Drawer kick-out connector pin: 2 (first drawer) or 5 (second drawer). */
export type DrawerPin = 2 | 5;

/** ESC ! n: the single-byte print mode (applies to alphanumeric characters). */
export interface PrintModeFlags {
  fontB?: boolean;
  bold?: boolean;
  doubleHeight?: boolean;
  doubleWidth?: boolean;
  underline?: boolean;
}

/** ESC @: clears the print buffer and resets modes to the power-on state. */
export function initialize(): Uint8Array {
  return Uint8Array.of(ESC, 0x40);
}

/** ESC ! n. */
export function printMode(flags: PrintModeFlags): Uint8Array {
  const n =
    (flags.fontB ? 0x01 : 0) |
    (flags.bold ? 0x08 : 0) |
    (flags.doubleHeight ? 0x10 : 0) |
    (flags.doubleWidth ? 0x20 : 0) |
    (flags.underline ? 0x80 : 0);
  return Uint8Array.of(ESC, 0x21, n);
}

/** GS ! n: character size, width and height each 1..8 times (alphanumeric and Chinese characters). */
export function characterSize(width: number, height: number): Uint8Array {
  checkInteger('character width', width, 1, 8);
  checkInteger('character height', height, 1, 8);
  return Uint8Array.of(GS, 0x21, ((width - 1) << 4) | (height - 1));
}

/** ESC E n: emphasized (bold). */
export function bold(on: boolean): Uint8Array {
  return Uint8Array.of(ESC, 0x45, on ? 1 : 0);
}

/** ESC - n: underline for alphanumeric characters, 0 off, 1 one dot, 2 two dots. */
export function underline(weight: UnderlineWeight): Uint8Array {
  checkInteger('underline weight', weight, 0, 2);
  return Uint8Array.of(ESC, 0x2d, weight);
}

/** FS - n: underline for Chinese (Kanji-mode) characters. */
export function chineseUnderline(weight: UnderlineWeight): Uint8Array {
  checkInteger('underline weight', weight, 0, 2);
  return Uint8Array.of(FS, 0x2d, weight);
}

/** GS B n: white on black. */
export function reverse(on: boolean): Uint8Array {
  return Uint8Array.of(GS, 0x42, on ? 1 : 0);
}

/** ESC M n: font A (12x24 on most printers) or B (9x17). */
export function font(which: Font): Uint8Array {
  if (which !== 'A' && which !== 'B') throw new EscPosError('bad_argument', `font must be A or B, got ${String(which)}`);
  return Uint8Array.of(ESC, 0x4d, which === 'A' ? 0 : 1);
}

/** ESC a n. The printer honours it only at the start of a line. */
export function align(where: Align): Uint8Array {
  const n = where === 'left' ? 0 : where === 'center' ? 1 : where === 'right' ? 2 : -1;
  if (n < 0) throw new EscPosError('bad_argument', `alignment must be left, center or right, got ${String(where)}`);
  return Uint8Array.of(ESC, 0x61, n);
}

/** ESC t n: character code table for bytes 0x80..0xFF outside Chinese mode (0 = PC437). */
export function codeTable(n: number): Uint8Array {
  checkInteger('code table', n, 0, 255);
  return Uint8Array.of(ESC, 0x74, n);
}

/** ESC R n: international character set (0 = USA, 15 = China). */
export function internationalSet(n: number): Uint8Array {
  checkInteger('international character set', n, 0, 17);
  return Uint8Array.of(ESC, 0x52, n);
}

/** FS & (on) / FS . (off): Chinese (Kanji) mode; when on, bytes >= 0x81 start GB18030 characters. */
export function chineseMode(on: boolean): Uint8Array {
  return Uint8Array.of(FS, on ? 0x26 : 0x2e);
}

/** LF: print the line buffer and feed one line. */
export function lineFeed(): Uint8Array {
  return Uint8Array.of(LF);
}

/** ESC d n: print the line buffer and feed n lines. */
export function feedLines(n: number): Uint8Array {
  checkInteger('feed lines', n, 0, 255);
  return Uint8Array.of(ESC, 0x64, n);
}

/** ESC J n: print the line buffer and feed n dots (vertical motion units). */
export function feedDots(n: number): Uint8Array {
  checkInteger('feed dots', n, 0, 255);
  return Uint8Array.of(ESC, 0x4a, n);
}

/** ESC 3 n: line spacing in dots; ESC 2: back to the default (about 1/6 inch). */
export function lineSpacing(dots: number | 'default'): Uint8Array {
  if (dots === 'default') return Uint8Array.of(ESC, 0x32);
  checkInteger('line spacing', dots, 0, 255);
  return Uint8Array.of(ESC, 0x33, dots);
}

/** GS V m: cut where the paper is now (m = 0 full, 1 partial). */
export function cut(mode: CutMode): Uint8Array {
  return Uint8Array.of(GS, 0x56, cutMode(mode) ? 1 : 0);
}

/**
 * GS V m n (m = 65 full, 66 partial): feed the last printed line past the cutter, then n more
 * dots, then cut. Plain GS V 0 would cut through the lines still between head and cutter.
 */
export function feedAndCut(mode: CutMode, feed = 0): Uint8Array {
  checkInteger('feed before cut', feed, 0, 255);
  return Uint8Array.of(GS, 0x56, cutMode(mode) ? 66 : 65, feed);
}

function cutMode(mode: CutMode): boolean {
  if (mode !== 'full' && mode !== 'partial') throw new EscPosError('bad_argument', `cut must be full or partial, got ${String(mode)}`);
  return mode === 'partial';
}

export interface DrawerPulse {
  /** Connector pin that drives the drawer solenoid: 2 (default) or 5. */
  pin?: DrawerPin;
  /** Pulse on time in milliseconds: 2..510, a multiple of 2 (the printer counts in 2 ms units). */
  onMs: number;
  /** Off time after the pulse, 2..510 ms, a multiple of 2, and not shorter than the on time. */
  offMs: number;
}

/**
 * ESC p m t1 t2: always all five bytes (a four-byte form leaves the printer waiting for t2 and
 * swallowing the next byte, the usual cause of "drawers that open sometimes").
 */
export function drawerPulse(pulse: DrawerPulse): Uint8Array {
  const pin = pulse.pin ?? 2;
  if (pin !== 2 && pin !== 5) throw new EscPosError('bad_argument', `drawer pin must be 2 or 5, got ${String(pin)}`);
  const t1 = pulseUnits('drawer pulse on time', pulse.onMs);
  const t2 = pulseUnits('drawer pulse off time', pulse.offMs);
  if (t2 < t1) {
    throw new EscPosError('bad_argument', `drawer pulse off time (${pulse.offMs} ms) must not be shorter than the on time (${pulse.onMs} ms)`);
  }
  return Uint8Array.of(ESC, 0x70, pin === 2 ? 0 : 1, t1, t2);
}

function pulseUnits(name: string, ms: number): number {
  if (!Number.isInteger(ms) || ms < 2 || ms > 510 || ms % 2 !== 0) {
    throw new EscPosError('bad_argument', `${name} must be an even number of milliseconds in 2..510, got ${String(ms)}`);
  }
  return ms / 2;
}

/** DLE EOT n: which real-time status byte to send back. */
export const StatusRequest = {
  printer: 1,
  offlineCause: 2,
  errorCause: 3,
  paperSensor: 4,
} as const;
export type StatusRequest = (typeof StatusRequest)[keyof typeof StatusRequest];

/** DLE EOT n: answered at once, even while the printer is busy or offline. Never inside another command. */
export function realTimeStatus(n: StatusRequest): Uint8Array {
  checkInteger('DLE EOT n', n, 1, 4);
  return Uint8Array.of(DLE, EOT, n);
}

/** What GS a n asks the printer to report by itself. */
export interface AsbItems {
  drawer?: boolean;
  onlineOffline?: boolean;
  error?: boolean;
  paperSensor?: boolean;
}

export const ALL_ASB_ITEMS: Required<AsbItems> = { drawer: true, onlineOffline: true, error: true, paperSensor: true };

/** GS a n: Automatic Status Back; the printer pushes 4 status bytes now and on every change. n = 0 disables. */
export function automaticStatusBack(items: AsbItems): Uint8Array {
  const n = (items.drawer ? 1 : 0) | (items.onlineOffline ? 2 : 0) | (items.error ? 4 : 0) | (items.paperSensor ? 8 : 0);
  return Uint8Array.of(GS, 0x61, n);
}

/**
 * GS r 1: send the paper sensor status once everything before it has been processed. The
 * device layer puts it after each job as a fence: the reply means the job left the buffer.
 */
export function transmitPaperStatus(): Uint8Array {
  return Uint8Array.of(GS, 0x72, 1);
}
