import { keyIdOf } from '../../crypto/ed25519.js';
import { toHex } from '../../encoding/hex.js';
import { DOMAIN } from '../../protocol/domains.js';
import type { KeyEndorsement } from '../../protocol/key-endorsement.js';
import { encodeReceiptEndorsement, receiptEndorsementOf } from '../../protocol/receipt-endorsement.js';
import { encodeReceiptQr, receiptStatementText, ReceiptQrError, type ReceiptStatement } from '../../protocol/receipt-qr.js';
import type { PaymentRecord, ReturnRecord } from './receipt-input.js';

/** The terminal key as receipts use it: the journal signs statements under their own domain. */
export interface StatementSigner {
  signStatement(domain: string, text: string): { keyId: string; sig: Uint8Array };
  readonly currentPublicKey: Uint8Array;
}

/** The statement a receipt's QR carries for a record (docs/receipt-qr.md section 2). */
export function receiptStatement(record: PaymentRecord | ReturnRecord, hash: string, payment: PaymentRecord, keyId: string): ReceiptStatement {
  return {
    terminal: record.terminal,
    seq: record.seq,
    kind: record.kind,
    time: record.time.wall,
    asset: record.body.asset,
    amount: record.body.amount,
    tender: payment.body.tender,
    ref: payment.body.ref,
    of: record.kind === 'payment' ? null : record.body.of,
    hash,
    key: keyId,
  };
}

/**
 * The endorsement's bytes for a receipt (docs/receipt-qr.md section 5), or null: only an
 * endorsement of this terminal and of the key that signs the receipt, valid at the record's time,
 * is carried (after a rotation, until the new key is endorsed, receipts carry none).
 */
export function endorsementFor(endorsement: KeyEndorsement | null, statement: ReceiptStatement, publicKey: Uint8Array): Uint8Array | null {
  if (!endorsement) return null;
  if (endorsement.terminal !== statement.terminal || endorsement.keyId !== statement.key || endorsement.publicKey !== toHex(publicKey)) return null;
  if (statement.time < endorsement.notBefore || statement.time > endorsement.notAfter) return null;
  return encodeReceiptEndorsement(receiptEndorsementOf(endorsement));
}

/**
 * Signs the receipt statement with the terminal's current key and spells the QR text, with the
 * acquirer's endorsement of that key when it applies (endorsementFor). Ed25519 is deterministic,
 * so a reprint under the same key carries the same QR. Null when the text would not fit a 58 mm
 * receipt's QR (only a long non-ASCII order reference can do that).
 */
export function signedReceiptQr(record: PaymentRecord | ReturnRecord, hash: string, payment: PaymentRecord, signer: StatementSigner, endorsement: KeyEndorsement | null = null): string | null {
  const publicKey = signer.currentPublicKey;
  const statement = receiptStatement(record, hash, payment, keyIdOf(publicKey));
  const { keyId, sig } = signer.signStatement(DOMAIN.receipt, receiptStatementText(statement));
  if (keyId !== statement.key) throw new Error('the terminal key changed while a receipt was signed');
  try {
    return encodeReceiptQr({ statement, publicKey, signature: sig, endorsement: endorsementFor(endorsement, statement, publicKey) });
  } catch (err) {
    if (err instanceof ReceiptQrError && err.code === 'too_long') return null;
    throw err;
  }
}
