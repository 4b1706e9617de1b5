import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { PNG } from 'pngjs';
import type { QRCode } from 'jsqr';
import { CliError } from './exit.js';

type JsQr = (data: Uint8ClampedArray, width: number, height: number, options?: { inversionAttempts?: 'dontInvert' | 'onlyInvert' | 'attemptBoth' | 'invertFirst' }) => QRCode | null;

/** The largest picture posctl decodes: a 576-dot-wide receipt a few metres long, or a phone photo. */
const MAX_PIXELS = 40_000_000;

/**
 * Finds the QR code in a PNG (a receipt photographed, scanned, or drawn by the printer twin) and
 * returns its bytes, or null when there is none. Throws CliError (exit 2) when the file cannot
 * be read as a PNG.
 */
export function qrFromPng(file: string): { bytes: Uint8Array; version: number } | null {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${(e as Error).message}`);
  }
  if (data.length < 24 || data.toString('latin1', 1, 4) !== 'PNG') throw new CliError(`${file} is not a PNG image`);
  const width = data.readUInt32BE(16);
  const height = data.readUInt32BE(20);
  if (width * height > MAX_PIXELS) throw new CliError(`${file} is ${width}x${height} pixels, more than posctl decodes (${MAX_PIXELS})`);
  let image: PNG;
  try {
    image = PNG.sync.read(data);
  } catch (e) {
    throw new CliError(`${file} is not a readable PNG: ${(e as Error).message}`);
  }
  const module = createRequire(import.meta.url)('jsqr') as JsQr & { default?: JsQr };
  const jsQR = module.default ?? module;
  const found = jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length), image.width, image.height, { inversionAttempts: 'attemptBoth' });
  return found ? { bytes: Uint8Array.from(found.binaryData), version: found.version } : null;
}
