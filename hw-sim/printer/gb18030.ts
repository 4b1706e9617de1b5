import iconv from 'iconv-lite';

/**
 * GB18030 as the printer's Chinese mode reads it: ASCII is one byte; a lead byte 0x81..0xFE is
 * followed by one trail byte 0x40..0x7E / 0x80..0xFE (two-byte code), or by 0x30..0x39, 0x81..0xFE,
 * 0x30..0x39 (four-byte code).
 */
export type Gb18030Step =
  | { kind: 'char'; ch: string; length: number }
  | { kind: 'more' }
  | { kind: 'invalid'; length: number };

const isLead = (b: number): boolean => b >= 0x81 && b <= 0xfe;
const isDigit = (b: number): boolean => b >= 0x30 && b <= 0x39;
const isTrail2 = (b: number): boolean => (b >= 0x40 && b <= 0x7e) || (b >= 0x80 && b <= 0xfe);

/** Reads one character of 0x80 or more at `at`. */
export function readGb18030(bytes: Uint8Array, at: number): Gb18030Step {
  const b1 = bytes[at]!;
  if (!isLead(b1)) return { kind: 'invalid', length: 1 };
  if (at + 1 >= bytes.length) return { kind: 'more' };
  const b2 = bytes[at + 1]!;
  if (isTrail2(b2)) return decode(bytes, at, 2);
  if (!isDigit(b2)) return { kind: 'invalid', length: 1 };
  if (at + 3 >= bytes.length) {
    if (at + 2 < bytes.length && !isLead(bytes[at + 2]!)) return { kind: 'invalid', length: 1 };
    return { kind: 'more' };
  }
  if (!isLead(bytes[at + 2]!) || !isDigit(bytes[at + 3]!)) return { kind: 'invalid', length: 1 };
  return decode(bytes, at, 4);
}

function decode(bytes: Uint8Array, at: number, length: number): Gb18030Step {
  const ch = iconv.decode(Buffer.from(bytes.subarray(at, at + length)), 'gb18030');
  if (ch === '' || ch.includes('\ufffd')) return { kind: 'invalid', length };
  return { kind: 'char', ch, length };
}
