import { canonicalJson, hasLoneSurrogate } from '../encoding/canonical-json.js';
import { CodedError } from '../errors/coded-error.js';
import { toHex } from '../encoding/hex.js';
import { keyIdOf, PUBLIC_KEY_PROBLEMS, publicKeyProblem, verify } from '../crypto/ed25519.js';
import { MAX_RECORD_AMOUNT } from './assets.js';
import { DOMAIN } from './domains.js';
import { signingInput } from './provisioning-schemas.js';
import { decodeReceiptEndorsement, endorsementDocument, ReceiptEndorsementError, type ReceiptEndorsement } from './receipt-endorsement.js';
import { TENDERS, type Tender } from './record.js';

/**
 * The receipt QR code, format 1 (docs/receipt-qr.md is normative; this file implements it): a
 * statement of the record's essential fields and its record hash, signed by the terminal's key
 * under its own domain when the receipt is printed, with the public key beside it, so anyone
 * can check a receipt with no network and no posd.
 */

export const RECEIPT_QR_PREFIX = 'POSDR1';
/**
 * The longest payload: QR version 17 at error level M holds 504 bytes in byte mode, and its 85
 * modules at 4 dots each (0.5 mm at 203 dpi), with the 4-module quiet zone on both sides, fit
 * the 384 dots of 58 mm paper. A typical receipt is about 290 bytes (version 14).
 */
export const MAX_RECEIPT_QR_LENGTH = 504;

export const RECEIPT_KINDS = ['payment', 'refund', 'void', 'reversal'] as const;
export type ReceiptKind = (typeof RECEIPT_KINDS)[number];

/** What the terminal signs for a receipt: the record's essential fields and the record hash. */
export interface ReceiptStatement {
  terminal: string;
  seq: number;
  kind: ReceiptKind;
  /** The record's `time.wall`, ms since 1970 UTC. */
  time: number;
  asset: string;
  amount: number;
  /** The payment's tender (for a return, the tender of the payment returned). */
  tender: Tender;
  /** The payment's order reference (for a return, the returned payment's). */
  ref: string;
  /** For a return: the seq of the payment returned; null for a payment. */
  of: number | null;
  /** The record hash (docs/journal.md section 5), hex. */
  hash: string;
  /** Key id of the key that signs this statement. */
  key: string;
}

export interface ReceiptQr {
  statement: ReceiptStatement;
  publicKey: Uint8Array;
  signature: Uint8Array;
  /** The acquirer's endorsement of the key: its 120 bytes (receipt-endorsement.ts), not covered by the receipt signature. */
  endorsement: Uint8Array | null;
}

export type ReceiptQrErrorCode =
  /** Not a receipt QR of this format, or a field breaks its syntax. */
  | 'malformed'
  /** Well-formed, but not the one spelling the format allows (the text was altered). */
  | 'not_canonical'
  /** The public key is not one a signature can be verified under. */
  | 'bad_key'
  /** The receipt is signed by another key than the one pinned. */
  | 'key_mismatch'
  /** The signature does not verify: the receipt was altered or not made by that key. */
  | 'bad_signature'
  /** The payload would not fit the QR code a 58 mm receipt can carry. */
  | 'too_long'
  /** Checked under an acquirer key: the endorsement is signed by another acquirer key. */
  | 'wrong_key'
  /** Checked under an acquirer key: the endorsement's signature does not verify (forged, altered, or for another terminal or key). */
  | 'bad_endorsement'
  /** Checked under an acquirer key: the receipt's time lies outside the endorsement's validity. */
  | 'expired';

export class ReceiptQrError extends CodedError<ReceiptQrErrorCode> {
  override readonly name = 'ReceiptQrError';
}

