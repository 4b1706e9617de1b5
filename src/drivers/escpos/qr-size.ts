import { createRequire } from 'node:module';
import { EscPosError } from './errors.js';
import type { QrErrorLevel } from './qr.js';

type QrcodeModule = typeof import('qrcode');
let qrcode: QrcodeModule | undefined;

/**
 * Modules across the model 2 symbol a printer makes for these bytes (8-bit mode, smallest
 * version), so the layout can pick a cell size that fits the paper. qrcode is loaded on first use.
 */
export function qrModuleCount(data: Uint8Array, errorLevel: QrErrorLevel): number {
  qrcode ??= createRequire(import.meta.url)('qrcode') as QrcodeModule;
  try {
    return qrcode.create([{ data, mode: 'byte' }], { errorCorrectionLevel: errorLevel }).modules.size;
  } catch (err) {
    throw new EscPosError('too_long', `QR data of ${data.length} bytes does not fit a QR symbol at level ${errorLevel}: ${(err as Error).message}`);
  }
}
