/**
 * How a scanner in keyboard-wedge mode types a character on a US keyboard: the Keyboard page
 * usage and the modifier bits it holds. Written from the device's side, independently of the
 * driver's decoding table, so that one cannot hide a mistake in the other.
 */
export const LEFT_CTRL = 0x01;
export const LEFT_SHIFT = 0x02;

export interface Keystroke {
  usage: number;
  modifiers: number;
}

const strokes = new Map<string, Keystroke>();

function put(chars: string, firstUsage: number, modifiers: number): void {
  for (let i = 0; i < chars.length; i++) strokes.set(chars[i]!, { usage: firstUsage + i, modifiers });
}

put('abcdefghijklmnopqrstuvwxyz', 0x04, 0);
put('ABCDEFGHIJKLMNOPQRSTUVWXYZ', 0x04, LEFT_SHIFT);
put('1234567890', 0x1e, 0);
put('!@#$%^&*()', 0x1e, LEFT_SHIFT);
strokes.set(' ', { usage: 0x2c, modifiers: 0 });
// Minus, equals, brackets, backslash on the US keys; 0x32 (non-US #) is not on a US keyboard.
put('-=[]\\', 0x2d, 0);
put('_+{}|', 0x2d, LEFT_SHIFT);
put(";'`,./", 0x33, 0);
put(':"~<>?', 0x33, LEFT_SHIFT);
// GS1 / ISO 15434 separators as scanners type them: Ctrl+] GS, Ctrl+^ RS, Ctrl+\ FS, Ctrl+D EOT.
strokes.set('\x1d', { usage: 0x30, modifiers: LEFT_CTRL });
strokes.set('\x1e', { usage: 0x23, modifiers: LEFT_CTRL | LEFT_SHIFT });
strokes.set('\x1c', { usage: 0x31, modifiers: LEFT_CTRL });
strokes.set('\x04', { usage: 0x07, modifiers: LEFT_CTRL });

export const USAGE_ENTER = 0x28;
export const USAGE_TAB = 0x2b;
export const USAGE_KEYPAD_ENTER = 0x58;

export function keystrokeFor(char: string): Keystroke {
  const stroke = strokes.get(char);
  if (!stroke) throw new RangeError(`a US keyboard cannot type ${JSON.stringify(char)}`);
  return stroke;
}
