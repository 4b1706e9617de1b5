import { GS } from './ascii.js';
import { concatBytes } from '../../encoding/bytes.js';
import { checkInteger, EscPosError } from './errors.js';

export type BarcodeSymbology = 'EAN13' | 'EAN8' | 'UPCA' | 'CODE128';
/** Where the human-readable digits go. */
export type HriPosition = 'none' | 'above' | 'below' | 'both';
/** CODE128 code set: A (upper case and controls), B (printable ASCII), C (digit pairs), or auto (C for even digit strings, else B). */
export type Code128Set = 'A' | 'B' | 'C' | 'auto';

export interface BarcodeOptions {
  /** Bar height in dots, 1..255 (default 80). */
  height?: number;
  /** Narrow module width in dots, 2..6 (default 2). */
  moduleWidth?: number;
  /** Human-readable interpretation (default below). */
  hri?: HriPosition;
  /** Font of the human-readable digits (default A). */
  hriFont?: 'A' | 'B';
  /** CODE128 only (default auto). */
  codeSet?: Code128Set;
}

/** GS k m (format 2, length-prefixed): 65 UPC-A, 67 EAN13, 68 EAN8, 73 CODE128. */
const SYMBOLOGY_BYTE: Record<BarcodeSymbology, number> = { UPCA: 65, EAN13: 67, EAN8: 68, CODE128: 73 };
const HRI_BYTE: Record<HriPosition, number> = { none: 0, above: 1, below: 2, both: 3 };

/** GS h n. */
export function barcodeHeight(dots: number): Uint8Array {
  return Uint8Array.of(GS, 0x68, checkInteger('barcode height', dots, 1, 255));
}

/** GS w n. */
export function barcodeModuleWidth(dots: number): Uint8Array {
  return Uint8Array.of(GS, 0x77, checkInteger('barcode module width', dots, 2, 6));
}

/** GS H n. */
export function hriPosition(position: HriPosition): Uint8Array {
  const n = HRI_BYTE[position];
  if (n === undefined) throw new EscPosError('bad_argument', `HRI position must be none, above, below or both, got ${String(position)}`);
  return Uint8Array.of(GS, 0x48, n);
}

/** GS f n. */
export function hriFont(which: 'A' | 'B'): Uint8Array {
  if (which !== 'A' && which !== 'B') throw new EscPosError('bad_argument', `HRI font must be A or B, got ${String(which)}`);
  return Uint8Array.of(GS, 0x66, which === 'A' ? 0 : 1);
}

/** The bytes GS k carries for this symbology: digits without the check digit (the printer adds it), or CODE128 with its code set prefix. */
export function barcodePayload(symbology: BarcodeSymbology, data: string, codeSet: Code128Set = 'auto'): Uint8Array {
  switch (symbology) {
    case 'EAN13':
      return ascii(gtinDigits('EAN-13', data, 13));
    case 'EAN8':
      return ascii(gtinDigits('EAN-8', data, 8));
    case 'UPCA':
      return ascii(gtinDigits('UPC-A', data, 12));
    case 'CODE128':
      return code128Payload(data, codeSet);
    default:
      throw new EscPosError('bad_argument', `unknown barcode symbology ${String(symbology)}`);
  }
}

/** GS k m n d1..dn. */
export function barcodeData(symbology: BarcodeSymbology, data: string, codeSet: Code128Set = 'auto'): Uint8Array {
  const payload = barcodePayload(symbology, data, codeSet);
  const out = new Uint8Array(4 + payload.length);
  out.set([GS, 0x6b, SYMBOLOGY_BYTE[symbology], payload.length]);
  out.set(payload, 4);
  return out;
}

/** Height, module width, HRI position and font, then the symbol. */
export function barcode(symbology: BarcodeSymbology, data: string, options: BarcodeOptions = {}): Uint8Array {
  return concatBytes([
    barcodeHeight(options.height ?? 80),
    barcodeModuleWidth(options.moduleWidth ?? 2),
    hriPosition(options.hri ?? 'below'),
    hriFont(options.hriFont ?? 'A'),
    barcodeData(symbology, data, options.codeSet ?? 'auto'),
  ]);
}

