import { keyIdOf } from '../crypto/ed25519.js';
import { fromHex, toHex } from '../encoding/hex.js';
import { CodedError } from '../errors/coded-error.js';
import type { KeyEndorsement } from './key-endorsement.js';

/**
 * The acquirer's key endorsement as a receipt QR carries it (docs/receipt-qr.md section 5): a
 * fixed 120-byte layout of everything in the signed endorsement but what the QR already holds
 * (the terminal id, the public key and its key id), so the signed JSON can be rebuilt exactly.
 */

export const RECEIPT_ENDORSEMENT_VERSION = 1;
export const RECEIPT_ENDORSEMENT_BYTES = 120;

/** An endorsement without the members a receipt QR carries in its own fields. */
export type ReceiptEndorsement = Omit<KeyEndorsement, 'v' | 'type' | 'terminal' | 'keyId' | 'publicKey'>;

export class ReceiptEndorsementError extends CodedError<'malformed'> {
  override readonly name = 'ReceiptEndorsementError';
}

const TID = /^[0-9A-Z]{8}$/;
const MID = /^[0-9A-Z]{15}$/;
const KEY_ID = /^[0-9a-f]{16}$/;
const SIG = /^[0-9a-f]{128}$/;

/** Byte offsets of the layout. */
const AT = { version: 0, tid: 1, mid: 9, notBefore: 24, notAfter: 32, serial: 40, acquirer: 48, sig: 56 } as const;

function fail(message: string): never {
  throw new ReceiptEndorsementError('malformed', message);
}

function checkFields(e: ReceiptEndorsement): void {
  if (typeof e.tid !== 'string' || !TID.test(e.tid)) fail('tid must be 8 characters 0-9 A-Z');
  if (typeof e.mid !== 'string' || !MID.test(e.mid)) fail('mid must be 15 characters 0-9 A-Z');
  for (const [name, value, min] of [['notBefore', e.notBefore, 0], ['notAfter', e.notAfter, 0], ['serial', e.serial, 1]] as const) {
    if (!Number.isSafeInteger(value) || value < min) fail(`${name} must be a whole number ${min}..2^53-1`);
  }
  if (typeof e.acquirer !== 'string' || !KEY_ID.test(e.acquirer)) fail('acquirer must be a key id (16 lower-case hex digits)');
  if (typeof e.sig !== 'string' || !SIG.test(e.sig)) fail('sig must be 64 bytes of lower-case hex');
}

/** The members a receipt QR keeps of a full endorsement. */
export function receiptEndorsementOf(e: KeyEndorsement): ReceiptEndorsement {
  return { tid: e.tid, mid: e.mid, notBefore: e.notBefore, notAfter: e.notAfter, serial: e.serial, acquirer: e.acquirer, sig: e.sig };
}

/** The 120 bytes of docs/receipt-qr.md section 5. */
export function encodeReceiptEndorsement(e: ReceiptEndorsement): Uint8Array {
  checkFields(e);
  const bytes = new Uint8Array(RECEIPT_ENDORSEMENT_BYTES);
  const view = new DataView(bytes.buffer);
  bytes[AT.version] = RECEIPT_ENDORSEMENT_VERSION;
  bytes.set(Buffer.from(e.tid, 'ascii'), AT.tid);
  bytes.set(Buffer.from(e.mid, 'ascii'), AT.mid);
  view.setBigUint64(AT.notBefore, BigInt(e.notBefore));
  view.setBigUint64(AT.notAfter, BigInt(e.notAfter));
  view.setBigUint64(AT.serial, BigInt(e.serial));
  bytes.set(fromHex(e.acquirer, 8), AT.acquirer);
  bytes.set(fromHex(e.sig, 64), AT.sig);
  return bytes;
}

function u64(view: DataView, offset: number, name: string): number {
  const value = view.getBigUint64(offset);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) fail(`${name} is beyond 2^53-1`);
  return Number(value);
}

/** Reads the 120 bytes back; ReceiptEndorsementError('malformed') names the first thing wrong. */
export function decodeReceiptEndorsement(bytes: Uint8Array): ReceiptEndorsement {
  if (!(bytes instanceof Uint8Array) || bytes.length !== RECEIPT_ENDORSEMENT_BYTES) fail(`an endorsement is ${RECEIPT_ENDORSEMENT_BYTES} bytes, not ${bytes?.length}`);
  if (bytes[AT.version] !== RECEIPT_ENDORSEMENT_VERSION) fail(`endorsement layout version ${bytes[AT.version]}, expected ${RECEIPT_ENDORSEMENT_VERSION}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const e: ReceiptEndorsement = {
    tid: Buffer.from(bytes.subarray(AT.tid, AT.mid)).toString('latin1'),
    mid: Buffer.from(bytes.subarray(AT.mid, AT.notBefore)).toString('latin1'),
    notBefore: u64(view, AT.notBefore, 'notBefore'),
    notAfter: u64(view, AT.notAfter, 'notAfter'),
    serial: u64(view, AT.serial, 'serial'),
    acquirer: toHex(bytes.subarray(AT.acquirer, AT.sig)),
    sig: toHex(bytes.subarray(AT.sig)),
  };
  checkFields(e);
  return e;
}

/** The full signed endorsement, rebuilt from the compact one and the receipt's terminal id and public key. */
export function endorsementDocument(e: ReceiptEndorsement, terminal: string, publicKey: Uint8Array): KeyEndorsement {
  return {
    v: 1,
    type: 'key_endorsement',
    terminal,
    keyId: keyIdOf(publicKey),
    publicKey: toHex(publicKey),
    tid: e.tid,
    mid: e.mid,
    notBefore: e.notBefore,
    notAfter: e.notAfter,
    serial: e.serial,
    acquirer: e.acquirer,
    sig: e.sig,
  };
}
