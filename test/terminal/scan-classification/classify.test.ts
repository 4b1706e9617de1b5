import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { classifyScan, type ScanClass } from '../../../src/terminal/scan-classification/classify.js';
import { gtinCheckDigit } from '../../../src/terminal/scan-classification/gtin.js';
import { maskPaymentCode, SensitiveCode } from '../../../src/terminal/scan-classification/sensitive.js';
import { CodeTableError, defaultCodeTables, validateCodeTables, type CodeTables } from '../../../src/terminal/scan-classification/tables.js';
import { ascii, b64, cat, tlv } from './tlv-build.js';

const T = defaultCodeTables;
const classify = (text: string, symbology?: string): ScanClass => classifyScan(text, T, { symbology });
/** Replaces the check digit with a wrong one. */
const spoil = (digits: string): string => digits.slice(0, -1) + String((Number(digits.at(-1)) + 1) % 10);
/** A code of `length` digits beginning `prefix`. */
const code = (prefix: string, length: number): string => (prefix + '3141592653589793238462643383279').slice(0, length);

describe('product barcodes', () => {
  it.each([
    ['ean13', '4006381333931'],
    ['ean13', '5901234123457'],
    ['ean13', '6901234567892'],
    ['upca', '036000291452'],
    ['ean8', '96385074'],
  ] as const)('%s %s is valid', (symbology, digits) => {
    expect(classify(digits)).toEqual({ kind: 'product', symbology, gtin: digits });
    expect(classify(digits, ']E0').kind).toBe('product');
  });

  it.each(['4006381333931', '036000291452', '96385074'])('a bad check digit in %s is its own result', (digits) => {
    const bad = spoil(digits);
    expect(classify(bad)).toEqual({
      kind: 'product_bad_check_digit',
      symbology: expect.any(String),
      digits: bad,
      expected: Number(digits.at(-1)),
      found: Number(bad.at(-1)),
    });
  });

  it('computes GS1 mod-10 check digits', () => {
    expect(gtinCheckDigit('400638133393')).toBe(1);
    expect(gtinCheckDigit('03600029145')).toBe(2);
    expect(gtinCheckDigit('9638507')).toBe(4);
    expect(gtinCheckDigit('000000000000')).toBe(0);
  });

  it('digits in an EAN/UPC symbol of no GTIN length are unknown', () => {
    expect(classify('12345678901', ']E0')).toMatchObject({ kind: 'unknown', reason: 'digits_unmatched' });
  });
});

describe('customer payment codes (default table, each scheme at its length boundaries)', () => {
  const schemes = [
    { scheme: 'wechat', prefixes: ['10', '11', '12', '13', '14', '15'], min: 18, max: 18 },
    { scheme: 'alipay', prefixes: ['25', '26', '27', '28', '29', '30'], min: 16, max: 24 },
    { scheme: 'unionpay', prefixes: ['62'], min: 19, max: 19 },
    { scheme: 'ecny', prefixes: ['01'], min: 19, max: 19 },
  ];
  for (const s of schemes) {
    it(`${s.scheme}: ${s.prefixes.join('/')} with ${s.min}..${s.max} digits`, () => {
      for (const prefix of s.prefixes) {
        for (const length of [s.min, s.max]) {
          const result = classify(code(prefix, length));
          expect(result.kind === 'payment_code' && result.scheme).toBe(s.scheme);
        }
        for (const length of [s.min - 1, s.max + 1]) {
          expect(classify(code(prefix, length))).toMatchObject({ kind: 'unknown', reason: 'payment_length', length });
        }
      }
    });
  }

  it('the detail names the lengths the prefix would need', () => {
    expect(classify(code('13', 17))).toMatchObject({ detail: expect.stringContaining('wechat 18') });
    expect(classify(code('27', 25))).toMatchObject({ detail: expect.stringContaining('alipay 16..24') });
  });

  it('digits with no scheme prefix and no GTIN length are unknown', () => {
    expect(classify(code('16', 18))).toMatchObject({ kind: 'unknown', reason: 'digits_unmatched' });
    expect(classify(code('31', 20))).toMatchObject({ kind: 'unknown', reason: 'digits_unmatched' });
    expect(classify(code('99', 19))).toMatchObject({ kind: 'unknown', reason: 'digits_unmatched' });
  });

  it('the scanner symbology does not stop a payment code (QR or Code 128 on the phone)', () => {
    expect(classify(code('28', 20), ']Q1')).toMatchObject({ kind: 'payment_code', scheme: 'alipay' });
    expect(classify(code('11', 18), ']C0')).toMatchObject({ kind: 'payment_code', scheme: 'wechat' });
  });
});

