import { describe, expect, it } from 'vitest';
import { readTlv, TlvError } from '../../src/encoding/ber-tlv.js';

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

describe('BER-TLV reader', () => {
  it('reads primitive and constructed objects with one- and multi-byte tags (EMVCo CPM example)', () => {
    const objects = readTlv(hex('85 05 4350563031 61 1A 4F 07 A0000000555555 57 0F 1234567890123458D191220112345F'));
    expect(objects.map((o) => [o.tag, o.constructed, o.value.length])).toEqual([
      [0x85, false, 5],
      [0x61, true, 26],
    ]);
    expect(objects[1]!.children!.map((c) => [c.tag, Buffer.from(c.value).toString('hex')])).toEqual([
      [0x4f, 'a0000000555555'],
      [0x57, '1234567890123458d191220112345f'],
    ]);
    const multi = readTlv(hex('9F24 02 ABCD 5F2D 02 7A68'));
    expect(multi.map((o) => o.tag)).toEqual([0x9f24, 0x5f2d]);
  });

  it('reads long-form lengths (81 xx, 82 xx xx)', () => {
    const v128 = '00'.repeat(128);
    expect(readTlv(hex(`50 81 80 ${v128}`))[0]!.value.length).toBe(128);
    expect(readTlv(hex(`50 82 0100 ${'11'.repeat(256)}`))[0]!.value.length).toBe(256);
    expect(readTlv(hex('50 00'))[0]!.value.length).toBe(0);
  });

  it.each([
    ['9F', 'truncated_tag'],
    ['9F 9F 9F 01 00', 'long_tag'],
    ['50', 'truncated_length'],
    ['50 82 01', 'truncated_length'],
    ['50 80 00 00', 'bad_length'],
    ['50 84 00 00 00 01 00', 'bad_length'],
    ['50 05 0102', 'truncated_value'],
    ['61 04 4F 05 0102', 'truncated_value'],
  ])('rejects %s as %s', (bytes, code) => {
    expect(() => readTlv(hex(bytes))).toThrow(expect.objectContaining({ code }));
    expect(() => readTlv(hex(bytes))).toThrow(TlvError);
  });

  it('limits nesting depth', () => {
    const nested = '61 0A 62 08 63 06 64 04 65 02 50 00';
    expect(() => readTlv(hex(nested), 4)).toThrow(expect.objectContaining({ code: 'too_deep' }));
    expect(readTlv(hex(nested), 5)).toHaveLength(1);
  });
});