const TERMINAL = /^[0-9a-f]{16}$/;
const DECIMAL = /^(?:0|[1-9][0-9]{0,15})$/;
const ASSET = /^[A-Z][A-Z0-9]{2,7}$/;
const PERCENT_ENCODED = /^(?:[A-Za-z0-9._~-]|%[0-9A-F]{2})+$/;
const B64_32 = /^[A-Za-z0-9_-]{43}$/;
const B64_64 = /^[A-Za-z0-9_-]{86}$/;
const B64_120 = /^[A-Za-z0-9_-]{160}$/;
const CONTROL = /[\u0000-\u001f\u007f]/;
const HEX32 = /^[0-9a-f]{64}$/;
const REF_MAX = 64;

function fail(code: ReceiptQrErrorCode, message: string): never {
  throw new ReceiptQrError(code, message);
}

/** Checks a statement's fields as docs/receipt-qr.md section 2 states them. */
export function checkStatement(s: ReceiptStatement): void {
  if (!TERMINAL.test(s.terminal)) fail('malformed', 'terminal must be 16 lower-case hex digits');
  if (!Number.isSafeInteger(s.seq) || s.seq < 1) fail('malformed', 'seq must be a whole number >= 1');
  if (!(RECEIPT_KINDS as readonly string[]).includes(s.kind)) fail('malformed', `kind must be one of ${RECEIPT_KINDS.join(', ')}`);
  if (!Number.isSafeInteger(s.time) || s.time < 0) fail('malformed', 'time must be ms since 1970');
  if (!ASSET.test(s.asset)) fail('malformed', 'asset must be an asset code');
  if (!Number.isSafeInteger(s.amount) || s.amount < 1 || s.amount > MAX_RECORD_AMOUNT) fail('malformed', `amount must be 1..${MAX_RECORD_AMOUNT} minor units`);
  if (!(TENDERS as readonly string[]).includes(s.tender)) fail('malformed', `tender must be one of ${TENDERS.join(', ')}`);
  if (typeof s.ref !== 'string' || s.ref.length < 1 || s.ref.length > REF_MAX || CONTROL.test(s.ref) || hasLoneSurrogate(s.ref)) {
    fail('malformed', `ref must be 1-${REF_MAX} characters without control characters`);
  }
  if (s.kind === 'payment' ? s.of !== null : !Number.isSafeInteger(s.of) || (s.of as number) < 1 || (s.of as number) >= s.seq) {
    fail('malformed', s.kind === 'payment' ? 'a payment has no `of`' : 'a return names the seq of an earlier payment in `of`');
  }
  if (!HEX32.test(s.hash)) fail('malformed', 'hash must be 32 bytes of lower-case hex');
  if (!TERMINAL.test(s.key)) fail('malformed', 'key must be a key id (16 lower-case hex digits)');
}

/** The canonical JSON the signature covers (`of` only for returns). */
export function receiptStatementText(s: ReceiptStatement): string {
  const { of, ...rest } = s;
  return canonicalJson(of === null ? rest : { ...rest, of });
}

/** The bytes signed: the receipt domain, then the statement's canonical JSON. */
export function receiptSigningInput(s: ReceiptStatement): string {
  return DOMAIN.receipt + receiptStatementText(s);
}

/** Percent-encoding of UTF-8 with only RFC 3986's unreserved characters left as they are. */
export function percentEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

function fromBase64url(text: string, field: string, re: RegExp): Uint8Array {
  if (!re.test(text)) fail('malformed', `${field} must be base64url without padding`);
  const bytes = new Uint8Array(Buffer.from(text, 'base64url'));
  if (base64url(bytes) !== text) fail('not_canonical', `${field} is not canonical base64url (stray bits in the last character)`);
  return bytes;
}

/** The endorsement's bytes must be the layout of docs/receipt-qr.md section 5. */
function decodedEndorsement(bytes: Uint8Array): ReceiptEndorsement {
  try {
    return decodeReceiptEndorsement(bytes);
  } catch (err) {
    if (err instanceof ReceiptEndorsementError) fail('malformed', `the endorsement: ${err.message}`);
    throw err;
  }
}

