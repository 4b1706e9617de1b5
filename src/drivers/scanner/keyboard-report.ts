import { keyMeaning, USAGE_ERROR_ROLLOVER, USAGE_ERROR_UNDEFINED, USAGE_FIRST_MODIFIER, type KeyEvent } from './keyboard-usages.js';

/** A boot-protocol keyboard input report: [modifiers, reserved, 6 key usages]. */
export const KEYBOARD_REPORT_LENGTH = 8;
const KEY_SLOTS = 6;

export type KeyboardReportFault =
  | { code: 'bad_report_length'; message: string }
  | { code: 'unknown_report'; message: string }
  | { code: 'rollover'; message: string };

/**
 * Turns keyboard input reports into key presses by diffing each report against the previous
 * one: a press is a usage that appears; a usage that stays is a held key (no repeat), one that
 * disappears is a release. So "11" needs a report without the 1 in between, as on a real
 * keyboard. Several new usages in one report are pressed in the order of their slots.
 * The modifiers that apply to a press are those of the report it appears in.
 */
export class KeyboardReportDecoder {
  private readonly held = new Uint8Array(KEY_SLOTS);
  private readonly next = new Uint8Array(KEY_SLOTS);
  private readonly expectedLength: number;

  /** `reportId`: for keyboards whose descriptor declares one, every report starts with it. */
  constructor(private readonly reportId?: number) {
    this.expectedLength = KEYBOARD_REPORT_LENGTH + (reportId === undefined ? 0 : 1);
  }

  /**
   * Decodes one report, calling `onKey` for each new press. On a fault nothing is pressed and
   * the held-key state is kept, so the next good report is diffed against the last good one.
   */
  decode(report: Uint8Array, onKey: (key: KeyEvent) => void): KeyboardReportFault | undefined {
    if (report.length !== this.expectedLength) {
      return {
        code: 'bad_report_length',
        message: `keyboard report of ${report.length} bytes, expected ${this.expectedLength}` +
          (report.length === 64 ? ' (a 64-byte report: is this scanner in HID POS mode? use mode=pos)' : ''),
      };
    }
    let at = 0;
    if (this.reportId !== undefined) {
      if (report[0] !== this.reportId) {
        return { code: 'unknown_report', message: `report id ${report[0]}, expected ${this.reportId}` };
      }
      at = 1;
    }
    const modifiers = report[at]!;
    const first = at + 2;
    for (let i = 0; i < KEY_SLOTS; i++) {
      const usage = report[first + i]!;
      if (usage >= USAGE_ERROR_ROLLOVER && usage <= USAGE_ERROR_UNDEFINED) {
        return { code: 'rollover', message: `keyboard reported error usage 0x0${usage.toString(16)}: keys were lost` };
      }
      this.next[i] = usage;
    }
    for (let i = 0; i < KEY_SLOTS; i++) {
      const usage = this.next[i]!;
      if (usage === 0 || usage >= USAGE_FIRST_MODIFIER || this.isHeld(usage) || this.next.indexOf(usage) < i) continue;
      onKey(keyMeaning(usage, modifiers));
    }
    this.held.set(this.next);
    return undefined;
  }

  /** Forget held keys (the device was unplugged or reopened). */
  reset(): void {
    this.held.fill(0);
  }

  private isHeld(usage: number): boolean {
    const held = this.held;
    for (let i = 0; i < KEY_SLOTS; i++) if (held[i] === usage) return true;
    return false;
  }
}
