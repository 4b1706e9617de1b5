/**
 * The wallet protocol's data fields as the emulated wallet and issuer write and read them,
 * restated from docs/wallet-apdu.md (version 2, "Data fields") independently of the terminal's
 * code: one tag byte, a length (00..7F, or 81 then 80..FF), the value; objects exactly once, in
 * order, nothing else.
 */
import { concatBytes } from '../../src/encoding/bytes.js';
import { tlv } from './card-apdu.js';

export const WalletV2Tag = {
  formatVersion: 0xc0,
  walletId: 0xc1,
  publicKey: 0xc2,
  asset: 0xc3,
  issuerKeyId: 0xc4,
  perPaymentLimit: 0xc5,
  balanceCap: 0xc6,
  certificateNotAfter: 0xc7,
  certificateBody: 0xc8,
  issuerSignature: 0xc9,
  amount: 0xd0,
  terminalId: 0xd1,
  nonce: 0xd2,
  reference: 0xd3,
  requestTime: 0xd4,
  counter: 0xd5,
  balanceAfter: 0xd6,
  walletSignature: 0xd7,
  spendingCap: 0xd8,
  notBefore: 0xd9,
  notAfter: 0xda,
  statement: 0xdb,
  terminalKeyId: 0xdc,
  terminalSignature: 0xdd,
} as const;

export const DOMAINS = {
  certificate: 'posd/wallet-certificate/v2\n',
  payment: 'posd/wallet-payment/v2\n',
  offlineQr: 'posd/offline-qr/v2\n',
} as const;

export function field(tag: number, value: Uint8Array): Uint8Array {
  return tlv(tag, value);
}

export function fields(...objects: [number, Uint8Array][]): Uint8Array {
  return concatBytes(objects.map(([tag, value]) => tlv(tag, value)));
}

export function be32(n: number): Uint8Array {
  return Uint8Array.of((n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

export function be64(n: number): Uint8Array {
  const out = new Uint8Array(8);
  let rest = BigInt(n);
  for (let i = 7; i >= 0; i--) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return out;
}

export function readBe(bytes: Uint8Array): number {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n > BigInt(Number.MAX_SAFE_INTEGER) ? Number.NaN : Number(n);
}

export function text(value: string): Uint8Array {
  return new TextEncoder().encode(value);
}

/** The values of exactly these tags in this order with these lengths, or undefined when the bytes are anything else. */
export function readExactly(bytes: Uint8Array, expected: readonly [tag: number, min: number, max: number][]): Uint8Array[] | undefined {
  const out: Uint8Array[] = [];
  let at = 0;
  for (const [tag, min, max] of expected) {
    if (bytes[at] !== tag) return undefined;
    let length = bytes[at + 1];
    let header = 2;
    if (length === 0x81) {
      length = bytes[at + 2];
      header = 3;
      if (length === undefined || length < 0x80) return undefined;
    } else if (length === undefined || length >= 0x80) {
      return undefined;
    }
    if (length < min || length > max || at + header + length > bytes.length) return undefined;
    out.push(bytes.slice(at + header, at + header + length));
    at += header + length;
  }
  return at === bytes.length ? out : undefined;
}

export function printable(bytes: Uint8Array): boolean {
  return bytes.every((b) => b >= 0x20 && b <= 0x7e);
}