describe('ambiguity between product and payment codes is resolved by rule', () => {
  it('default table: lengths separate them (a 13-digit code starting 62 is an EAN-13)', () => {
    const ean = '6212345678903';
    expect(gtinCheckDigit(ean.slice(0, 12))).toBe(3);
    expect(classify(ean)).toEqual({ kind: 'product', symbology: 'ean13', gtin: ean });
    expect(classify(code('62', 19))).toMatchObject({ kind: 'payment_code', scheme: 'unionpay' });
  });

  it('a profile rule at a GTIN length: product unless the scanner names a non-EAN symbology', () => {
    const tables: CodeTables = validateCodeTables({
      paymentCodes: [...T.paymentCodes, { scheme: 'acme', prefixes: ['88'], minLength: 13, maxLength: 13 }],
      offlineQr: T.offlineQr,
    });
    const digits = '8812345678903';
    expect(gtinCheckDigit(digits.slice(0, 12))).toBe(3);
    expect(classifyScan(digits, tables)).toMatchObject({ kind: 'product', symbology: 'ean13' });
    expect(classifyScan(digits, tables, { symbology: ']E0' })).toMatchObject({ kind: 'product' });
    expect(classifyScan(digits, tables, { symbology: ']Q1' })).toMatchObject({ kind: 'payment_code', scheme: 'acme' });
    expect(classifyScan(digits, tables, { symbology: ']C0' })).toMatchObject({ kind: 'payment_code', scheme: 'acme' });
    // Without a symbology the GTIN reading wins even when its check digit fails.
    expect(classifyScan(spoil(digits), tables)).toMatchObject({ kind: 'product_bad_check_digit' });
  });
});

