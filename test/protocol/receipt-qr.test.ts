import { describe, expect, it } from 'vitest';
import { Signer } from '../../src/crypto/ed25519.js';
import { toHex } from '../../src/encoding/hex.js';
import { encodeReceiptEndorsement } from '../../src/protocol/receipt-endorsement.js';
import {
  encodeReceiptQr,
  MAX_RECEIPT_QR_LENGTH,
  parseReceiptQr,
  percentEncode,
  receiptSigningInput,
  receiptStatementText,
  ReceiptQrError,
  verifyReceiptQr,
  type ReceiptStatement,
} from '../../src/protocol/receipt-qr.js';

const genesis = Signer.fromSeed(new Uint8Array(32).fill(7));
const rotated = Signer.fromSeed(new Uint8Array(32).fill(8));

/** An endorsement's bytes in the layout of docs/receipt-qr.md section 5 (its signature is not checked here), all `fill`. */
function endorsementBytes(fill: number): Uint8Array {
  return encodeReceiptEndorsement({ tid: 'POS00042', mid: '123456789012345', notBefore: 0, notAfter: 1, serial: 1, acquirer: toHex(new Uint8Array(8).fill(fill)), sig: toHex(new Uint8Array(64).fill(fill)) });
}

function statement(overrides: Partial<ReceiptStatement> = {}, signer = genesis): ReceiptStatement {
  return {
    terminal: genesis.keyId,
    seq: 42,
    kind: 'payment',
    time: 1_763_917_323_000,
    asset: 'CNY',
    amount: 850,
    tender: 'cash',
    ref: '7e3485mi8x9a0b1c2d3e',
    of: null,
    hash: '7e348549adb7dce63ca93a75b0581f37f14a9e963211ff80e06553f9770a8092',
    key: signer.keyId,
    ...overrides,
  };
}

function qrOf(s: ReceiptStatement, signer = genesis, endorsement: Uint8Array | null = null): string {
  return encodeReceiptQr({ statement: s, publicKey: signer.publicKey, signature: signer.sign(receiptSigningInput(s)), endorsement });
}

function failure(text: string, options: { publicKey?: Uint8Array } = {}): string {
  try {
    verifyReceiptQr(text, options);
  } catch (e) {
    if (e instanceof ReceiptQrError) return e.code;
    throw e;
  }
  return 'valid';
}

