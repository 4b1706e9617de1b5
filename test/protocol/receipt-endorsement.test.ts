import { describe, expect, it } from 'vitest';
import { Signer } from '../../src/crypto/ed25519.js';
import { canonicalJson } from '../../src/encoding/canonical-json.js';
import { toHex } from '../../src/encoding/hex.js';
import { signEndorsement, type KeyEndorsement } from '../../src/protocol/key-endorsement.js';
import {
  decodeReceiptEndorsement,
  encodeReceiptEndorsement,
  endorsementDocument,
  RECEIPT_ENDORSEMENT_BYTES,
  receiptEndorsementOf,
  ReceiptEndorsementError,
  type ReceiptEndorsement,
} from '../../src/protocol/receipt-endorsement.js';
import { encodeReceiptQr, receiptSigningInput, ReceiptQrError, verifyReceiptQr, type ReceiptStatement } from '../../src/protocol/receipt-qr.js';

const genesis = Signer.fromSeed(new Uint8Array(32).fill(7));
const rotated = Signer.fromSeed(new Uint8Array(32).fill(8));
const acquirer = Signer.fromSeed(new Uint8Array(32).fill(9));
const otherAcquirer = Signer.fromSeed(new Uint8Array(32).fill(10));
const NOT_BEFORE = 1_763_856_000_000;
const NOT_AFTER = 1_826_928_000_000;

function endorse(signer = genesis, overrides: Partial<KeyEndorsement> = {}, by = acquirer): KeyEndorsement {
  return signEndorsement(
    { terminal: genesis.keyId, keyId: signer.keyId, publicKey: toHex(signer.publicKey), tid: 'POS00042', mid: '123456789012345', notBefore: NOT_BEFORE, notAfter: NOT_AFTER, serial: 7, ...overrides },
    by,
  );
}

