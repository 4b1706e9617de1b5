import { keyIdOf } from '../../crypto/ed25519.js';
import { DOMAIN } from '../../protocol/domains.js';
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
 * Signs the receipt statement with the terminal's current key and spells the QR text. Ed25519 is
 * deterministic, so a reprint under the same key carries the same QR. Null when the text would
 * not fit a 58 mm receipt's QR (only a long order reference with an endorsement can do that).
 */
export function signedReceiptQr(record: PaymentRecord | ReturnRecord, hash: string, payment: PaymentRecord, signer: StatementSigner, endorsement: Uint8Array | null = null): string | null {
  const publicKey = signer.currentPublicKey;
  const statement = receiptStatement(record, hash, payment, keyIdOf(publicKey));
  const { keyId, sig } = signer.signStatement(DOMAIN.receipt, receiptStatementText(statement));
  if (keyId !== statement.key) throw new Error('the terminal key changed while a receipt was signed');
  try {
    return encodeReceiptQr({ statement, publicKey, signature: sig, endorsement });
  } catch (err) {
    if (err instanceof ReceiptQrError && err.code === 'too_long') return null;
    throw err;
  }
}