function decimal(text: string, field: string): number {
  if (!DECIMAL.test(text)) fail('malformed', `${field} must be a decimal number without leading zeros`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) fail('malformed', `${field} is too large`);
  return n;
}

/** The QR text of a signed receipt statement; ReceiptQrError('too_long') when it would not fit a 58 mm receipt. */
export function encodeReceiptQr(qr: ReceiptQr): string {
  const s = qr.statement;
  checkStatement(s);
  if (keyIdOf(qr.publicKey) !== s.key) fail('malformed', 'the statement names another key than the public key given');
  if (qr.endorsement) decodedEndorsement(qr.endorsement);
  const fields = [
    RECEIPT_QR_PREFIX,
    s.terminal,
    String(s.seq),
    s.kind,
    String(s.time),
    s.asset,
    String(s.amount),
    s.tender,
    percentEncode(s.ref),
    s.of === null ? '' : String(s.of),
    base64url(Buffer.from(s.hash, 'hex')),
    base64url(qr.publicKey),
    base64url(qr.signature),
    ...(qr.endorsement ? [base64url(qr.endorsement)] : []),
  ];
  const text = fields.join(':');
  if (text.length > MAX_RECEIPT_QR_LENGTH) fail('too_long', `the receipt QR would be ${text.length} bytes, at most ${MAX_RECEIPT_QR_LENGTH}`);
  return text;
}

/** Parses a receipt QR text (docs/receipt-qr.md section 3) without checking its signature. */
export function parseReceiptQr(text: string): ReceiptQr {
  if (typeof text !== 'string' || text.length === 0) fail('malformed', 'no text');
  if (text.length > MAX_RECEIPT_QR_LENGTH) fail('malformed', `${text.length} characters: a receipt QR has at most ${MAX_RECEIPT_QR_LENGTH}`);
  if (!/^[\x21-\x7e]+$/.test(text)) fail('malformed', 'a receipt QR is printable ASCII without spaces');
  const fields = text.split(':');
  if (fields[0] !== RECEIPT_QR_PREFIX) fail('malformed', `not a posd receipt QR (it starts ${JSON.stringify(fields[0]!.slice(0, 12))}, not ${RECEIPT_QR_PREFIX})`);
  if (fields.length !== 13 && fields.length !== 14) fail('malformed', `${fields.length} fields, expected 13 (or 14 with an endorsement)`);
  const [, terminal, seq, kind, time, asset, amount, tender, ref, of, hash, key, sig, endorsement] = fields as [string, ...string[]];
  if (!PERCENT_ENCODED.test(ref!)) fail('malformed', 'ref must be percent-encoded (unreserved characters and %XX)');
  let decodedRef: string;
  try {
    decodedRef = decodeURIComponent(ref!);
  } catch {
    fail('malformed', 'ref is not percent-encoded UTF-8');
  }
  const publicKey = fromBase64url(key!, 'the public key', B64_32);
  const statement: ReceiptStatement = {
    terminal: terminal!,
    seq: decimal(seq!, 'seq'),
    kind: kind as ReceiptKind,
    time: decimal(time!, 'time'),
    asset: asset!,
    amount: decimal(amount!, 'amount'),
    tender: tender as Tender,
    ref: decodedRef,
    of: of === '' ? null : decimal(of!, 'of'),
    hash: toHex(fromBase64url(hash!, 'the record hash', B64_32)),
    key: keyIdOf(publicKey),
  };
  checkStatement(statement);
  const qr: ReceiptQr = {
    statement,
    publicKey,
    signature: fromBase64url(sig!, 'the signature', B64_64),
    endorsement: endorsement === undefined ? null : fromBase64url(endorsement, 'the endorsement', B64_120),
  };
  if (encodeReceiptQr(qr) !== text) fail('not_canonical', 'the text is not the canonical spelling of its fields (altered?)');
  return qr;
}