describe('EMV consumer-presented QR', () => {
  it('parses the EMVCo example payload (one application template)', () => {
    const text = 'hQVDUFYwMWEaTwegAAAAVVVVVw8SNFZ4kBI0WNGRIgESNF8=';
    const result = classify(text);
    expect(result).toMatchObject({
      kind: 'emv_cpm',
      applications: [{ aid: 'A0000000555555', label: undefined, tags: ['4F', '57'] }],
      commonDataTags: undefined,
      byteLength: 35,
    });
    expect(result.kind === 'emv_cpm' && result.payload.reveal()).toBe(text);
  });

  it('lists several application templates and the common data template', () => {
    const text =
      'hQVDUFYwMWETTwegAAAAVVVVUAhQcm9kdWN0MWETTwegAAAAZmZmUAhQcm9kdWN0MmJJWggSNFZ4kBI0WF8gDkNBUkRIT0xERVIvRU1WXy0IcnVlc2RlZW5kIZ8QBwYBCgMAAACfJghYT9OF+iNLzJ82AgABnzcEbVjvEw==';
    expect(classify(text)).toMatchObject({
      kind: 'emv_cpm',
      applications: [
        { aid: 'A0000000555555', label: 'Product1', tags: ['4F', '50'] },
        { aid: 'A0000000666666', label: 'Product2', tags: ['4F', '50'] },
      ],
      commonDataTags: ['5A', '5F20', '5F2D', '64'],
    });
  });

  it('accepts a payload built here, with a 9F-class tag and a long-form length', () => {
    const app = tlv('61', cat(tlv('4F', 'A000000333010101'), tlv('50', ascii('UnionPay')), tlv('9F24', ascii('P'.repeat(120)))));
    const text = b64(cat(tlv('85', ascii('CPV01')), app));
    expect(text.startsWith('hQVDUFYwMW')).toBe(true);
    expect(classify(text)).toMatchObject({ kind: 'emv_cpm', applications: [{ aid: 'A000000333010101', label: 'UnionPay', tags: ['4F', '50', '9F24'] }] });
  });

  it.each([
    ['no application template', b64(tlv('85', ascii('CPV01'))), /no application template/],
    ['another version', b64(cat(tlv('85', ascii('CPV02')), tlv('61', tlv('4F', 'A0')))), /CPV02/],
    ['truncated TLV', b64(cat(tlv('85', ascii('CPV01')), tlv('61', tlv('4F', 'A0000000031010')))).slice(0, 20), /BER-TLV/],
    ['trailing garbage', b64(cat(tlv('85', ascii('CPV01')), tlv('61', tlv('4F', 'A0')), Uint8Array.of(0x61))), /BER-TLV/],
    ['unexpected top-level tag', b64(cat(tlv('85', ascii('CPV01')), tlv('61', tlv('4F', 'A0')), tlv('63', tlv('9F26', '00')))), /unexpected object 63/],
    ['not base64', 'hQVDUFYwMWEa*wegAAAA', /not base64/],
    ['bad base64 length', 'hQVDUFYwMWEaT', /not base64/],
  ])('%s is unknown (emv_cpm_malformed)', (_name, text, detail) => {
    expect(classify(text)).toMatchObject({ kind: 'unknown', reason: 'emv_cpm_malformed', detail: expect.stringMatching(detail) });
  });
});

describe('offline signed payment QR (OQR1:)', () => {
  const payload = (n: number): string => 'Ab0_-'.repeat(1000).slice(0, n);

  it('accepts base64url payloads from 86 to 2900 characters', () => {
    for (const n of [86, 88, 2900]) {
      const result = classify(`OQR1:${payload(n)}`);
      expect(result).toMatchObject({ kind: 'offline_qr', byteLength: Math.floor((n * 3) / 4) });
      expect(result.kind === 'offline_qr' && result.payload.reveal()).toBe(payload(n));
    }
  });

  it.each([
    ['too short', `OQR1:${payload(85)}`],
    ['too long', `OQR1:${payload(2901)}`],
    ['standard base64 characters', `OQR1:${payload(87)}+`],
    ['padding', `OQR1:${payload(86)}==`],
    ['a 4n+1 length', `OQR1:${payload(89)}`],
    ['empty', 'OQR1:'],
    ['a space', `OQR1: ${payload(90)}`],
  ])('%s is unknown (offline_qr_malformed)', (_name, text) => {
    expect(classify(text)).toMatchObject({ kind: 'unknown', reason: 'offline_qr_malformed' });
  });

  it('the length limits come from the tables', () => {
    const tables = validateCodeTables({ ...T, offlineQr: { minChars: 4, maxChars: 8 } });
    expect(classifyScan('OQR1:abcd', tables).kind).toBe('offline_qr');
    expect(classifyScan(`OQR1:${payload(86)}`, tables).kind).toBe('unknown');
  });
});

describe('unknown codes', () => {
  it.each([
    ['', 'empty'],
    ['hello world', 'unrecognised'],
    ['https://qr.alipay.com/xyz', 'unrecognised'],
    ['oqr1:lowercase-prefix-is-not-ours', 'unrecognised'],
    ['00020101021126300014A000000333010108123456785204581253031565802CN5909Shop Name6008Shanghai6304ABCD', 'merchant_presented_qr'],
    [' 6901234567892', 'unrecognised'],
  ])('%j is unknown (%s)', (text, reason) => {
    expect(classify(text)).toMatchObject({ kind: 'unknown', reason, length: text.length });
  });
});