describe('receipt QR (docs/receipt-qr.md)', () => {
  it('has a golden vector: fixed key and statement give this exact text', () => {
    const s = statement();
    expect(receiptStatementText(s)).toBe(
      `{"amount":850,"asset":"CNY","hash":"7e348549adb7dce63ca93a75b0581f37f14a9e963211ff80e06553f9770a8092","key":"${genesis.keyId}","kind":"payment","ref":"7e3485mi8x9a0b1c2d3e","seq":42,"tender":"cash","terminal":"${genesis.keyId}","time":1763917323000}`,
    );
    const text = qrOf(s);
    // Ed25519 is deterministic: docs/receipt-qr.md quotes this text.
    expect(text).toBe(
      'POSDR1:fe812c12f3ab4ce6:42:payment:1763917323000:CNY:850:cash:7e3485mi8x9a0b1c2d3e::fjSFSa233OY8qTp1sFgfN_FKnpYyEf-A4GVT-XcKgJI:6kpsY-KcUgq-9VB7Ey7F-ZVHdq6-vnuSQh7qaRRG0iw:rLerDIoP-dvsg-114JSkMGuhkdjp9t3wOgNEzPPKTc5r2_61YMzY2Nc3BV-fToQFK-Jm4tQYGIwga9rM3NRjAQ',
    );
    expect(genesis.keyId).toBe('fe812c12f3ab4ce6');
    expect(text.length).toBe(258);
    expect(verifyReceiptQr(text)).toMatchObject({ statement: s, binding: 'genesis', endorsement: null });
  });

  it('verifies refunds and voids, naming the payment they return', () => {
    const refund = statement({ seq: 50, kind: 'refund', amount: 200, of: 42 });
    expect(receiptStatementText(refund)).toContain('"of":42');
    expect(verifyReceiptQr(qrOf(refund)).statement).toEqual(refund);
    expect(verifyReceiptQr(qrOf(statement({ seq: 51, kind: 'void', of: 42 }))).statement.kind).toBe('void');
  });

  it('refuses every altered field: the signature covers the statement', () => {
    const text = qrOf(statement());
    const fields = text.split(':');
    const altered: [number, string][] = [
      [1, rotated.keyId], // terminal
      [2, '43'], // seq
      [3, 'refund'], // kind (with no of: malformed instead)
      [4, '1763917323001'], // time
      [5, 'MAT'], // asset
      [6, '8500'], // amount
      [7, 'code'], // tender
      [8, '7e3485mi8x9a0b1c2d3f'], // ref
      [10, Buffer.from('00'.repeat(32), 'hex').toString('base64url')], // hash
      [12, Buffer.alloc(64, 1).toString('base64url')], // signature
    ];
    for (const [i, value] of altered) {
      const copy = [...fields];
      copy[i] = value;
      expect(failure(copy.join(':')), `field ${i}`).toMatch(i === 3 ? /^malformed$/ : /^bad_signature$/);
    }
    expect(failure(text)).toBe('valid');
  });

  it('refuses a key that is not the signer, a pinned key that differs, and a weak key', () => {
    const s = statement();
    const forged = encodeReceiptQr({ statement: { ...s, key: rotated.keyId }, publicKey: rotated.publicKey, signature: genesis.sign(receiptSigningInput(s)), endorsement: null });
    expect(failure(forged)).toBe('bad_signature');
    expect(failure(qrOf(s), { publicKey: rotated.publicKey })).toBe('key_mismatch');
    expect(verifyReceiptQr(qrOf(s), { publicKey: genesis.publicKey }).binding).toBe('pinned');
    const identity = new Uint8Array(32);
    identity[0] = 1; // the identity point: under it one fixed signature verifies every message
    const weak = qrOf(s).split(':');
    weak[11] = Buffer.from(identity).toString('base64url');
    expect(failure(weak.join(':'))).toBe('bad_key');
  });

  it('says when the key is a later one (after a rotation) rather than the genesis key', () => {
    const s = statement({}, rotated);
    expect(verifyReceiptQr(qrOf(s, rotated))).toMatchObject({ binding: 'unbound' });
    expect(verifyReceiptQr(qrOf(s, rotated), { publicKey: rotated.publicKey }).binding).toBe('pinned');
  });

  it('carries an endorsement as an optional last field, outside the signed statement', () => {
    const endorsement = endorsementBytes(0xee);
    const text = qrOf(statement(), genesis, endorsement);
    expect(text.split(':')).toHaveLength(14);
    expect(toHex(verifyReceiptQr(text).endorsement!)).toBe(toHex(endorsement));
  });

  it('is one spelling only: malformed or non-canonical text is refused before any signature check', () => {
    const text = qrOf(statement({ ref: '订单 42/a b' }));
    expect(text).toContain(':%E8%AE%A2%E5%8D%95%2042%2Fa%20b:');
    expect(failure(text)).toBe('valid');
    expect(failure(text.replace('%E8%AE', '%e8%ae'))).toBe('malformed');
    expect(failure(text.replace(':42:', ':042:'))).toBe('malformed');
    expect(failure(`${text}:`)).toBe('malformed');
    expect(failure(text.replace('POSDR1', 'POSD1'))).toBe('malformed');
    expect(failure(`${text.slice(0, -1)}${text.endsWith('E') ? 'I' : 'E'}`)).toMatch(/^(bad_signature|not_canonical)$/);
    expect(failure(text.replace('cash', 'cheque'))).toBe('malformed');
    expect(failure(text.replace(/:([A-Za-z0-9_-]{43}):/, (_, h: string) => `:${h.slice(0, 42)}h:`))).toBe('not_canonical');
    expect(failure('x'.repeat(MAX_RECEIPT_QR_LENGTH + 1))).toBe('malformed');
    expect(failure('POSDR1: with space')).toBe('malformed');
    expect(() => parseReceiptQr('')).toThrow(ReceiptQrError);
    expect(percentEncode("!'()*~-._")).toBe('%21%27%28%29%2A~-._');
  });

  it('stays within what a 58 mm receipt QR carries, and says so when it would not', () => {
    const longest = statement({ ref: 'R'.repeat(64), seq: Number.MAX_SAFE_INTEGER, time: Number.MAX_SAFE_INTEGER, amount: 1_000_000_000_000, tender: 'merchant_qr', asset: 'ABCDEFGH' });
    expect(qrOf(longest).length).toBe(341);
    expect(qrOf(longest, genesis, endorsementBytes(0)).length).toBeLessThanOrEqual(MAX_RECEIPT_QR_LENGTH);
    const cjk = statement({ ref: '订'.repeat(64) });
    expect(() => qrOf(cjk)).toThrow(expect.objectContaining({ code: 'too_long' }));
  });
});
