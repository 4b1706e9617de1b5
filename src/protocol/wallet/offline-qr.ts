import { concatBytes } from '../../encoding/bytes.js';
import { MAX_RECORD_AMOUNT } from '../assets.js';
import { parseCertificate, type WalletCertificate } from './certificate.js';
import { WALLET_DOMAIN, WalletTag } from './domains.js';
import { ascii, readU32, readU64, u32, u64 } from './numbers.js';
import { readObjects, tlvObject, WalletDataError, type FieldSpec } from './tlv.js';

export const OFFLINE_QR_FORMAT = 1;

/** A customer-presented offline payment QR: a wallet's signed promise to pay up to `cap` once, within a short window. */
export interface OfflineQrToken {
  certificateBody: Uint8Array;
  certificate: WalletCertificate;
  issuerSignature: Uint8Array;
  counter: number;
  cap: number;
  notBefore: number;
  notAfter: number;
  signature: Uint8Array;
}

/** How the terminal judges a token's window (docs/wallet-apdu.md, "Offline payment QR"). */
export const OFFLINE_QR_WINDOW = {
  /** The longest window a token may state. */
  maxWindowMs: 10 * 60_000,
  /** Clock difference tolerated before notBefore. */
  skewMs: 60_000,
} as const;

const FIELDS: readonly FieldSpec[] = [
  { tag: WalletTag.formatVersion, name: 'format version', min: 1, max: 1 },
  { tag: WalletTag.certificateBody, name: 'certificate', min: 100, max: 105 },
  { tag: WalletTag.issuerSignature, name: 'issuer signature', min: 64, max: 64 },
  { tag: WalletTag.counter, name: 'counter', min: 4, max: 4 },
  { tag: WalletTag.spendingCap, name: 'spending cap', min: 8, max: 8 },
  { tag: WalletTag.notBefore, name: 'not before', min: 8, max: 8 },
  { tag: WalletTag.notAfter, name: 'not after', min: 8, max: 8 },
  { tag: WalletTag.walletSignature, name: 'wallet signature', min: 64, max: 64 },
];

export function encodeOfflineQrToken(t: Omit<OfflineQrToken, 'certificate'>): Uint8Array {
  return concatBytes([
    tlvObject(WalletTag.formatVersion, Uint8Array.of(OFFLINE_QR_FORMAT)),
    tlvObject(WalletTag.certificateBody, t.certificateBody),
    tlvObject(WalletTag.issuerSignature, t.issuerSignature),
    tlvObject(WalletTag.counter, u32(t.counter)),
    tlvObject(WalletTag.spendingCap, u64(t.cap)),
    tlvObject(WalletTag.notBefore, u64(t.notBefore)),
    tlvObject(WalletTag.notAfter, u64(t.notAfter)),
    tlvObject(WalletTag.walletSignature, t.signature),
  ]);
}

export function parseOfflineQrToken(bytes: Uint8Array): OfflineQrToken {
  const [version, body, issuerSignature, counter, cap, notBefore, notAfter, signature] = readObjects(bytes, FIELDS, 'offline payment QR');
  if (version![0] !== OFFLINE_QR_FORMAT) throw new WalletDataError(`offline payment QR format ${version![0]} is not known (expected ${OFFLINE_QR_FORMAT})`);
  const token: OfflineQrToken = {
    certificateBody: body!,
    certificate: parseCertificate(body!),
    issuerSignature: issuerSignature!,
    counter: readU32(counter!),
    cap: readU64(cap!, 'spending cap'),
    notBefore: readU64(notBefore!, 'not before'),
    notAfter: readU64(notAfter!, 'not after'),
    signature: signature!,
  };
  if (token.cap < 1 || token.cap > MAX_RECORD_AMOUNT) throw new WalletDataError(`offline payment QR: the spending cap must be 1..${MAX_RECORD_AMOUNT}`);
  return token;
}

/** What the wallet signs for a token: the domain, its wallet id and asset, then the token's counter, cap and window. */
export function offlineQrSigningInput(t: { walletId: Uint8Array; asset: string; counter: number; cap: number; notBefore: number; notAfter: number }): Uint8Array {
  return concatBytes([
    new TextEncoder().encode(WALLET_DOMAIN.offlineQr),
    tlvObject(WalletTag.walletId, t.walletId),
    tlvObject(WalletTag.asset, ascii(t.asset)),
    tlvObject(WalletTag.counter, u32(t.counter)),
    tlvObject(WalletTag.spendingCap, u64(t.cap)),
    tlvObject(WalletTag.notBefore, u64(t.notBefore)),
    tlvObject(WalletTag.notAfter, u64(t.notAfter)),
  ]);
}

/** base64url without padding (RFC 4648 section 5), as the `OQR1:` text carries the token. */
export function decodeBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) throw new WalletDataError('not unpadded base64url');
  const bytes = new Uint8Array(Buffer.from(text, 'base64url'));
  if (Buffer.from(bytes).toString('base64url') !== text) throw new WalletDataError('not the canonical base64url of its bytes');
  return bytes;
}
