import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { PNG } from 'pngjs';
import type { QRCode } from 'jsqr';
import { CliError, unreadable } from './exit.js';

type JsQr = (data: Uint8ClampedArray, width: number, height: number, options?: { inversionAttempts?: 'dontInvert' | 'onlyInvert' | 'attemptBoth' | 'invertFirst' }) => QRCode | null;

/** The largest picture posctl decodes: a 576-dot-wide receipt a few metres long, or a phone photo. */
const MAX_PIXELS = 40_000_000;

/**
 * Finds the QR code in a PNG (a receipt photographed, scanned, or drawn by the printer twin) and
 * returns its bytes, or null when there is none; with several, the first from the top. Throws CliError (exit 2) when the file cannot
 * be read as a PNG.
 */
export function qrFromPng(file: string): { bytes: Uint8Array; version: number } | null {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (e) {
    throw unreadable(file, e, 'image');
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
  const decode = (top: number, height: number): QRCode | null =>
    jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset + top * image.width * 4, height * image.width * 4), image.width, height, { inversionAttempts: 'attemptBoth' });
  // jsqr finds one symbol per picture; a strip of paper with two copies (two QR codes) needs
  // windows: twice as tall as wide, half a width apart, from the top. The first QR found wins.
  let found = decode(0, image.height);
  const window = Math.min(image.height, image.width * 2);
  const step = Math.max(1, Math.floor(image.width / 2));
  for (let top = 0; !found && image.height > window && top < image.height; top += step) {
    found = decode(Math.min(top, image.height - window), window);
    if (top + window >= image.height) break;
  }
  return found ? { bytes: Uint8Array.from(found.binaryData), version: found.version } : null;
}