/** How far the key is known to be the terminal's. */
export type KeyBinding =
  /** The key the verifier pinned. */
  | 'pinned'
  /** The terminal id is the key id of this key: the terminal's first (genesis) key. */
  | 'genesis'
  /** The acquirer's endorsement in the QR checked out under the acquirer key given: the key is the terminal's, at that merchant. */
  | 'endorsed'
  /** A later key (after a rotation), neither pinned nor endorsed: the signature shows integrity, not who made it. */
  | 'unbound';

export interface VerifiedReceipt {
  statement: ReceiptStatement;
  publicKey: Uint8Array;
  binding: KeyBinding;
  /** The endorsement's bytes when the QR carries one, checked or not. */
  endorsement: Uint8Array | null;
  /** The endorsement, when it was checked under the acquirer key given (binding `endorsed`); null otherwise. */
  endorsed: ReceiptEndorsement | null;
}

export interface VerifyReceiptOptions {
  /** The terminal key the verifier pins. */
  publicKey?: Uint8Array;
  /** The acquirer's public key: with it, an endorsement in the QR is checked (docs/receipt-qr.md section 5.2). */
  acquirerPublicKey?: Uint8Array;
}

/** Parses and verifies a receipt QR; throws ReceiptQrError naming the first thing wrong. */
export function verifyReceiptQr(text: string, options: VerifyReceiptOptions = {}): VerifiedReceipt {
  const qr = parseReceiptQr(text);
  const problem = publicKeyProblem(qr.publicKey);
  if (problem) fail('bad_key', `the public key in the QR is ${PUBLIC_KEY_PROBLEMS[problem]}`);
  if (options.publicKey && toHex(options.publicKey) !== toHex(qr.publicKey)) {
    fail('key_mismatch', `signed by key ${qr.statement.key}, not the pinned key ${keyIdOf(options.publicKey)}`);
  }
  if (!verify(qr.signature, receiptSigningInput(qr.statement), qr.publicKey)) {
    fail('bad_signature', 'the signature does not verify: the receipt was altered, or not signed by this key');
  }
  const endorsed = qr.endorsement && options.acquirerPublicKey ? checkEndorsement(qr, qr.endorsement, options.acquirerPublicKey) : null;
  const binding: KeyBinding = endorsed ? 'endorsed' : options.publicKey ? 'pinned' : qr.statement.key === qr.statement.terminal ? 'genesis' : 'unbound';
  return { statement: qr.statement, publicKey: qr.publicKey, binding, endorsement: qr.endorsement, endorsed };
}

/** docs/receipt-qr.md section 5.2: the endorsement rebuilt with this receipt's terminal and key, under the acquirer key. */
function checkEndorsement(qr: ReceiptQr, bytes: Uint8Array, acquirerPublicKey: Uint8Array): ReceiptEndorsement {
  const e = decodedEndorsement(bytes);
  const acquirer = keyIdOf(acquirerPublicKey);
  if (e.acquirer !== acquirer) fail('wrong_key', `the endorsement is signed by acquirer key ${e.acquirer}, not the acquirer key given (${acquirer})`);
  const { sig, ...unsigned } = endorsementDocument(e, qr.statement.terminal, qr.publicKey);
  if (!verify(Buffer.from(sig, 'hex'), signingInput(DOMAIN.keyEndorsement, unsigned), acquirerPublicKey)) {
    fail('bad_endorsement', `the endorsement does not verify under acquirer key ${acquirer} for terminal ${qr.statement.terminal} and key ${qr.statement.key}: forged, altered, or another terminal's or key's`);
  }
  const t = qr.statement.time;
  if (t < e.notBefore || t > e.notAfter) {
    fail('expired', `the endorsement is valid from ${when(e.notBefore)} to ${when(e.notAfter)}, not at the receipt's time ${when(t)}`);
  }
  return e;
}

/** ISO time where a Date can hold it (to year 275760), else the ms. */
function when(ms: number): string {
  return ms <= 8.64e15 ? new Date(ms).toISOString() : `${ms} ms`;
}
