import { verify } from '../../crypto/ed25519.js';
import { fromHex, isHex, toHex } from '../../encoding/hex.js';
import type { Details, PaymentBody } from '../record.js';
import { certificateProblem, parseCertificate, type WalletCertificate, type WalletIssuerKey } from './certificate.js';
import { PRINTABLE_ASCII_RE } from './numbers.js';
import { OFFLINE_QR_WINDOW, offlineQrSigningInput } from './offline-qr.js';
import { MAX_REF_LENGTH, paymentSigningInput } from './payment.js';
import { WalletDataError } from './tlv.js';

/**
 * The offline proof a `wallet_tap` or `offline_qr` payment record carries in its `details`
 * (docs/journal.md section 4): enough for anyone to check, with no network, that the wallet
 * signed exactly this payment to exactly this terminal, and (with the issuers' keys) that the
 * issuer vouched for the wallet.
 */
export const WALLET_TAP_MEMBERS = ['wallet', 'counter', 'cert', 'certSig', 'nonce', 'requestAt', 'balance', 'walletSig'] as const;
export const OFFLINE_QR_MEMBERS = ['wallet', 'counter', 'cert', 'certSig', 'cap', 'notBefore', 'notAfter', 'walletSig'] as const;
/** Members a wallet payment's details may carry besides its proof. */
export const OPTIONAL_WALLET_MEMBERS = ['items'] as const;

export const MAX_COUNTER = 0xffff_ffff;

export interface WalletTapProof {
  walletId: Uint8Array;
  counter: number;
  certificateBody: Uint8Array;
  issuerSignature: Uint8Array;
  nonce: Uint8Array;
  requestedAt: number;
  balanceAfter: number;
  signature: Uint8Array;
}

export interface OfflineQrProof {
  walletId: Uint8Array;
  counter: number;
  certificateBody: Uint8Array;
  issuerSignature: Uint8Array;
  cap: number;
  notBefore: number;
  notAfter: number;
  signature: Uint8Array;
}

export function walletTapDetails(p: WalletTapProof): Record<string, string | number> {
  return {
    wallet: toHex(p.walletId),
    counter: p.counter,
    cert: toHex(p.certificateBody),
    certSig: toHex(p.issuerSignature),
    nonce: toHex(p.nonce),
    requestAt: p.requestedAt,
    balance: p.balanceAfter,
    walletSig: toHex(p.signature),
  };
}

export function offlineQrDetails(p: OfflineQrProof): Record<string, string | number> {
  return {
    wallet: toHex(p.walletId),
    counter: p.counter,
    cert: toHex(p.certificateBody),
    certSig: toHex(p.issuerSignature),
    cap: p.cap,
    notBefore: p.notBefore,
    notAfter: p.notAfter,
    walletSig: toHex(p.signature),
  };
}

export interface DetailProblem {
  /** The member at fault, under `details` (or `ref`). */
  member: string;
  message: string;
}

const HEX_RE = /^(?:[0-9a-f]{2})+$/;

/**
 * The shape rules of a wallet payment's details: exactly the proof members (and `items`), each
 * in its format, a certificate that parses, names the record's wallet and asset. Returns the
 * first problem, or undefined. Signatures are checked by checkWalletProof.
 */
