import { keyIdOf, verify } from '../../crypto/ed25519.js';
import { concatBytes } from '../../encoding/bytes.js';
import { fromHex, toHex } from '../../encoding/hex.js';
import { MAX_RECORD_AMOUNT } from '../assets.js';
import { WALLET_DOMAIN, WalletTag } from './domains.js';
import { ASSET_RE, readAscii, readU64, u64 } from './numbers.js';
import { readObjects, tlvObject, WalletDataError, type FieldSpec } from './tlv.js';

export const CERTIFICATE_FORMAT = 1;

/**
 * A wallet certificate: the issuer of an asset vouches that a wallet id holds a public key and
 * may pay offline in that asset up to these limits until `notAfter` (docs/wallet-apdu.md).
 */
export interface WalletCertificate {
  walletId: Uint8Array;
  publicKey: Uint8Array;
  asset: string;
  /** Key id (16 hex) of the issuer key that signed it: the first 8 bytes of SHA-256 of that key. */
  issuerKeyId: string;
  /** The most one offline payment may be, minor units. */
  perPaymentLimit: number;
  /** The most the wallet may hold offline, minor units. */
  balanceCap: number;
  /** Epoch milliseconds after which the certificate is void. */
  notAfter: number;
}

const FIELDS: readonly FieldSpec[] = [
  { tag: WalletTag.formatVersion, name: 'format version', min: 1, max: 1 },
  { tag: WalletTag.walletId, name: 'wallet id', min: 16, max: 16 },
  { tag: WalletTag.publicKey, name: 'public key', min: 32, max: 32 },
  { tag: WalletTag.asset, name: 'asset', min: 3, max: 8 },
  { tag: WalletTag.issuerKeyId, name: 'issuer key id', min: 8, max: 8 },
  { tag: WalletTag.perPaymentLimit, name: 'per-payment limit', min: 8, max: 8 },
  { tag: WalletTag.balanceCap, name: 'balance cap', min: 8, max: 8 },
  { tag: WalletTag.certificateNotAfter, name: 'not after', min: 8, max: 8 },
];

/** The certificate body: the bytes the issuer signs (after the domain), 100..105 bytes. */
export function encodeCertificate(cert: WalletCertificate): Uint8Array {
  if (!ASSET_RE.test(cert.asset)) throw new WalletDataError(`asset ${cert.asset} is not an asset code`);
  return concatBytes([
    tlvObject(WalletTag.formatVersion, Uint8Array.of(CERTIFICATE_FORMAT)),
    tlvObject(WalletTag.walletId, cert.walletId),
    tlvObject(WalletTag.publicKey, cert.publicKey),
    tlvObject(WalletTag.asset, new TextEncoder().encode(cert.asset)),
    tlvObject(WalletTag.issuerKeyId, fromHex(cert.issuerKeyId, 8)),
    tlvObject(WalletTag.perPaymentLimit, u64(cert.perPaymentLimit)),
    tlvObject(WalletTag.balanceCap, u64(cert.balanceCap)),
    tlvObject(WalletTag.certificateNotAfter, u64(cert.notAfter)),
  ]);
}

/** Parses a certificate body strictly (the one encoding); WalletDataError otherwise. */
export function parseCertificate(body: Uint8Array): WalletCertificate {
  const [version, walletId, publicKey, asset, issuerKeyId, perPayment, cap, notAfter] = readObjects(body, FIELDS, 'wallet certificate');
  if (version![0] !== CERTIFICATE_FORMAT) throw new WalletDataError(`wallet certificate format ${version![0]} is not known (expected ${CERTIFICATE_FORMAT})`);
  const assetCode = readAscii(asset!, 'asset');
  if (!ASSET_RE.test(assetCode)) throw new WalletDataError(`wallet certificate: asset ${JSON.stringify(assetCode)} is not an asset code`);
  const cert: WalletCertificate = {
    walletId: walletId!,
    publicKey: publicKey!,
    asset: assetCode,
    issuerKeyId: toHex(issuerKeyId!),
    perPaymentLimit: readU64(perPayment!, 'per-payment limit'),
    balanceCap: readU64(cap!, 'balance cap'),
    notAfter: readU64(notAfter!, 'not after'),
  };
  if (cert.perPaymentLimit < 1 || cert.perPaymentLimit > MAX_RECORD_AMOUNT) throw new WalletDataError(`wallet certificate: per-payment limit must be 1..${MAX_RECORD_AMOUNT}`);
  if (cert.balanceCap > MAX_RECORD_AMOUNT) throw new WalletDataError(`wallet certificate: balance cap must be at most ${MAX_RECORD_AMOUNT}`);
  return cert;
}

export function certificateSigningInput(body: Uint8Array): Uint8Array {
  return concatBytes([new TextEncoder().encode(WALLET_DOMAIN.certificate), body]);
}

/** An issuer key a verifier trusts for one asset. */
export interface WalletIssuerKey {
  asset: string;
  publicKey: Uint8Array;
  /** keyIdOf(publicKey). */
  keyId: string;
  /** Epoch ms after which certificates it signed are no longer taken; undefined: no end. */
  notAfter?: number;
}

export function issuerKey(asset: string, publicKey: Uint8Array, notAfter?: number): WalletIssuerKey {
  return { asset, publicKey, keyId: keyIdOf(publicKey), ...(notAfter !== undefined ? { notAfter } : {}) };
}

export type CertificateProblem =
  /** No key of the certificate's asset with its issuer key id. */
  | 'unknown_issuer'
  /** The issuer key is past its own end. */
  | 'issuer_key_expired'
  /** The issuer's signature does not verify: a forged or altered certificate. */
  | 'bad_certificate';

/**
 * Checks the issuer's signature on a certificate body with the keys trusted for its asset, at
 * `now`. Returns the problem, or undefined when the certificate is the issuer's.
 */
export function certificateProblem(
  body: Uint8Array,
  cert: WalletCertificate,
  signature: Uint8Array,
  keys: readonly WalletIssuerKey[],
  now: number,
): { problem: CertificateProblem; message: string } | undefined {
  const key = keys.find((k) => k.asset === cert.asset && k.keyId === cert.issuerKeyId);
  if (!key) return { problem: 'unknown_issuer', message: `no ${cert.asset} issuer key ${cert.issuerKeyId} is trusted here` };
  if (key.notAfter !== undefined && now > key.notAfter) return { problem: 'issuer_key_expired', message: `${cert.asset} issuer key ${cert.issuerKeyId} ended ${new Date(key.notAfter).toISOString()}` };
  if (signature.length !== 64 || !verify(signature, certificateSigningInput(body), key.publicKey)) {
    return { problem: 'bad_certificate', message: `the wallet certificate does not verify under ${cert.asset} issuer key ${cert.issuerKeyId}` };
  }
  return undefined;
}
