import { GS } from './ascii.js';
import { checkInteger, EscPosError } from './errors.js';

/** A 1-bit image: rows packed 8 pixels a byte, most significant bit leftmost, 1 = black (printed). */
export interface MonoBitmap {
  width: number;
  height: number;
  /** ceil(width / 8) bytes per row, `height` rows. Padding bits at the end of a row are printed as they are, so keep them 0. */
  data: Uint8Array;
}

export type RasterScale = 'normal' | 'double-width' | 'double-height' | 'quadruple';
const SCALE_BYTE: Record<RasterScale, number> = { normal: 0, 'double-width': 1, 'double-height': 2, quadruple: 3 };

/** Rows per GS v 0 command: small bands keep cheap printers' buffers from overflowing. */
export const DEFAULT_BAND_ROWS = 256;

export function bytesPerRow(width: number): number {
  return Math.ceil(width / 8);
}

/** Builds a bitmap from a pixel test. */
export function packBitmap(width: number, height: number, isBlack: (x: number, y: number) => boolean): MonoBitmap {
  checkInteger('bitmap width', width, 1, 65535);
  checkInteger('bitmap height', height, 1, 65535);
  const stride = bytesPerRow(width);
  const data = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (isBlack(x, y)) data[y * stride + (x >> 3)]! |= 0x80 >> (x & 7);
    }
  }
  return { width, height, data };
}

export function checkBitmap(bitmap: MonoBitmap): void {
  if (!Number.isInteger(bitmap.width) || bitmap.width < 1 || !Number.isInteger(bitmap.height) || bitmap.height < 1) {
    throw new EscPosError('bad_image', `bitmap size ${String(bitmap.width)}x${String(bitmap.height)} is not a positive size`);
  }
  const expected = bytesPerRow(bitmap.width) * bitmap.height;
  if (bitmap.data.length !== expected) {
    throw new EscPosError('bad_image', `a ${bitmap.width}x${bitmap.height} bitmap has ${expected} bytes, got ${bitmap.data.length}`);
  }
  if (bytesPerRow(bitmap.width) > 255 * 256) throw new EscPosError('too_wide', `bitmap ${bitmap.width} dots wide is too wide for GS v 0`);
}

/** GS v 0 m xL xH yL yH d...: one command per band of at most `bandRows` rows. */
export function rasterImage(bitmap: MonoBitmap, scale: RasterScale = 'normal', bandRows = DEFAULT_BAND_ROWS): Uint8Array[] {
  checkBitmap(bitmap);
  const m = SCALE_BYTE[scale];
  if (m === undefined) throw new EscPosError('bad_argument', `raster scale must be normal, double-width, double-height or quadruple, got ${String(scale)}`);
  checkInteger('raster band rows', bandRows, 1, 4095);
  const stride = bytesPerRow(bitmap.width);
  const bands: Uint8Array[] = [];
  for (let top = 0; top < bitmap.height; top += bandRows) {
    const rows = Math.min(bandRows, bitmap.height - top);
    const band = new Uint8Array(8 + stride * rows);
    band.set([GS, 0x76, 0x30, m, stride & 0xff, stride >> 8, rows & 0xff, rows >> 8]);
    band.set(bitmap.data.subarray(top * stride, (top + rows) * stride), 8);
    bands.push(band);
  }
  return bands;
}
