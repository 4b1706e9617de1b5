import { describe, expect, it } from 'vitest';
import { Signer } from '../../src/crypto/ed25519.js';
import { canonicalJson } from '../../src/encoding/canonical-json.js';
import type { UnsignedRecord } from '../../src/protocol/record.js';
import { recordText, signRecord, verifyRecordSignature } from '../../src/protocol/record-codec.js';
import { RecordFormatError, validateSignedRecord } from '../../src/protocol/record-validate.js';

const signer = Signer.fromSeed(new Uint8Array(32).fill(7));

function base(overrides: Partial<UnsignedRecord> & Pick<UnsignedRecord, 'kind' | 'body'>): UnsignedRecord {
  return {
    v: 1,
    terminal: signer.keyId,
    seq: 3,
    time: { wall: 1_763_880_000_000, boot: '6f1c2c4e-0000-4000-8000-000000000001', mono: 123_456 },
    prev: 'ab'.repeat(32),
    key: signer.keyId,
    totals: { CNY: { n: 2, in: 3000, out: 500 } },
    ...overrides,
  } as UnsignedRecord;
}

const samples: UnsignedRecord[] = [
  base({ kind: 'payment', body: { asset: 'CNY', amount: 1250, tender: 'code', ref: '订单-42', details: { scheme: 'alipay', code: '2800****1234', late: false } } }),
  base({ kind: 'refund', body: { asset: 'CNY', amount: 500, of: 1, reason: 'returned goods' } }),
  base({ kind: 'checkpoint', body: { size: 3, root: 'cd'.repeat(32) } }),
  base({ kind: 'genesis', seq: 0, body: { publicKey: 'ef'.repeat(32), software: 'posd/0.1.0' } }),
  base({ kind: 'day_close', body: { day: '2026-11-23', z: 1, from: 0, through: 2, totals: { CNY: { payment: { n: 2, amount: 3000 } } }, tenders: { CNY: { cash: { payment: { n: 2, amount: 3000 } } } } } }),
];

describe('record encoding', () => {
  it.each(samples)('the fast canonical text equals RFC 8785 canonical JSON ($kind)', (record) => {
    expect(recordText(record)).toBe(canonicalJson(record));
    expect(recordText(record, 'aa'.repeat(64))).toBe(canonicalJson({ ...record, sig: 'aa'.repeat(64) }));
  });

  it('signs over the domain and canonical text, and any changed field breaks the signature', () => {
    const { record, text } = signRecord(samples[0]!, signer);
    expect(validateSignedRecord(JSON.parse(text))).toEqual(record);
    expect(verifyRecordSignature(record, signer.publicKey)).toBe(true);
    expect(verifyRecordSignature({ ...record, seq: 4 }, signer.publicKey)).toBe(false);
    expect(verifyRecordSignature({ ...record, body: { ...record.body, amount: 1251 } } as typeof record, signer.publicKey)).toBe(false);
    expect(verifyRecordSignature(record, Signer.generate().publicKey)).toBe(false);
  });

  it('has a golden vector: fixed key, fixed record, fixed signature', () => {
    const { text, hash } = signRecord(samples[3]!, signer);
    expect(text).toBe(
      '{"body":{"publicKey":"' + 'ef'.repeat(32) + '","software":"posd/0.1.0"},"key":"' + signer.keyId + '","kind":"genesis","prev":"' + 'ab'.repeat(32) +
        '","seq":0,"sig":"' + JSON.parse(text).sig + '","terminal":"' + signer.keyId + '","time":{"boot":"6f1c2c4e-0000-4000-8000-000000000001","mono":123456,"wall":1763880000000},"totals":{"CNY":{"in":3000,"n":2,"out":500}},"v":1}',
    );
    // Ed25519 is deterministic: the same key and input always give these bytes (docs/journal.md section 5.2 has a complete example).
    expect(JSON.parse(text).sig).toBe(
      'da9792caf08de2f97ecb59664bd5e995b087ecbd1d09d751009dab8557b49215572437e0d95b4ff9cdc9dd8b1744236802e2527762911e148934c0994e110d07',
    );
    expect(Buffer.from(hash).toString('hex')).toBe('7e348549adb7dce63ca93a75b0581f37f14a9e963211ff80e06553f9770a8092');
  });

  it.each([
    ['an unknown kind', { kind: 'gift' }, 'unknown_kind'],
    ['a float amount', { body: { asset: 'CNY', amount: 12.5, tender: 'cash', ref: 'x', details: {} } }, 'bad_amount'],
    ['an extra field', { extra: 1 }, 'unexpected_field'],
    ['a bad prev', { prev: 'AB'.repeat(32) }, 'bad_field'],
    ['a version 2 record', { v: 2 }, 'bad_version'],
  ])('rejects %s with a typed error', (_what, change, code) => {
    const { record } = signRecord(samples[0]!, signer);
    expect(() => validateSignedRecord({ ...record, ...change })).toThrow(RecordFormatError);
    try {
      validateSignedRecord({ ...record, ...change });
    } catch (err) {
      expect((err as RecordFormatError).code).toBe(code);
    }
  });
});
