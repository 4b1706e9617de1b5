import { EMV_CPM_PREFIX, parseEmvCpm, type EmvCpmApplication } from './emv-cpm.js';
import { checkGtin, PRODUCT_LENGTHS, type ProductSymbology } from './gtin.js';
import { checkOfflineQr, OFFLINE_QR_PREFIX } from './offline-qr.js';
import { SensitiveCode } from './sensitive.js';
import type { CodeTables, PaymentCodeRule } from './tables.js';

export type UnknownReason =
  /** Nothing was scanned. */
  | 'empty'
  /** Digits starting like a scheme's codes but of a length that scheme never uses (a misread?). */
  | 'payment_length'
  /** Digits that are neither a product barcode nor in the payment table. */
  | 'digits_unmatched'
  /** Starts like an EMV consumer-presented QR but does not parse as one. */
  | 'emv_cpm_malformed'
  /** Starts `OQR1:` but the payload is not a sane base64url payload. */
  | 'offline_qr_malformed'
  /** An EMVCo merchant-presented QR (`000201...`): the customer showed a shop's code, not theirs. */
  | 'merchant_presented_qr'
  | 'unrecognised';

/** What a scanned code is. The terminal sends an `unknown` code nowhere. */
export type ScanClass =
  | { kind: 'product'; symbology: ProductSymbology; gtin: string }
  | { kind: 'product_bad_check_digit'; symbology: ProductSymbology; digits: string; expected: number; found: number }
  | { kind: 'payment_code'; scheme: string; code: SensitiveCode }
  | {
      kind: 'emv_cpm';
      payload: SensitiveCode;
      applications: EmvCpmApplication[];
      commonDataTags: string[] | undefined;
      byteLength: number;
    }
  | { kind: 'offline_qr'; payload: SensitiveCode; byteLength: number }
  | { kind: 'unknown'; reason: UnknownReason; detail: string; length: number };

export interface ScanHints {
  /** The AIM identifier the scanner reported (`]E0`, `]Q1`, `]C0`...), if any. */
  symbology?: string | undefined;
}

const DIGITS_RE = /^\d+$/;

/**
 * Classifies scanned text. The order, which makes every result deterministic:
 *  1. `OQR1:` prefix: offline signed payment QR (shape checked), else unknown.
 *  2. `hQVDUFYwM` prefix (base64 of 85 05 "CPV0" and the top of "1"): EMV consumer-presented
 *     QR, with 85 = "CPV01" and the templates checked in the BER-TLV, else unknown.
 *  3. All digits:
 *     a. the scanner said EAN/UPC (AIM `]E`): a product barcode by length (8, 12, 13) or unknown;
 *     b. a payment rule matches (prefix and length) and the length is not a product length
 *        (8, 12, 13), or the scanner named a symbology other than EAN/UPC: a payment code;
 *     c. a product length: a product barcode, with its check digit verified;
 *     d. a payment prefix with a length that scheme does not use: unknown (`payment_length`);
 *     e. otherwise unknown (`digits_unmatched`).
 *     With the default table lengths alone separate the two (payment codes are 16..24 digits,
 *     GTINs 8, 12 or 13); rules a-c decide if a profile ever adds a payment length of 8, 12 or 13.
 *  4. `000201`: a merchant-presented QR, which the counter cannot take: unknown.
 *  5. Anything else: unknown.
 */
export function classifyScan(text: string, tables: CodeTables, hints: ScanHints = {}): ScanClass {
  if (text.length === 0) return unknown('empty', 'nothing scanned', text);
  if (text.startsWith(OFFLINE_QR_PREFIX)) {
    const shape = checkOfflineQr(text, tables.offlineQr);
    if (!shape.ok) return unknown('offline_qr_malformed', shape.detail, text);
    return { kind: 'offline_qr', payload: new SensitiveCode(shape.payload), byteLength: shape.byteLength };
  }
  if (text.startsWith(EMV_CPM_PREFIX)) {
    const cpm = parseEmvCpm(text);
    if (!cpm.ok) return unknown('emv_cpm_malformed', cpm.detail, text);
    return {
      kind: 'emv_cpm',
      payload: new SensitiveCode(text),
      applications: cpm.applications,
      commonDataTags: cpm.commonDataTags,
      byteLength: cpm.byteLength,
    };
  }
  if (DIGITS_RE.test(text)) return classifyDigits(text, tables, hints.symbology);
  if (text.startsWith('000201')) return unknown('merchant_presented_qr', 'an EMVCo merchant-presented QR', text);
  return unknown('unrecognised', 'no rule matches', text);
}

function classifyDigits(digits: string, tables: CodeTables, symbology: string | undefined): ScanClass {
  const product = PRODUCT_LENGTHS[digits.length];
  const eanSymbol = symbology !== undefined && symbology.startsWith(']E');
  if (eanSymbol) {
    return product ? productOf(digits, product) : unknown('digits_unmatched', `${digits.length} digits in an EAN/UPC symbol`, digits);
  }
  const rule = tables.paymentCodes.find((r) => hasPrefix(digits, r) && digits.length >= r.minLength && digits.length <= r.maxLength);
  if (rule && (!product || symbology !== undefined)) {
    return { kind: 'payment_code', scheme: rule.scheme, code: new SensitiveCode(digits) };
  }
  if (product) return productOf(digits, product);
  const near = tables.paymentCodes.filter((r) => hasPrefix(digits, r));
  if (near.length > 0) {
    const expected = near.map((r) => `${r.scheme} ${r.minLength === r.maxLength ? r.minLength : `${r.minLength}..${r.maxLength}`}`).join(', ');
    return unknown('payment_length', `${digits.length} digits; codes with this prefix are ${expected} digits`, digits);
  }
  return unknown('digits_unmatched', `${digits.length} digits match no product length and no payment rule`, digits);
}

function productOf(digits: string, symbology: ProductSymbology): ScanClass {
  const check = checkGtin(digits);
  if (!check.valid) return { kind: 'product_bad_check_digit', symbology, digits, expected: check.expected, found: check.found };
  return { kind: 'product', symbology, gtin: digits };
}

function hasPrefix(digits: string, rule: PaymentCodeRule): boolean {
  for (const prefix of rule.prefixes) if (digits.startsWith(prefix)) return true;
  return false;
}

function unknown(reason: UnknownReason, detail: string, text: string): ScanClass {
  return { kind: 'unknown', reason, detail, length: text.length };
}
