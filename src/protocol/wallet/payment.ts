import { concatBytes } from '../../encoding/bytes.js';
import { fromHex, toHex } from '../../encoding/hex.js';
import { MAX_RECORD_AMOUNT } from '../assets.js';
import { WALLET_DOMAIN, WalletTag } from './domains.js';
import { ascii, ASSET_RE, readAscii, readU32, readU64, u32, u64 } from './numbers.js';
import { readObjects, tlvObject, WalletDataError, type FieldSpec } from './tlv.js';

/** What the terminal asks the wallet to pay (PAY's data field). */
export interface WalletPaymentRequest {
  amount: number;
  asset: string;
  /** The terminal id (16 hex): the payee. */
  terminalId: string;
  /** 32 random bytes, fresh for each payment. */
  nonce: Uint8Array;
  /** The merchant's order reference: 1..64 printable ASCII characters. */
  ref: string;
  /** The terminal's clock when it first made the request, epoch ms. */
  requestedAt: number;
}

/** The wallet's answer to PAY: the payment itself. */
export interface WalletPaymentAnswer {
  /** The wallet's counter after this payment (the first payment is 1). */
  counter: number;
  /** The offline balance left, minor units. */
  balanceAfter: number;
  signature: Uint8Array;
}

const REQUEST_FIELDS: readonly FieldSpec[] = [
  { tag: WalletTag.amount, name: 'amount', min: 8, max: 8 },
  { tag: WalletTag.asset, name: 'asset', min: 3, max: 8 },
  { tag: WalletTag.terminalId, name: 'terminal id', min: 8, max: 8 },
  { tag: WalletTag.nonce, name: 'nonce', min: 32, max: 32 },
  { tag: WalletTag.reference, name: 'order reference', min: 1, max: 64 },
  { tag: WalletTag.requestTime, name: 'request time', min: 8, max: 8 },
];

const ANSWER_FIELDS: readonly FieldSpec[] = [
  { tag: WalletTag.counter, name: 'counter', min: 4, max: 4 },
  { tag: WalletTag.balanceAfter, name: 'balance after', min: 8, max: 8 },
  { tag: WalletTag.walletSignature, name: 'wallet signature', min: 64, max: 64 },
];

export const MAX_REF_LENGTH = 64;

export function encodePaymentRequest(r: WalletPaymentRequest): Uint8Array {
  if (!Number.isSafeInteger(r.amount) || r.amount < 1 || r.amount > MAX_RECORD_AMOUNT) throw new WalletDataError(`amount must be 1..${MAX_RECORD_AMOUNT}`);
  if (!ASSET_RE.test(r.asset)) throw new WalletDataError(`asset ${r.asset} is not an asset code`);
  if (r.nonce.length !== 32) throw new WalletDataError('the nonce is 32 bytes');
  if (r.ref.length < 1 || r.ref.length > MAX_REF_LENGTH) throw new WalletDataError(`the order reference is 1..${MAX_REF_LENGTH} characters`);
  return concatBytes([
    tlvObject(WalletTag.amount, u64(r.amount)),
    tlvObject(WalletTag.asset, ascii(r.asset)),
    tlvObject(WalletTag.terminalId, fromHex(r.terminalId, 8)),
    tlvObject(WalletTag.nonce, r.nonce),
    tlvObject(WalletTag.reference, ascii(r.ref)),
    tlvObject(WalletTag.requestTime, u64(r.requestedAt)),
  ]);
}

export function parsePaymentRequest(bytes: Uint8Array): WalletPaymentRequest {
  const [amount, asset, terminal, nonce, ref, at] = readObjects(bytes, REQUEST_FIELDS, 'payment request');
  const request: WalletPaymentRequest = {
    amount: readU64(amount!, 'amount'),
    asset: readAscii(asset!, 'asset'),
    terminalId: toHex(terminal!),
    nonce: nonce!,
    ref: readAscii(ref!, 'order reference'),
    requestedAt: readU64(at!, 'request time'),
  };
  if (request.amount < 1 || request.amount > MAX_RECORD_AMOUNT) throw new WalletDataError(`payment request: amount must be 1..${MAX_RECORD_AMOUNT}`);
  if (!ASSET_RE.test(request.asset)) throw new WalletDataError('payment request: the asset is not an asset code');
  return request;
}

export function encodePaymentAnswer(a: WalletPaymentAnswer): Uint8Array {
  return concatBytes([tlvObject(WalletTag.counter, u32(a.counter)), tlvObject(WalletTag.balanceAfter, u64(a.balanceAfter)), tlvObject(WalletTag.walletSignature, a.signature)]);
}

export function parsePaymentAnswer(bytes: Uint8Array): WalletPaymentAnswer {
  const [counter, balance, signature] = readObjects(bytes, ANSWER_FIELDS, "the wallet's payment");
  return { counter: readU32(counter!), balanceAfter: readU64(balance!, 'balance after'), signature: signature! };
}

/**
 * What the wallet signs for a payment: the domain, the request exactly as encoded, then its
 * wallet id, its counter after the payment and its balance after it, each as a TLV object.
 */
export function paymentSigningInput(request: WalletPaymentRequest, walletId: Uint8Array, counter: number, balanceAfter: number): Uint8Array {
  return concatBytes([
    new TextEncoder().encode(WALLET_DOMAIN.payment),
    encodePaymentRequest(request),
    tlvObject(WalletTag.walletId, walletId),
    tlvObject(WalletTag.counter, u32(counter)),
    tlvObject(WalletTag.balanceAfter, u64(balanceAfter)),
  ]);
}

/** The terminal's confirmation statement (CONFIRM), signed under WALLET_DOMAIN.confirmation. */
export function confirmationStatement(c: { walletId: Uint8Array; counter: number; terminalId: string; seq: number; recordHash: string }): string {
  return `${toHex(c.walletId)} ${c.counter} ${c.terminalId} ${c.seq} ${c.recordHash}`;
}

/** CONFIRM's data field: the statement, the terminal's key id and its signature. */
export function encodeConfirmation(statement: string, terminalKeyId: string, signature: Uint8Array): Uint8Array {
  return concatBytes([tlvObject(WalletTag.statement, ascii(statement)), tlvObject(WalletTag.terminalKeyId, fromHex(terminalKeyId, 8)), tlvObject(WalletTag.terminalSignature, signature)]);
}
