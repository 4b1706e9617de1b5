/**
 * Bar patterns for the symbologies the twin draws, written from the symbology definitions
 * (GS1 EAN/UPC, ISO/IEC 15417 Code 128). A pattern is a run of module widths starting with a bar.
 */

const EAN_L = ['3211', '2221', '2122', '1411', '1132', '1231', '1114', '1312', '1213', '3112'];
/** EAN-13 first digit -> which of the left six digits use the G (even parity) set. */
const EAN13_PARITY = ['LLLLLL', 'LLGLGG', 'LLGGLG', 'LLGGGL', 'LGLLGG', 'LGGLLG', 'LGGGLL', 'LGLGLG', 'LGLGGL', 'LGGLGL'];

// Code 128 symbol values 0..105 as six element widths (bar, space, ...); 106 is the stop (7 elements).
const CODE128 = (
  '212222 222122 222221 121223 121322 131222 122213 122312 132212 221213 ' +
  '221312 231212 112232 122132 122231 113222 123122 123221 223211 221132 ' +
  '221231 213212 223112 312131 311222 321122 321221 312212 322112 322211 ' +
  '212123 212321 232121 111323 131123 131321 112313 132113 132311 211313 ' +
  '231113 231311 112133 112331 132131 113123 113321 133121 313121 211331 ' +
  '231131 213113 213311 213131 311123 311321 331121 312113 312311 332111 ' +
  '314111 221411 431111 111224 111422 121124 121421 141122 141221 112214 ' +
  '112412 122114 122411 142112 142211 241211 221114 413111 241112 134111 ' +
  '111242 121142 121241 114212 124112 124211 411212 421112 421211 212141 ' +
  '214121 412121 111143 111341 131141 114113 114311 411113 411311 113141 ' +
  '114131 311141 411131 211412 211214 211232 2331112'
).split(' ');

export const CODE128_PATTERNS: readonly string[] = CODE128;

/** Modules as booleans (true = bar) from alternating bar/space widths. */
function modulesOf(widths: string, startWithBar = true, out: boolean[] = []): boolean[] {
  let bar = startWithBar;
  for (const w of widths) {
    for (let i = 0; i < Number(w); i++) out.push(bar);
    bar = !bar;
  }
  return out;
}

function gtinCheck(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const d = digits.charCodeAt(digits.length - 1 - i) - 48;
    sum += i % 2 === 0 ? 3 * d : d;
  }
  return (10 - (sum % 10)) % 10;
}

export interface Bars {
  modules: boolean[];
  /** The human-readable text printed with the symbol. */
  text: string;
}

export type BarcodeResult = { ok: true; bars: Bars; symbology: string } | { ok: false; message: string };

/** Digits with the check digit added (n = length - 1) or verified (n = length). */
function gtinComplete(name: string, data: string, length: number): { ok: true; digits: string } | { ok: false; message: string } {
  if (!/^[0-9]+$/.test(data) || (data.length !== length && data.length !== length - 1)) {
    return { ok: false, message: `${name} takes ${length - 1} or ${length} digits, got ${JSON.stringify(data)}` };
  }
  const check = gtinCheck(data.slice(0, length - 1));
  if (data.length === length && Number(data[length - 1]) !== check) return { ok: false, message: `${name} ${data}: wrong check digit` };
  return { ok: true, digits: data.slice(0, length - 1) + String(check) };
}

function eanRight(d: number): string {
  return EAN_L[d]!; // R patterns have the L widths, starting with a bar
}

function eanLeft(d: number, parity: 'L' | 'G'): string {
  const l = EAN_L[d]!;
  return parity === 'L' ? l : [...l].reverse().join('');
}

function ean(leftDigits: number[], parities: string, rightDigits: number[]): boolean[] {
  const m: boolean[] = [];
  modulesOf('111', true, m);
  leftDigits.forEach((d, i) => modulesOf(eanLeft(d, parities[i] as 'L' | 'G'), false, m));
  modulesOf('11111', false, m);
  for (const d of rightDigits) modulesOf(eanRight(d), true, m);
  modulesOf('111', true, m);
  return m;
}

export function ean13(data: string): BarcodeResult {
  const r = gtinComplete('EAN-13', data, 13);
  if (!r.ok) return r;
  const d = [...r.digits].map(Number);
  return { ok: true, symbology: 'EAN13', bars: { modules: ean(d.slice(1, 7), EAN13_PARITY[d[0]!]!, d.slice(7)), text: r.digits } };
}