describe('never logging a full payment code', () => {
  it('masks all but the first 4 and last 4', () => {
    expect(maskPaymentCode('134567890123456789')).toBe('1345**********6789');
    expect(maskPaymentCode('6212345678901234567')).toBe('6212***********4567');
    expect(maskPaymentCode('1234567890123')).toBe('1234*****0123');
    expect(maskPaymentCode('123456789012')).toBe('************');
    expect(maskPaymentCode('')).toBe('');
    const long = maskPaymentCode('A'.repeat(4) + 'B'.repeat(100) + 'C'.repeat(4));
    expect(long).toBe('AAAA****************CCCC (108 chars)');
  });

  it('a classified payment code prints, stringifies and serialises only as its mask', () => {
    const full = '134567890123456789';
    const result = classify(full);
    if (result.kind !== 'payment_code') throw new Error('expected a payment code');
    expect(result.code).toBeInstanceOf(SensitiveCode);
    expect(result.code.reveal()).toBe(full);
    expect(JSON.stringify(result)).toBe('{"kind":"payment_code","scheme":"wechat","code":"1345**********6789"}');
    expect(inspect(result)).not.toContain(full);
    expect(`${result.code}`).toBe('1345**********6789');
    expect(Object.values(result.code)).not.toContain(full);
    expect(result.code.length).toBe(18);
  });

  it('EMV CPM and OQR1 payloads are masked too', () => {
    const cpm = classify('hQVDUFYwMWEaTwegAAAAVVVVVw8SNFZ4kBI0WNGRIgESNF8=');
    expect(JSON.stringify(cpm)).not.toContain('SNFZ4kBI0');
    const oqr = classify(`OQR1:${'x'.repeat(100)}`);
    expect(JSON.stringify(oqr)).not.toContain('x'.repeat(20));
  });
});

describe('code tables as data', () => {
  it('the default table validates and is frozen', () => {
    expect(validateCodeTables(JSON.parse(JSON.stringify(T)))).toEqual(T);
    expect(Object.isFrozen(T.paymentCodes[0])).toBe(true);
  });

  it.each([
    ['not an object', null],
    ['rules not a list', { paymentCodes: {}, offlineQr: T.offlineQr }],
    ['a prefix with letters', { paymentCodes: [{ scheme: 'x', prefixes: ['1a'], minLength: 10, maxLength: 12 }], offlineQr: T.offlineQr }],
    ['no prefixes', { paymentCodes: [{ scheme: 'x', prefixes: [], minLength: 10, maxLength: 12 }], offlineQr: T.offlineQr }],
    ['min above max', { paymentCodes: [{ scheme: 'x', prefixes: ['1'], minLength: 12, maxLength: 10 }], offlineQr: T.offlineQr }],
    ['a bad scheme name', { paymentCodes: [{ scheme: 'We Chat', prefixes: ['1'], minLength: 10, maxLength: 12 }], offlineQr: T.offlineQr }],
    ['bad offlineQr', { paymentCodes: [], offlineQr: { minChars: 10, maxChars: 5 } }],
  ])('rejects %s', (_name, input) => {
    expect(() => validateCodeTables(input)).toThrow(expect.objectContaining({ code: 'bad_table' }));
  });

  it('rejects two rules that could both match one code', () => {
    const overlapping = {
      paymentCodes: [
        { scheme: 'a', prefixes: ['6'], minLength: 16, maxLength: 19 },
        { scheme: 'b', prefixes: ['62'], minLength: 19, maxLength: 19 },
      ],
      offlineQr: T.offlineQr,
    };
    expect(() => validateCodeTables(overlapping)).toThrow(CodeTableError);
    expect(() => validateCodeTables(overlapping)).toThrow(expect.objectContaining({ code: 'ambiguous_rules' }));
    // The same prefixes with lengths apart are fine.
    overlapping.paymentCodes[0]!.maxLength = 18;
    expect(validateCodeTables(overlapping).paymentCodes).toHaveLength(2);
  });
});
