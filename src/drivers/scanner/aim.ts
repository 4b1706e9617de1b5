/**
 * AIM symbology identifiers (ISO/IEC 15424): `]`, a code character naming the symbology and a
 * modifier character. Scanners put one in front of the data when configured to, and HID POS
 * reports carry one in their Symbology Identifier bytes.
 */
export type SymbologyName =
  | 'qr'
  | 'ean-upc'
  | 'ean8'
  | 'code128'
  | 'gs1-128'
  | 'code39'
  | 'code93'
  | 'codabar'
  | 'itf'
  | 'pdf417'
  | 'datamatrix'
  | 'aztec'
  | 'gs1-databar'
  | 'other';

const AIM_RE = /^\][A-Za-z][0-9A-Za-z]$/;

export function isAimIdentifier(text: string): boolean {
  return AIM_RE.test(text);
}

export function symbologyName(aim: string): SymbologyName {
  const code = aim[1];
  const modifier = aim[2];
  switch (code) {
    case 'Q':
      return 'qr';
    case 'E':
      // E0 is EAN-13 and UPC-A (sent as 13 digits), E4 EAN-8; E1..E3 are add-on combinations.
      return modifier === '4' ? 'ean8' : 'ean-upc';
    case 'C':
      return modifier === '1' ? 'gs1-128' : 'code128';
    case 'A':
      return 'code39';
    case 'G':
      return 'code93';
    case 'F':
      return 'codabar';
    case 'I':
      return 'itf';
    case 'L':
      return 'pdf417';
    case 'd':
      return 'datamatrix';
    case 'z':
      return 'aztec';
    case 'e':
      return 'gs1-databar';
    default:
      return 'other';
  }
}

/** Splits a leading AIM identifier off scanned text (for scanners configured to prefix one). */
export function splitAimPrefix(text: string): { symbology: string | undefined; data: string } {
  if (text.length >= 3 && text.charCodeAt(0) === 0x5d && AIM_RE.test(text.slice(0, 3))) {
    return { symbology: text.slice(0, 3), data: text.slice(3) };
  }
  return { symbology: undefined, data: text };
}
