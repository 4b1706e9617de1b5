import iconv from 'iconv-lite';
import { EscPosError } from './errors.js';

/** Single-byte code pages a printer selects with ESC t n (Epson table numbers). */
export const CODE_PAGES = {
  cp437: 0,
  cp850: 2,
  cp860: 3,
  cp863: 4,
  cp865: 5,
  cp1252: 16,
  cp866: 17,
  cp852: 18,
  cp858: 19,
} as const;
export type CodePageName = keyof typeof CODE_PAGES;

/**
 * How a printer turns text into glyphs.
 * - gb18030: Chinese mode (FS &): ASCII is one byte, everything else a GB18030 multi-byte character
 *   printed in a double-width (Kanji) cell.
 * - codepage: one byte a character from the ESC t table; a character outside it cannot be printed.
 */
export type TextEncoding = { kind: 'gb18030' } | { kind: 'codepage'; codePage: CodePageName };

/** What to do with a character the encoding cannot print: refuse the text (default) or print '?'. */
export type UnencodablePolicy = 'error' | 'replace';

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Checks text meant for the paper: no control characters (an ESC or DLE in a product name would
 * be read as a command) and no broken UTF-16. Returns it in NFC, so e + U+0301 prints as one é.
 */
export function printableText(text: string): string {
  const control = CONTROL.exec(text);
  if (control) {
    throw new EscPosError(
      'control_character',
      `text holds control character U+${control[0].charCodeAt(0).toString(16).padStart(4, '0')} at ${control.index}; lines are separate blocks, not \\n`,
    );
  }
  if (LONE_SURROGATE.test(text)) throw new EscPosError('control_character', 'text holds a lone surrogate (broken UTF-16)');
  return text.normalize('NFC');
}

const reverseTables = new Map<CodePageName, Map<string, number>>();

/** Character -> byte for 0x80..0xFF of a code page, built once from iconv-lite's decoder. */
function reverseTable(codePage: CodePageName): Map<string, number> {
  let table = reverseTables.get(codePage);
  if (!table) {
    if (!(codePage in CODE_PAGES)) throw new EscPosError('bad_argument', `unknown code page ${String(codePage)}`);
    table = new Map();
    for (let b = 0x80; b <= 0xff; b++) {
      const ch = iconv.decode(Buffer.of(b), codePage);
      if (ch !== '\ufffd' && !table.has(ch)) table.set(ch, b);
    }
    reverseTables.set(codePage, table);
  }
  return table;
}

/** The bytes a line of text becomes. Throws EscPosError('unencodable_text') rather than print garbage. */
export function encodeText(text: string, encoding: TextEncoding, policy: UnencodablePolicy = 'error'): Uint8Array {
  const clean = printableText(text);
  if (encoding.kind === 'gb18030') return iconv.encode(clean, 'gb18030');
  const table = reverseTable(encoding.codePage);
  const out = new Uint8Array(clean.length);
  let n = 0;
  let index = 0;
  for (const ch of clean) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) {
      out[n++] = code;
    } else {
      const b = table.get(ch);
      if (b !== undefined) out[n++] = b;
      else if (policy === 'replace') out[n++] = 0x3f;
      else {
        throw new EscPosError(
          'unencodable_text',
          `${JSON.stringify(ch)} (U+${code.toString(16).toUpperCase().padStart(4, '0')}) at ${index} cannot be printed in ` +
            `${encoding.codePage}; use a profile with Chinese (GB18030) support`,
        );
      }
    }
    index += ch.length;
  }
  return out.subarray(0, n);
}

/**
 * Columns one character takes in font A or B at normal size. In Chinese mode every character
 * outside ASCII is a multi-byte code the firmware prints in a Kanji cell, twice as wide as an
 * ASCII cell: CJK ideographs, fullwidth forms, and also ¥ · é. On a code page every character is
 * one column.
 */
export function charColumns(codePoint: number, encoding: TextEncoding): 1 | 2 {
  return encoding.kind === 'gb18030' && codePoint >= 0x80 ? 2 : 1;
}

export function textColumns(text: string, encoding: TextEncoding): number {
  let columns = 0;
  for (const ch of text) columns += charColumns(ch.codePointAt(0)!, encoding);
  return columns;
}
