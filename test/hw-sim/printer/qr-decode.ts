import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';

type JsQr = (data: Uint8ClampedArray, width: number, height: number) => { data: string; binaryData: number[] } | null;
// jsqr is a webpack UMD bundle: its CommonJS export is the function, with a `default` that is the same function.
const jsQR = ((jsQRModule as unknown as { default?: JsQr }).default ?? (jsQRModule as unknown as JsQr)) as JsQr;

/** Finds and decodes the QR code in a PNG; the payload bytes as UTF-8, or undefined when none is found. */
export function decodeQrFromPng(png: Buffer): { text: string; bytes: Uint8Array } | undefined {
  const image = PNG.sync.read(png);
  const found = jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length), image.width, image.height);
  if (!found) return undefined;
  const bytes = Uint8Array.from(found.binaryData);
  return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), bytes };
}

/** Cuts a horizontal band out of a PNG (to decode one of several QR codes). */
export function cropPng(png: Buffer, top: number, height: number): Buffer {
  const image = PNG.sync.read(png);
  const out = new PNG({ width: image.width, height });
  image.data.copy(out.data, 0, top * image.width * 4, (top + height) * image.width * 4);
  return PNG.sync.write(out);
}