function statement(signer = genesis, overrides: Partial<ReceiptStatement> = {}): ReceiptStatement {
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

function qrOf(s: ReceiptStatement, signer: Signer, endorsement: Uint8Array | null): string {
  return encodeReceiptQr({ statement: s, publicKey: signer.publicKey, signature: signer.sign(receiptSigningInput(s)), endorsement });
}

function failure(text: string, options: { publicKey?: Uint8Array; acquirerPublicKey?: Uint8Array } = {}): string {
  try {
    verifyReceiptQr(text, options);
  } catch (e) {
    if (e instanceof ReceiptQrError) return e.code;
    throw e;
  }
  return 'valid';
}

function decodeFailure(bytes: Uint8Array): string {
  try {
    decodeReceiptEndorsement(bytes);
  } catch (e) {
    if (e instanceof ReceiptEndorsementError) return `${e.code}: ${e.message}`;
    throw e;
  }
  return 'decoded';
}

const GOLDEN_BYTES =
  '01504f5330303034323132333435363738393031323334350000019aae02a400000001a95d64fc000000000000000007dbc298251c51321b' +
  '2a93d5605c3aa98a530573507e3e483b7f2c96da410a0a63a131dbc6d32b4055b3f8c03f53a15e5d1dc3fcc357218b8450e7ddf58c72ba7d3324750287c45b04';

describe('the endorsement in a receipt QR (docs/receipt-qr.md section 5)', () => {
  it('has a golden vector: the 120 bytes, the rebuilt document and the whole QR text the doc quotes', () => {
    const e = endorse();
    const bytes = encodeReceiptEndorsement(receiptEndorsementOf(e));
    expect(bytes).toHaveLength(RECEIPT_ENDORSEMENT_BYTES);
    expect(toHex(bytes)).toBe(GOLDEN_BYTES);
    expect(acquirer.keyId).toBe('dbc298251c51321b');
    expect(toHex(acquirer.publicKey)).toBe('fd1724385aa0c75b64fb78cd602fa1d991fdebf76b13c58ed702eac835e9f618');
    const { sig, ...unsigned } = endorsementDocument(decodeReceiptEndorsement(bytes), genesis.keyId, genesis.publicKey);
    expect(sig).toBe(e.sig);
    expect(canonicalJson(unsigned)).toBe(
      '{"acquirer":"dbc298251c51321b","keyId":"fe812c12f3ab4ce6","mid":"123456789012345","notAfter":1826928000000,"notBefore":1763856000000,"publicKey":"ea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22c","serial":7,"terminal":"fe812c12f3ab4ce6","tid":"POS00042","type":"key_endorsement","v":1}',
    );
    const text = qrOf(statement(), genesis, bytes);
    expect(text).toBe(
      'POSDR1:fe812c12f3ab4ce6:42:payment:1763917323000:CNY:850:cash:7e3485mi8x9a0b1c2d3e::fjSFSa233OY8qTp1sFgfN_FKnpYyEf-A4GVT-XcKgJI:6kpsY-KcUgq-9VB7Ey7F-ZVHdq6-vnuSQh7qaRRG0iw:rLerDIoP-dvsg-114JSkMGuhkdjp9t3wOgNEzPPKTc5r2_61YMzY2Nc3BV-fToQFK-Jm4tQYGIwga9rM3NRjAQ:AVBPUzAwMDQyMTIzNDU2Nzg5MDEyMzQ1AAABmq4CpAAAAAGpXWT8AAAAAAAAAAAH28KYJRxRMhsqk9VgXDqpilMFc1B-Pkg7fyyW2kEKCmOhMdvG0ytAVbP4wD9ToV5dHcP8w1chi4RQ5931jHK6fTMkdQKHxFsE',
    );
    expect(text).toHaveLength(419);
    const verified = verifyReceiptQr(text, { acquirerPublicKey: acquirer.publicKey });
    expect(verified).toMatchObject({ binding: 'endorsed', endorsed: { tid: 'POS00042', mid: '123456789012345', serial: 7, acquirer: acquirer.keyId } });
    // Without the acquirer key it is carried, not checked, and changes nothing.
    expect(verifyReceiptQr(text)).toMatchObject({ binding: 'genesis', endorsed: null, endorsement: bytes });
  });

  it('round-trips every field, at the ends of their ranges', () => {
    const cases: ReceiptEndorsement[] = [
      receiptEndorsementOf(endorse()),
      { tid: 'ZZZZZZZZ', mid: '000000000000000', notBefore: 0, notAfter: Number.MAX_SAFE_INTEGER, serial: Number.MAX_SAFE_INTEGER, acquirer: 'ff'.repeat(8), sig: 'ab'.repeat(64) },
      { tid: '00000000', mid: 'ZZZZZZZZZZZZZZZ', notBefore: Number.MAX_SAFE_INTEGER, notAfter: 0, serial: 1, acquirer: '00'.repeat(8), sig: '00'.repeat(64) },
    ];
    for (const e of cases) {
      const bytes = encodeReceiptEndorsement(e);
      expect(bytes).toHaveLength(120);
      expect(decodeReceiptEndorsement(bytes)).toEqual(e);
      // A view into a larger buffer decodes the same.
      const padded = new Uint8Array(130);
      padded.set(bytes, 5);
      expect(decodeReceiptEndorsement(padded.subarray(5, 125))).toEqual(e);
    }
  });

  it('refuses every malformed byte layout with a typed error naming the field', () => {
    const good = encodeReceiptEndorsement(receiptEndorsementOf(endorse()));
    const withByte = (offset: number, value: number): Uint8Array => {
      const b = good.slice();
      b[offset] = value;
      return b;
    };
    const withU64 = (offset: number, value: bigint): Uint8Array => {
      const b = good.slice();
      new DataView(b.buffer).setBigUint64(offset, value);
      return b;
    };
    expect(decodeFailure(good)).toBe('decoded');
    expect(decodeFailure(good.subarray(0, 119))).toMatch(/^malformed: .*120 bytes/);
    expect(decodeFailure(new Uint8Array([...good, 0]))).toMatch(/^malformed: .*120 bytes/);
    expect(decodeFailure(new Uint8Array(0))).toMatch(/^malformed/);
    expect(decodeFailure(withByte(0, 0))).toMatch(/^malformed: .*version 0/);
    expect(decodeFailure(withByte(0, 2))).toMatch(/^malformed: .*version 2/);
    expect(decodeFailure(withByte(1, 0x61))).toMatch(/^malformed: tid/); // lower-case
    expect(decodeFailure(withByte(8, 0x20))).toMatch(/^malformed: tid/); // a space
    expect(decodeFailure(withByte(9, 0xc3))).toMatch(/^malformed: mid/); // not ASCII
    expect(decodeFailure(withByte(23, 0x2d))).toMatch(/^malformed: mid/);
    expect(decodeFailure(withU64(24, 1n << 53n))).toMatch(/^malformed: notBefore/);
    expect(decodeFailure(withU64(32, 0xffffffffffffffffn))).toMatch(/^malformed: notAfter/);
    expect(decodeFailure(withU64(40, 0n))).toMatch(/^malformed: serial/);
    expect(decodeFailure(withU64(40, 1n << 53n))).toMatch(/^malformed: serial/);
    // The acquirer key id and the signature are any bytes: a wrong one fails the signature check, not the layout.
    expect(decodeFailure(withByte(48, 0xff))).toBe('decoded');
    expect(decodeFailure(withByte(119, 0xff))).toBe('decoded');
    // The encoder refuses what the layout cannot hold.
    const e = receiptEndorsementOf(endorse());
    for (const bad of [{ tid: 'POS0042' }, { mid: 'abc' }, { notBefore: -1 }, { notAfter: 1.5 }, { serial: 0 }, { acquirer: 'XY' }, { sig: 'ab' }]) {
      expect(() => encodeReceiptEndorsement({ ...e, ...bad } as ReceiptEndorsement)).toThrow(ReceiptEndorsementError);
    }
  });

  it('in the QR text: a field 13 that is not the layout is malformed, with or without the acquirer key', () => {
    const text = qrOf(statement(), genesis, encodeReceiptEndorsement(receiptEndorsementOf(endorse())));
    const fields = text.split(':');
    const swap = (value: string): string => [...fields.slice(0, 13), value].join(':');
    const bytes = Buffer.from(fields[13]!, 'base64url');
    expect(failure(swap(Buffer.from(bytes.subarray(0, 117)).toString('base64url')))).toBe('malformed'); // 156 characters
    const version2 = Buffer.from(bytes);
    version2[0] = 2;
    expect(failure(swap(version2.toString('base64url')))).toBe('malformed');
    expect(failure(swap(version2.toString('base64url')), { acquirerPublicKey: acquirer.publicKey })).toBe('malformed');
    expect(failure(swap(`${fields[13]!.slice(0, 159)}=`))).toBe('malformed');
    expect(() => qrOf(statement(), genesis, new Uint8Array(120))).toThrow(expect.objectContaining({ code: 'malformed' }));
  });

  it('is checked under the acquirer key: a flipped bit, another terminal or key, another acquirer, another time all fail by name', () => {
    const bytes = encodeReceiptEndorsement(receiptEndorsementOf(endorse()));
    const text = qrOf(statement(), genesis, bytes);
    const key = { acquirerPublicKey: acquirer.publicKey };
    expect(failure(text, key)).toBe('valid');
    // One bit of the signature, of the times, of the serial, of tid and mid (staying within the layout).
    for (const [offset, bit] of [[56, 0], [100, 7], [119, 0], [31, 0], [39, 7], [47, 0], [47, 7], [1, 0], [23, 2]] as const) {
      const flipped = bytes.slice();
      flipped[offset]! ^= 1 << bit;
      expect(failure(qrOf(statement(), genesis, flipped), key), `offset ${offset} bit ${bit}`).toBe('bad_endorsement');
    }
    const acquirerBit = bytes.slice();
    acquirerBit[48]! ^= 1;
    expect(failure(qrOf(statement(), genesis, acquirerBit), key)).toBe('wrong_key');
    const sigBit = bytes.slice();
    sigBit[60]! ^= 0x10;
    expect(failure(qrOf(statement(), genesis, sigBit), key)).toBe('bad_endorsement');
    expect(failure(qrOf(statement(), genesis, sigBit))).toBe('valid'); // unchecked without the key

    // Another terminal's genuine endorsement (its own terminal id and key) on this receipt.
    const stranger = Signer.fromSeed(new Uint8Array(32).fill(11));
    const theirs = encodeReceiptEndorsement(receiptEndorsementOf(endorse(stranger, { terminal: stranger.keyId })));
    expect(failure(qrOf(statement(), genesis, theirs), key)).toBe('bad_endorsement');
    // This terminal's endorsement of its old key on a receipt signed by the new one.
    expect(failure(qrOf(statement(rotated), rotated, bytes), key)).toBe('bad_endorsement');
    const rotatedBytes = encodeReceiptEndorsement(receiptEndorsementOf(endorse(rotated)));
    expect(verifyReceiptQr(qrOf(statement(rotated), rotated, rotatedBytes), key)).toMatchObject({ binding: 'endorsed' });
    // Endorsed by another acquirer, or checked with another acquirer's key.
    expect(failure(qrOf(statement(), genesis, encodeReceiptEndorsement(receiptEndorsementOf(endorse(genesis, {}, otherAcquirer)))), key)).toBe('wrong_key');
    expect(failure(text, { acquirerPublicKey: otherAcquirer.publicKey })).toBe('wrong_key');
    // The receipt's time outside the validity (the bounds are inclusive).
    expect(failure(qrOf(statement(genesis, { time: NOT_BEFORE - 1 }), genesis, bytes), key)).toBe('expired');
    expect(failure(qrOf(statement(genesis, { time: NOT_AFTER + 1 }), genesis, bytes), key)).toBe('expired');
    expect(failure(qrOf(statement(genesis, { time: NOT_BEFORE }), genesis, bytes), key)).toBe('valid');
    expect(failure(qrOf(statement(genesis, { time: NOT_AFTER }), genesis, bytes), key)).toBe('valid');
    const inverted = encodeReceiptEndorsement(receiptEndorsementOf(endorse(genesis, { notBefore: NOT_AFTER, notAfter: NOT_BEFORE })));
    expect(failure(qrOf(statement(), genesis, inverted), key)).toBe('expired');
    // A pinned terminal key that differs still fails first; a pinned one that matches is outranked by the endorsement.
    expect(failure(text, { ...key, publicKey: rotated.publicKey })).toBe('key_mismatch');
    expect(verifyReceiptQr(text, { ...key, publicKey: genesis.publicKey }).binding).toBe('endorsed');
    // No endorsement: the acquirer key changes nothing.
    expect(verifyReceiptQr(qrOf(statement(), genesis, null), key)).toMatchObject({ binding: 'genesis', endorsement: null, endorsed: null });
  });

  it('fits every receipt with an ASCII order reference: the longest is 502 characters', () => {
    const bytes = encodeReceiptEndorsement(receiptEndorsementOf(endorse()));
    const longest = statement(genesis, { ref: 'R'.repeat(64), seq: Number.MAX_SAFE_INTEGER, time: Number.MAX_SAFE_INTEGER, amount: 1_000_000_000_000, tender: 'merchant_qr', asset: 'ABCDEFGH' });
    expect(qrOf(longest, genesis, bytes)).toHaveLength(502);
    expect(() => qrOf(statement(genesis, { ref: '订'.repeat(20) }), genesis, bytes)).toThrow(expect.objectContaining({ code: 'too_long' }));
  });
});
