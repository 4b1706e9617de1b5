import { GS } from './ascii.js';
import { concatBytes } from '../../encoding/bytes.js';
import { checkInteger, EscPosError } from './errors.js';

export type QrErrorLevel = 'L' | 'M' | 'Q' | 'H';
export type QrModel = 1 | 2;

export interface QrOptions {
  /** Model 2 (default) is what every phone reads. */
  model?: QrModel;
  /** Module size in dots, 1..16 (default 6). */
  cellSize?: number;
  /** Error correction level (default M). */
  errorLevel?: QrErrorLevel;
}

/** The most data bytes GS ( k fn180 can store (a version 40-L symbol of 8-bit bytes). */
export const QR_MAX_DATA_BYTES = 7089;

const ERROR_LEVEL_BYTE: Record<QrErrorLevel, number> = { L: 48, M: 49, Q: 50, H: 51 };

/** GS ( k, cn = 49 (QR), with pL pH counting cn, fn and the parameters that follow. */
function qrFunction(fn: number, params: ArrayLike<number>): Uint8Array {
  const size = params.length + 2;
  const out = new Uint8Array(5 + size);
  out.set([GS, 0x28, 0x6b, size & 0xff, size >> 8, 0x31, fn]);
  out.set(params, 7);
  return out;
}

/** fn165: select the model. */
export function qrModel(model: QrModel): Uint8Array {
  if (model !== 1 && model !== 2) throw new EscPosError('bad_argument', `QR model must be 1 or 2, got ${String(model)}`);
  return qrFunction(0x41, [model === 1 ? 49 : 50, 0]);
}

/** fn167: module size in dots. */
export function qrCellSize(dots: number): Uint8Array {
  return qrFunction(0x43, [checkInteger('QR cell size', dots, 1, 16)]);
}

/** fn169: error correction level. */
export function qrErrorLevel(level: QrErrorLevel): Uint8Array {
  const n = ERROR_LEVEL_BYTE[level];
  if (n === undefined) throw new EscPosError('bad_argument', `QR error level must be L, M, Q or H, got ${String(level)}`);
  return qrFunction(0x45, [n]);
}

/**
 * fn180: store the symbol data. pL + 256 pH = the ENCODED byte count + 3; counting JS string
 * length instead (a common peer bug) truncates or overruns any non-ASCII payload.
 */
export function qrStore(data: Uint8Array): Uint8Array {
  if (data.length === 0) throw new EscPosError('bad_argument', 'QR data is empty');
  if (data.length > QR_MAX_DATA_BYTES) {
    throw new EscPosError('too_long', `QR data is ${data.length} bytes; a QR symbol holds at most ${QR_MAX_DATA_BYTES}`);
  }
  const out = new Uint8Array(8 + data.length);
  const size = data.length + 3;
  out.set([GS, 0x28, 0x6b, size & 0xff, size >> 8, 0x31, 0x50, 0x30]);
  out.set(data, 8);
  return out;
}

/** fn181: print the stored symbol. */
export function qrPrint(): Uint8Array {
  return qrFunction(0x51, [0x30]);
}

/** What a QR payload becomes on the wire: strings as UTF-8 (what phone scanners expect), bytes as given. */
export function qrDataBytes(data: string | Uint8Array): Uint8Array {
  if (typeof data !== 'string') return data;
  if (/\p{Cs}/u.test(data)) throw new EscPosError('bad_argument', 'QR text holds a lone surrogate (broken UTF-16)');
  return Buffer.from(data, 'utf8');
}

/** The full sequence: model, cell size, error level, store, print. */
export function qrCode(data: string | Uint8Array, options: QrOptions = {}): Uint8Array {
  return concatBytes([
    qrModel(options.model ?? 2),
    qrCellSize(options.cellSize ?? 6),
    qrErrorLevel(options.errorLevel ?? 'M'),
    qrStore(qrDataBytes(data)),
    qrPrint(),
  ]);
}
