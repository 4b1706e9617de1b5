import { describe, expect, it } from 'vitest';
import {
  crc16CcittFalse,
  encodeDynamicMpm,
  EmvMpmError,
  minorOfMpmAmount,
  mpmAmount,
  parseMpm,
  parseMpmObjects,
} from '../../src/protocol/emv-mpm.js';

/** The EMVCo sample used by public codecs (shared/research/payments-tms.md 1.4): its CRC is A13A over the UTF-8 bytes. */
const EMVCO_SAMPLE =
  '00020101021229300012D156000000000510A93FO3230Q31280012D15600000001030812345678520441115802CN5914BEST TRANSPORT6007BEIJING64200002ZH0104最佳运输0202北京540523.7253031565502016233030412340603***0708A60086670902ME91320016A0112233449988770708123456786304A13A';

/** A posd dynamic QR, written out by hand; its CRC computed independently (Python's binascii.crc_hqx with 0xFFFF). */
const POSD_GOLDEN =
  '00020101021226390016cn.posd.acquirer0115123456789012345520454115303156540523.725802CN5911Corner Shop6008Hangzhou62320516ab12cd34lxyz00010708T000000164140002ZH0104街角小店6304B0C4';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as EmvMpmError).code;
  }
  return undefined;
}

describe('EMVCo merchant-presented QR', () => {
  it('computes CRC-16/CCITT-FALSE: the check value of "123456789" is 29B1', () => {
    expect(crc16CcittFalse(new TextEncoder().encode('123456789'))).toBe(0x29b1);
    expect(crc16CcittFalse(new Uint8Array())).toBe(0xffff);
  });

  it('parses the EMVCo sample and checks its CRC over the UTF-8 bytes (lengths count characters)', () => {
    const qr = parseMpm(EMVCO_SAMPLE);
    expect(qr).toMatchObject({ pointOfInitiation: 'dynamic', mcc: '4111', currency: '156', amount: '23.72', country: 'CN', name: 'BEST TRANSPORT', city: 'BEIJING', crc: 'A13A' });
    expect(qr.accounts.map((a) => [a.id, a.guid])).toEqual([
      ['29', 'D15600000000'],
      ['31', 'D15600000001'],
    ]);
    expect(qr.additional).toEqual({ '03': '1234', '06': '***', '07': 'A6008667', '09': 'ME' });
    expect(qr.terminalLabel).toBe('A6008667');
    const alternate = qr.objects.find((o) => o.id === '64')!;
    expect(parseMpmObjects(alternate.value)).toEqual([
      { id: '00', value: 'ZH' },
      { id: '01', value: '最佳运输' },
      { id: '02', value: '北京' },
    ]);
  });

  it('encodes a dynamic QR exactly as the golden vector, and parses it back', () => {
    const payload = encodeDynamicMpm({
      account: { id: '26', guid: 'cn.posd.acquirer', merchantId: '123456789012345' },
      mcc: '5411',
      currency: '156',
      amount: mpmAmount(2372),
      country: 'CN',
      name: 'Corner Shop',
      city: 'Hangzhou',
      reference: 'ab12cd34lxyz0001',
      terminalLabel: 'T0000001',
      alternate: { language: 'ZH', name: '街角小店' },
    });
    expect(payload).toBe(POSD_GOLDEN);
    const back = parseMpm(payload);
    expect(back).toMatchObject({ pointOfInitiation: 'dynamic', amount: '23.72', reference: 'ab12cd34lxyz0001', terminalLabel: 'T0000001', name: 'Corner Shop', city: 'Hangzhou', crc: 'B0C4' });
    expect(back.accounts[0]).toMatchObject({ id: '26', guid: 'cn.posd.acquirer' });
    expect(minorOfMpmAmount(back.amount!)).toBe(2372);
  });

  it('refuses a bad CRC, a changed character, a lower-case CRC and a cut payload', () => {
    expect(codeOf(() => parseMpm(POSD_GOLDEN.slice(0, -4) + 'B0C5'))).toBe('bad_crc');
    expect(codeOf(() => parseMpm(POSD_GOLDEN.replace('23.72', '93.72')))).toBe('bad_crc');
    expect(codeOf(() => parseMpm(POSD_GOLDEN.slice(0, -4) + 'b0c4'))).toBe('bad_crc');
    expect(codeOf(() => parseMpm(POSD_GOLDEN.slice(0, -10)))).toBe('bad_tlv');
    expect(codeOf(() => parseMpm('hello'))).toBe('bad_tlv');
  });

  it('refuses structure it cannot trust even with a right CRC: a repeated tag, a missing field, an overlong name', () => {
    const withCrc = (body: string): string => {
      const head = `${body}6304`;
      return head + crc16CcittFalse(new TextEncoder().encode(head)).toString(16).toUpperCase().padStart(4, '0');
    };
    expect(codeOf(() => parseMpm(withCrc('000201010212520454115303156')))).toBe('missing_field');
    expect(codeOf(() => parseMpm(withCrc('0002010102120102122604000152045411')))).toBe('bad_tlv');
    expect(codeOf(() => parseMpm(withCrc('00020101021226080004guid52045411530315654041.005802CN5926ABCDEFGHIJKLMNOPQRSTUVWXYZ6001X')))).toBe('too_long');
    expect(codeOf(() => parseMpm(withCrc('000201010212260800040000520454115303156')))).toBe('missing_field');
    expect(codeOf(() => parseMpm('0'.repeat(5000)))).toBe('too_long');
  });

  it('refuses to encode out-of-bounds fields', () => {
    const base = { account: { id: '26', guid: 'g' }, mcc: '5411', currency: '156', amount: '1.00', country: 'CN', name: 'n', city: 'c', reference: 'r' };
    expect(codeOf(() => encodeDynamicMpm({ ...base, name: 'x'.repeat(26) }))).toBe('too_long');
    expect(codeOf(() => encodeDynamicMpm({ ...base, city: 'x'.repeat(16) }))).toBe('too_long');
    expect(codeOf(() => encodeDynamicMpm({ ...base, reference: 'x'.repeat(26) }))).toBe('too_long');
    expect(codeOf(() => encodeDynamicMpm({ ...base, account: { id: '25', guid: 'g' } }))).toBe('bad_field');
    expect(codeOf(() => encodeDynamicMpm({ ...base, amount: '1.005' }))).toBe('bad_field');
    expect(codeOf(() => mpmAmount(1_000_000_000_000))).toBe('too_long');
    expect(mpmAmount(5)).toBe('0.05');
    expect(minorOfMpmAmount('5')).toBe(500);
    expect(minorOfMpmAmount('0.5')).toBe(50);
  });
});
