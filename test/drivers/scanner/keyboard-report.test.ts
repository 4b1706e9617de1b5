import { describe, expect, it } from 'vitest';
import { KeyboardReportDecoder } from '../../../src/drivers/scanner/keyboard-report.js';
import type { KeyEvent } from '../../../src/drivers/scanner/keyboard-usages.js';

function hex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
}

/** Feeds reports (hex) and returns what was typed: characters, ⏎ / ⇥ for suffixes, ¿xx for unsupported keys. */
function typed(decoder: KeyboardReportDecoder, ...reports: string[]): { text: string; faults: string[] } {
  let text = '';
  const faults: string[] = [];
  const onKey = (key: KeyEvent): void => {
    if (key.kind === 'char') text += key.char;
    else if (key.kind === 'suffix') text += key.key === 'enter' ? '⏎' : '⇥';
    else text += `¿${key.usage.toString(16)}`;
  };
  for (const report of reports) {
    const fault = decoder.decode(hex(report), onKey);
    if (fault) faults.push(fault.code);
  }
  return { text, faults };
}

const UP = '0000000000000000';

describe('keyboard wedge reports (golden vectors)', () => {
  it('decodes presses by diffing against the previous report, with left and right shift', () => {
    const d = new KeyboardReportDecoder();
    const out = typed(
      d,
      '0000040000000000', UP, // a
      '0200050000000000', UP, // B, left shift
      '00001e0000000000', UP, // 1
      '20001e0000000000', UP, // !, right shift
      '0000280000000000', UP, // Enter
    );
    expect(out).toEqual({ text: 'aB1!⏎', faults: [] });
  });

  it('maps every US punctuation key, plain and shifted, and the space bar', () => {
    const usages = [0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38];
    const plain = new KeyboardReportDecoder();
    const shifted = new KeyboardReportDecoder();
    const reportsOf = (mod: string): string[] => usages.flatMap((u) => [`${mod}00${u.toString(16)}0000000000`, UP]);
    expect(typed(plain, ...reportsOf('00')).text).toBe(" -=[]\\\\;'`,./");
    expect(typed(shifted, ...reportsOf('02')).text).toBe(' _+{}||:"~<>?');
  });

  it('maps the letters and digits rows', () => {
    const d = new KeyboardReportDecoder();
    const letters = Array.from({ length: 36 }, (_, i) => [`0000${(0x04 + i).toString(16).padStart(2, '0')}0000000000`, UP]).flat();
    expect(typed(d, ...letters).text).toBe('abcdefghijklmnopqrstuvwxyz1234567890');
    const shiftedDigits = Array.from({ length: 10 }, (_, i) => [`0200${(0x1e + i).toString(16)}0000000000`, UP]).flat();
    expect(typed(d, ...shiftedDigits).text).toBe('!@#$%^&*()');
  });

  it('reports several keys in one report in slot order, and only the new ones of a rollover', () => {
    const d = new KeyboardReportDecoder();
    // a and b pressed together; then a released while c is pressed; then a again.
    const out = typed(d, '0000040500000000', '0000050600000000', '0000060504000000', UP);
    expect(out.text).toBe('abca');
  });

  it('a usage that stays is a held key: "11" needs a release report between the presses', () => {
    expect(typed(new KeyboardReportDecoder(), '00001e0000000000', '00001e0000000000', UP).text).toBe('1');
    expect(typed(new KeyboardReportDecoder(), '00001e0000000000', UP, '00001e0000000000', UP).text).toBe('11');
    // A release of the other key only (rollover) still does not repeat the held one.
    expect(typed(new KeyboardReportDecoder(), '00001e1f00000000', '00001e0000000000').text).toBe('12');
  });

  it('the all-zero report releases everything; a modifier-only report presses nothing', () => {
    const d = new KeyboardReportDecoder();
    expect(typed(d, UP, '0200000000000000', '0200040000000000', '0000000000000000', '0000040000000000').text).toBe('Aa');
  });

  it('uses the modifiers of the report a key appears in', () => {
    // Shift released in the same report as the next key: that key is lower case.
    const d = new KeyboardReportDecoder();
    expect(typed(d, '0200040000000000', '0000050000000000', UP).text).toBe('Ab');
  });

  it('ignores modifier usages in the key array and reports keys with no character', () => {
    const d = new KeyboardReportDecoder();
    // 0xE1 (left shift) in the array; Escape 0x29; Caps Lock 0x39; F1 0x3A; Alt+a; GUI+a.
    const out = typed(d, '0000e10000000000', UP, '0000290000000000', UP, '0000390000000000', UP, '00003a0000000000', UP, '0400040000000000', UP, '0800040000000000', UP);
    expect(out.text).toBe('¿29¿39¿3a¿4¿4');
  });

  it('decodes keypad digits and keypad Enter, Tab as a suffix, and Ctrl separators', () => {
    const d = new KeyboardReportDecoder();
    const out = typed(
      d,
      '0000590000000000', UP, '0000620000000000', UP, '0000630000000000', UP, // KP1 KP0 KP.
      '0000580000000000', UP, '00002b0000000000', UP, // KP Enter, Tab
      '0100300000000000', UP, '0300230000000000', UP, '0100070000000000', UP, // Ctrl+] Ctrl+^ Ctrl+D
    );
    expect(out.text).toBe('10.⏎⇥\x1d\x1e\x04');
  });

  it('reports error rollover as a fault, presses nothing and keeps the held keys', () => {
    const d = new KeyboardReportDecoder();
    const out = typed(d, '0000040000000000', '0000010101010101', '0000040500000000', UP);
    expect(out.faults).toEqual(['rollover']);
    // a was held before the rollover report and still is: only b is new.
    expect(out.text).toBe('ab');
  });

  it('reports reports of the wrong length, with a hint for a 64-byte HID POS report', () => {
    const d = new KeyboardReportDecoder();
    expect(d.decode(hex('00000400000000'), () => undefined)).toMatchObject({ code: 'bad_report_length' });
    const pos = d.decode(new Uint8Array(64), () => undefined);
    expect(pos?.code).toBe('bad_report_length');
    expect(pos?.message).toMatch(/mode=pos/);
    expect(d.decode(new Uint8Array(0), () => undefined)).toMatchObject({ code: 'bad_report_length' });
  });

  it('handles keyboards that prefix a report id', () => {
    const d = new KeyboardReportDecoder(1);
    expect(typed(d, '010000040000000000', '010000000000000000').text).toBe('a');
    expect(typed(d, '020000040000000000').faults).toEqual(['unknown_report']);
    expect(typed(d, '0000040000000000').faults).toEqual(['bad_report_length']);
  });

  it('reset forgets held keys (after a replug the same key is a new press)', () => {
    const d = new KeyboardReportDecoder();
    typed(d, '0000040000000000');
    d.reset();
    expect(typed(d, '0000040000000000').text).toBe('a');
  });
});