/** How many narrow modules wide the symbol is (without quiet zones), to check it fits the paper. */
export function barcodeModules(symbology: BarcodeSymbology, data: string, codeSet: Code128Set = 'auto'): number {
  switch (symbology) {
    case 'EAN13':
    case 'UPCA':
      gtinDigits(symbology, data, symbology === 'EAN13' ? 13 : 12);
      return 95;
    case 'EAN8':
      gtinDigits('EAN-8', data, 8);
      return 67;
    case 'CODE128': {
      const payload = code128Payload(data, codeSet);
      // start + symbols + check digit, 11 modules each, and a 13-module stop.
      return 11 * (code128Symbols(payload) + 2) + 13;
    }
    default:
      throw new EscPosError('bad_argument', `unknown barcode symbology ${String(symbology)}`);
  }
}

/** The GS1 mod-10 check digit of the digits given (without their check digit). */
export function gtinCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const d = digits.charCodeAt(digits.length - 1 - i) - 48;
    sum += i % 2 === 0 ? d * 3 : d;
  }
  return (10 - (sum % 10)) % 10;
}

function gtinDigits(name: string, data: string, fullLength: number): string {
  if (!/^[0-9]+$/.test(data) || (data.length !== fullLength && data.length !== fullLength - 1)) {
    throw new EscPosError('bad_barcode_data', `${name} takes ${fullLength - 1} digits (or ${fullLength} with the check digit), got ${JSON.stringify(data)}`);
  }
  const body = data.slice(0, fullLength - 1);
  if (data.length === fullLength) {
    const expected = gtinCheckDigit(body);
    if (Number(data[fullLength - 1]) !== expected) {
      throw new EscPosError('bad_barcode_data', `${name} ${data}: check digit should be ${expected}`);
    }
  }
  return body;
}

function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

/**
 * ESC/POS CODE128 data: `{A`, `{B` or `{C` selects the code set, `{{` is a literal brace.
 * Set C carries each digit pair as one byte 0..99.
 */
function code128Payload(data: string, requested: Code128Set): Uint8Array {
  if (data.length === 0) throw new EscPosError('bad_barcode_data', 'CODE128 data is empty');
  const set = requested === 'auto' ? (/^([0-9]{2})+$/.test(data) ? 'C' : 'B') : requested;
  const out: number[] = [0x7b, set.charCodeAt(0)];
  if (set === 'C') {
    if (!/^([0-9]{2})+$/.test(data)) throw new EscPosError('bad_barcode_data', `CODE128 set C takes an even number of digits, got ${JSON.stringify(data)}`);
    for (let i = 0; i < data.length; i += 2) out.push(Number(data.slice(i, i + 2)));
  } else if (set === 'A' || set === 'B') {
    const [low, high] = set === 'A' ? [0x00, 0x5f] : [0x20, 0x7f];
    for (let i = 0; i < data.length; i++) {
      const c = data.charCodeAt(i);
      if (c < low || c > high) {
        throw new EscPosError('bad_barcode_data', `CODE128 set ${set} cannot carry ${JSON.stringify(data[i])} (position ${i})`);
      }
      out.push(c);
      if (c === 0x7b) out.push(0x7b);
    }
  } else {
    throw new EscPosError('bad_argument', `CODE128 code set must be A, B, C or auto, got ${String(requested)}`);
  }
  if (out.length > 255) throw new EscPosError('too_long', `CODE128 data is ${out.length} bytes on the wire; GS k carries at most 255`);
  return Uint8Array.from(out);
}

/** Symbol characters the data occupies (each `{x` pair is one symbol: a set change or a function code). */
function code128Symbols(payload: Uint8Array): number {
  let symbols = 0;
  for (let i = 2; i < payload.length; i++) {
    if (payload[i] === 0x7b) i++;
    symbols++;
  }
  return symbols;
}
