/** Builds BER-TLV bytes for test vectors: tag bytes (hex), then a value (hex string or nested objects). */
export function tlv(tagHex: string, value: string | Uint8Array): Uint8Array {
  const tag = Buffer.from(tagHex, 'hex');
  const body = typeof value === 'string' ? Buffer.from(value, 'hex') : Buffer.from(value);
  const n = body.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return new Uint8Array(Buffer.concat([tag, Buffer.from(length), body]));
}

export function cat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

export const ascii = (s: string): string => Buffer.from(s, 'latin1').toString('hex');
export const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
