import { createRequire } from 'node:module';

type QrcodeModule = typeof import('qrcode');
let qrcode: QrcodeModule | undefined;

const LEVELS: Record<number, 'L' | 'M' | 'Q' | 'H'> = { 48: 'L', 49: 'M', 50: 'Q', 51: 'H' };

export function qrLevelName(n: number): 'L' | 'M' | 'Q' | 'H' | undefined {
  return LEVELS[n];
}

/** The module matrix the printer's QR generator makes from the stored bytes (8-bit mode, smallest version). */
export function qrMatrix(data: Uint8Array, level: 'L' | 'M' | 'Q' | 'H'): { size: number; modules: Uint8Array } {
  qrcode ??= createRequire(import.meta.url)('qrcode') as QrcodeModule;
  const symbol = qrcode.create([{ data, mode: 'byte' }], { errorCorrectionLevel: level });
  return { size: symbol.modules.size, modules: Uint8Array.from(symbol.modules.data) };
}