export function walletDetailsProblem(tender: 'wallet_tap' | 'offline_qr', body: { asset: unknown; ref: unknown; details: Details }): DetailProblem | undefined {
  const d = body.details;
  const members: readonly string[] = tender === 'wallet_tap' ? WALLET_TAP_MEMBERS : OFFLINE_QR_MEMBERS;
  for (const m of members) if (!(m in d)) return { member: m, message: `is required for a ${tender} payment` };
  for (const m of Object.keys(d)) {
    if (!members.includes(m) && !(OPTIONAL_WALLET_MEMBERS as readonly string[]).includes(m)) return { member: m, message: `is not a member of a ${tender} payment's details` };
  }
  if (!isHex(d.wallet, 16)) return { member: 'wallet', message: 'must be the 16-byte wallet id in lower-case hex' };
  if (!isCount(d.counter, 1, MAX_COUNTER)) return { member: 'counter', message: `must be an integer from 1 to ${MAX_COUNTER}` };
  if (typeof d.cert !== 'string' || !HEX_RE.test(d.cert)) return { member: 'cert', message: 'must be the certificate body in lower-case hex' };
  if (!isHex(d.certSig, 64)) return { member: 'certSig', message: 'must be 64 bytes of lower-case hex' };
  if (!isHex(d.walletSig, 64)) return { member: 'walletSig', message: 'must be 64 bytes of lower-case hex' };
  if (d.items !== undefined && !isCount(d.items, 1, Number.MAX_SAFE_INTEGER)) return { member: 'items', message: 'must be a positive integer' };
  let cert: WalletCertificate;
  try {
    cert = parseCertificate(fromHex(d.cert));
  } catch (err) {
    if (err instanceof WalletDataError) return { member: 'cert', message: err.message };
    throw err;
  }
  if (toHex(cert.walletId) !== d.wallet) return { member: 'cert', message: 'names another wallet than details.wallet' };
  if (cert.asset !== body.asset) return { member: 'cert', message: `is for ${cert.asset}, not the payment's asset` };
  if (tender === 'wallet_tap') {
    if (!isHex(d.nonce, 32)) return { member: 'nonce', message: 'must be 32 bytes of lower-case hex' };
    if (!isCount(d.requestAt, 0, Number.MAX_SAFE_INTEGER)) return { member: 'requestAt', message: 'must be epoch milliseconds' };
    if (!isCount(d.balance, 0, Number.MAX_SAFE_INTEGER)) return { member: 'balance', message: 'must be a whole number of minor units' };
    if (typeof body.ref !== 'string' || body.ref.length > MAX_REF_LENGTH || !PRINTABLE_ASCII_RE.test(body.ref)) {
      return { member: 'ref', message: 'of a wallet_tap payment must be printable ASCII (the wallet signed it)' };
    }
  } else {
    if (!isCount(d.cap, 1, Number.MAX_SAFE_INTEGER)) return { member: 'cap', message: 'must be a positive whole number of minor units' };
    if (!isCount(d.notBefore, 0, Number.MAX_SAFE_INTEGER)) return { member: 'notBefore', message: 'must be epoch milliseconds' };
    if (!isCount(d.notAfter, 0, Number.MAX_SAFE_INTEGER)) return { member: 'notAfter', message: 'must be epoch milliseconds' };
  }
  return undefined;
}

/** The parts of a payment record a wallet proof covers. */
export interface WalletPaymentRecord {
  terminal: string;
  time: { wall: number };
  body: PaymentBody;
}

/**
 * Everything a verifier with no network checks of a wallet payment (docs/journal.md section 4):
 * the wallet's signature over exactly this payment to this terminal under the certified key, the
 * certificate's limits and validity at the record's time, the token's window; with `issuers`
 * also the issuer's signature on the certificate. Assumes walletDetailsProblem found nothing.
 * Returns why the proof fails, or undefined.
 */
export function walletProofProblem(record: WalletPaymentRecord, issuers?: readonly WalletIssuerKey[]): string | undefined {
  const { body } = record;
  const d = body.details;
  if (body.tender !== 'wallet_tap' && body.tender !== 'offline_qr') return undefined;
  const certBody = fromHex(d.cert as string);
  const cert = parseCertificate(certBody);
  const at = record.time.wall;
  if (issuers) {
    const problem = certificateProblem(certBody, cert, fromHex(d.certSig as string, 64), issuers, at);
    if (problem) return problem.message;
  }
  if (at > cert.notAfter) return `the wallet certificate expired ${new Date(cert.notAfter).toISOString()}, before the payment`;
  if (body.amount > cert.perPaymentLimit) return `amount ${body.amount} is over the wallet's per-payment limit ${cert.perPaymentLimit}`;
  const counter = d.counter as number;
  const walletSig = fromHex(d.walletSig as string, 64);
  if (body.tender === 'wallet_tap') {
    const balance = d.balance as number;
    if (balance > cert.balanceCap) return `balance ${balance} is over the wallet's cap ${cert.balanceCap}`;
    const requestedAt = d.requestAt as number;
    if (requestedAt > cert.notAfter) return 'the payment was requested after the wallet certificate expired';
    const request = { amount: body.amount, asset: body.asset, terminalId: record.terminal, nonce: fromHex(d.nonce as string, 32), ref: body.ref, requestedAt };
    if (!verify(walletSig, paymentSigningInput(request, cert.walletId, counter, balance), cert.publicKey)) return "the wallet's signature does not verify over this payment";
    return undefined;
  }
  const cap = d.cap as number;
  const notBefore = d.notBefore as number;
  const notAfter = d.notAfter as number;
  if (body.amount > cap) return `amount ${body.amount} is over the token's spending cap ${cap}`;
  if (cap > cert.perPaymentLimit) return `the token's cap ${cap} is over the wallet's per-payment limit ${cert.perPaymentLimit}`;
  if (notAfter < notBefore || notAfter - notBefore > OFFLINE_QR_WINDOW.maxWindowMs) return `the token's window is longer than ${OFFLINE_QR_WINDOW.maxWindowMs / 60_000} minutes`;
  if (at < notBefore - OFFLINE_QR_WINDOW.skewMs || at > notAfter) return "the payment was taken outside the token's window";
  if (!verify(walletSig, offlineQrSigningInput({ walletId: cert.walletId, asset: cert.asset, counter, cap, notBefore, notAfter }), cert.publicKey)) {
    return "the wallet's signature does not verify over this token";
  }
  return undefined;
}

function isCount(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max;
}
