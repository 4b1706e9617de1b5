import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyScan, defaultCodeTables, EMV_CPM_PREFIX, OFFLINE_QR_PREFIX, type ScanClass } from '../../src/terminal/scan-classification/index.js';
import { codeUnitString, fuzz } from './settings.js';

const KINDS = new Set(['product', 'product_bad_check_digit', 'payment_code', 'emv_cpm', 'offline_qr', 'unknown']);

/** A code that can pay under the default table: a scheme's prefix, then digits up to one of its lengths. */
const paymentCode = fc
  .constantFrom(...defaultCodeTables.paymentCodes)
  .chain((rule) =>
    fc.tuple(fc.constantFrom(...rule.prefixes), fc.integer({ min: rule.minLength, max: rule.maxLength })).chain(([prefix, length]) =>
      fc.array(fc.integer({ min: 0, max: 9 }), { minLength: length - prefix.length, maxLength: length - prefix.length }).map((d) => prefix + d.join('')),
    ),
  );

/** Text a scanner can deliver around a payment code: nothing, noise, the prefixes of other code kinds. */
const around = fc.oneof(fc.constant(''), codeUnitString(12), fc.constantFrom(OFFLINE_QR_PREFIX, EMV_CPM_PREFIX, '000201', ' ', '0', '9'));
const symbology = fc.option(fc.oneof(fc.constantFrom(']E0', ']Q1', ']C0', ']E4', ']d2'), codeUnitString(4)), { nil: undefined });

function shown(result: ScanClass): string[] {
  return [JSON.stringify(result), inspect(result, { depth: 10 }), String(result.kind === 'unknown' ? result.detail : '')];
}

describe('fuzz: scan classification', () => {
  it('gives every string a classification and never throws', () => {
    const anyScan = fc.oneof(codeUnitString(80), fc.stringMatching(/^\d{0,30}$/), around.chain((p) => codeUnitString(40).map((s) => p + s)));
    fc.assert(
      fc.property(anyScan, symbology, (text, aim) => {
        const result = classifyScan(text, defaultCodeTables, { symbology: aim });
        expect(KINDS.has(result.kind)).toBe(true);
        if (result.kind === 'unknown') expect(result.length).toBe(text.length);
      }),
      fuzz(600),
    );
  });

  it('never shows a payment code: not in a reason, not in JSON, not through inspect', () => {
    fc.assert(
      fc.property(around, paymentCode, around, symbology, (before, code, after, aim) => {
        const result = classifyScan(before + code + after, defaultCodeTables, { symbology: aim });
        for (const text of shown(result)) expect(text).not.toContain(code);
        if (result.kind === 'payment_code') expect(result.code.reveal()).toBe(before + code + after);
      }),
      fuzz(600),
    );
  });

  it('classifies a bare payment code as one, whatever the scanner says but EAN/UPC', () => {
    fc.assert(
      fc.property(paymentCode, fc.option(fc.constantFrom(']Q1', ']C0', ']d2'), { nil: undefined }), (code, aim) => {
        expect(classifyScan(code, defaultCodeTables, { symbology: aim })).toMatchObject({ kind: 'payment_code' });
      }),
      fuzz(300),
    );
  });
});
