import { WalletDataError } from './tlv.js';

/** Unsigned big-endian integers of the wallet protocol: u32 (counters) and u64 (amounts, times; at most 2^53 - 1). */
export function u32(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) throw new WalletDataError(`${value} is not a u32`);
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value);
  return out;
}

export function u64(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new WalletDataError(`${value} is not a u64 this protocol uses (0..2^53-1)`);
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(value));
  return out;
}

export function readU32(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
}

export function readU64(bytes: Uint8Array, name: string): number {
  const value = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new WalletDataError(`${name} is above 2^53 - 1`);
  return Number(value);
}

/** `^[A-Z][A-Z0-9]{2,7}$`, ASCII: the asset codes of the journal. */
export const ASSET_RE = /^[A-Z][A-Z0-9]{2,7}$/;

/** Printable ASCII (20..7E), as order references and statements are written. */
export const PRINTABLE_ASCII_RE = /^[\x20-\x7e]*$/;

export function ascii(text: string): Uint8Array {
  if (!PRINTABLE_ASCII_RE.test(text)) throw new WalletDataError(`${JSON.stringify(text)} is not printable ASCII`);
  return new TextEncoder().encode(text);
}

export function readAscii(bytes: Uint8Array, name: string): string {
  for (const b of bytes) if (b < 0x20 || b > 0x7e) throw new WalletDataError(`${name} is not printable ASCII`);
  return new TextDecoder().decode(bytes);
}