export function ean8(data: string): BarcodeResult {
  const r = gtinComplete('EAN-8', data, 8);
  if (!r.ok) return r;
  const d = [...r.digits].map(Number);
  return { ok: true, symbology: 'EAN8', bars: { modules: ean(d.slice(0, 4), 'LLLL', d.slice(4)), text: r.digits } };
}

export function upcA(data: string): BarcodeResult {
  const r = gtinComplete('UPC-A', data, 12);
  if (!r.ok) return r;
  const d = [...r.digits].map(Number);
  return { ok: true, symbology: 'UPCA', bars: { modules: ean(d.slice(0, 6), 'LLLLLL', d.slice(6)), text: r.digits } };
}

/**
 * ESC/POS CODE128 data: `{A` `{B` `{C` switch code sets (the first must select one), `{S` shifts one
 * character, `{1`..`{4` are FNC1..4, `{{` is a brace. In set C each byte 0..99 is a digit pair.
 */
export function code128(data: Uint8Array): BarcodeResult {
  if (data.length < 2 || data[0] !== 0x7b || ![0x41, 0x42, 0x43].includes(data[1]!)) {
    return { ok: false, message: 'CODE128 data must start with {A, {B or {C' };
  }
  let set = String.fromCharCode(data[1]!) as 'A' | 'B' | 'C';
  const values: number[] = [{ A: 103, B: 104, C: 105 }[set]];
  let text = '';
  let shift = false;
  for (let i = 2; i < data.length; i++) {
    let b = data[i]!;
    if (b === 0x7b) {
      const next = data[++i];
      if (next === undefined) return { ok: false, message: 'CODE128 data ends in {' };
      const code = String.fromCharCode(next);
      if (code === '{' && set !== 'C') {
        b = 0x7b;
      } else if (code === 'A' || code === 'B' || code === 'C') {
        if (code === set) return { ok: false, message: `CODE128 switch to set ${code} while in it` };
        values.push({ A: 101, B: 100, C: 99 }[code]);
        set = code;
        continue;
      } else if (code === 'S' && set !== 'C') {
        values.push(98);
        shift = true;
        continue;
      } else if (code >= '1' && code <= '4') {
        const fnc = { '1': 102, '2': 97, '3': 96, '4': set === 'A' ? 101 : 100 }[code]!;
        if (set === 'C' && code !== '1') return { ok: false, message: `CODE128 FNC${code} in set C` };
        values.push(fnc);
        continue;
      } else {
        return { ok: false, message: `CODE128 unknown escape {${code}` };
      }
    }
    const current = shift ? (set === 'A' ? 'B' : 'A') : set;
    shift = false;
    if (current === 'C') {
      if (b > 99) return { ok: false, message: `CODE128 set C byte ${b} is not a digit pair` };
      values.push(b);
      text += String(b).padStart(2, '0');
    } else if (current === 'A') {
      if (b > 0x5f) return { ok: false, message: `CODE128 set A cannot carry 0x${b.toString(16)}` };
      values.push(b < 0x20 ? b + 64 : b - 32);
      text += b < 0x20 ? ' ' : String.fromCharCode(b);
    } else {
      if (b < 0x20 || b > 0x7f) return { ok: false, message: `CODE128 set B cannot carry 0x${b.toString(16)}` };
      values.push(b - 32);
      text += String.fromCharCode(b);
    }
  }
  if (values.length < 2) return { ok: false, message: 'CODE128 without data' };
  let sum = values[0]!;
  for (let i = 1; i < values.length; i++) sum += i * values[i]!;
  values.push(sum % 103);
  const modules: boolean[] = [];
  for (const v of values) modulesOf(CODE128[v]!, true, modules);
  modulesOf(CODE128[106]!, true, modules);
  return { ok: true, symbology: 'CODE128', bars: { modules, text } };
}

/** GS k m (formats 1 and 2) -> bars, for the systems the twin draws. */
export function barsFor(m: number, data: Uint8Array): BarcodeResult {
  const ascii = String.fromCharCode(...data);
  switch (m) {
    case 0:
    case 65:
      return upcA(ascii);
    case 2:
    case 67:
      return ean13(ascii);
    case 3:
    case 68:
      return ean8(ascii);
    case 73:
      return code128(data);
    default:
      return { ok: false, message: `barcode system m=${m} is not drawn by the twin (UPC-A, EAN-13, EAN-8, CODE128 are)` };
  }
}
