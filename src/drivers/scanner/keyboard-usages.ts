/**
 * USB HID Keyboard/Keypad page (0x07) usages a barcode scanner types, read with the US layout.
 * Case comes from the Shift modifiers alone: the scanner's keys are decoded from raw reports,
 * so the host's Caps Lock state plays no part (and a Caps Lock press makes case unknowable).
 */

export const MOD_LEFT_CTRL = 0x01;
export const MOD_LEFT_SHIFT = 0x02;
export const MOD_LEFT_ALT = 0x04;
export const MOD_LEFT_GUI = 0x08;
export const MOD_RIGHT_CTRL = 0x10;
export const MOD_RIGHT_SHIFT = 0x20;
export const MOD_RIGHT_ALT = 0x40;
export const MOD_RIGHT_GUI = 0x80;
const MOD_SHIFT = MOD_LEFT_SHIFT | MOD_RIGHT_SHIFT;
const MOD_CTRL = MOD_LEFT_CTRL | MOD_RIGHT_CTRL;
const MOD_ALT_GUI = MOD_LEFT_ALT | MOD_RIGHT_ALT | MOD_LEFT_GUI | MOD_RIGHT_GUI;

/** Usages 0x01..0x03: ErrorRollOver, POSTFail, ErrorUndefined; sent in every slot when keys were lost. */
export const USAGE_ERROR_ROLLOVER = 0x01;
export const USAGE_ERROR_UNDEFINED = 0x03;
export const USAGE_ENTER = 0x28;
export const USAGE_TAB = 0x2b;
export const USAGE_KEYPAD_ENTER = 0x58;
/** Left Control .. Right GUI: modifiers, normally in the bitmap byte, sometimes also in the array. */
export const USAGE_FIRST_MODIFIER = 0xe0;

/** What one key press means to the scan assembler. Shared, frozen objects: decoding allocates nothing. */
export type KeyEvent =
  | { readonly kind: 'char'; readonly char: string }
  | { readonly kind: 'suffix'; readonly key: 'enter' | 'tab' }
  | { readonly kind: 'unsupported'; readonly usage: number };

// 0x04..0x1D letters, 0x1E..0x27 digits 1..9 0, 0x2C space, 0x2D..0x38 punctuation.
// 0x32 is "Non-US # and ~"; Linux maps it to the same key code as 0x31 (backslash), as do we.
const PLAIN = 'abcdefghijklmnopqrstuvwxyz1234567890';
const SHIFTED = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ!@#$%^&*()';
const PUNCT_PLAIN = "-=[]\\\\;'`,./";
const PUNCT_SHIFTED = '_+{}||:"~<>?';
// Keypad: 0x54 / 0x55 * 0x56 - 0x57 + (0x58 Enter) 0x59..0x61 1..9 0x62 0 0x63 .
const KEYPAD = '/*-+\u00001234567890.';

const plainTable: (KeyEvent | undefined)[] = new Array(256);
const shiftedTable: (KeyEvent | undefined)[] = new Array(256);
const controlTable: (KeyEvent | undefined)[] = new Array(256);

function char(c: string): KeyEvent {
  return Object.freeze({ kind: 'char', char: c });
}

for (let i = 0; i < PLAIN.length; i++) {
  plainTable[0x04 + i] = char(PLAIN[i]!);
  shiftedTable[0x04 + i] = char(SHIFTED[i]!);
}
plainTable[0x2c] = shiftedTable[0x2c] = char(' ');
for (let i = 0; i < PUNCT_PLAIN.length; i++) {
  plainTable[0x2d + i] = char(PUNCT_PLAIN[i]!);
  shiftedTable[0x2d + i] = char(PUNCT_SHIFTED[i]!);
}
for (let i = 0; i < KEYPAD.length; i++) {
  if (KEYPAD[i] === '\u0000') continue;
  plainTable[0x54 + i] = shiftedTable[0x54 + i] = char(KEYPAD[i]!);
}
const ENTER: KeyEvent = Object.freeze({ kind: 'suffix', key: 'enter' });
const TAB: KeyEvent = Object.freeze({ kind: 'suffix', key: 'tab' });
for (const table of [plainTable, shiftedTable, controlTable]) {
  table[USAGE_ENTER] = ENTER;
  table[USAGE_KEYPAD_ENTER] = ENTER;
  table[USAGE_TAB] = TAB;
}
// Control characters scanners send inside GS1 / ISO 15434 data: Ctrl+] GS, Ctrl+^ RS, Ctrl+\ FS, Ctrl+D EOT.
controlTable[0x30] = char('\x1d');
controlTable[0x23] = char('\x1e'); // Ctrl+6 (Ctrl+^ with or without Shift)
controlTable[0x31] = char('\x1c');
controlTable[0x32] = char('\x1c');
controlTable[0x07] = char('\x04');

const unsupportedCache: KeyEvent[] = [];
function unsupported(usage: number): KeyEvent {
  return (unsupportedCache[usage] ??= Object.freeze({ kind: 'unsupported', usage }));
}

/** The meaning of pressing `usage` while `modifiers` (the report's bitmap byte) are held. */
export function keyMeaning(usage: number, modifiers: number): KeyEvent {
  if (modifiers & MOD_ALT_GUI) return unsupported(usage);
  const table = modifiers & MOD_CTRL ? controlTable : modifiers & MOD_SHIFT ? shiftedTable : plainTable;
  return table[usage] ?? unsupported(usage);
}
