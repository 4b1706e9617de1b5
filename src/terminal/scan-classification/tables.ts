import { CodedError } from '../../errors/coded-error.js';
/**
 * The data classification runs on. In production it comes from the signed terminal profile,
 * because the schemes change their prefixes; the defaults below are FIELD-NOTES' table.
 */
export interface PaymentCodeRule {
  /** Scheme name as the payments layer knows it, e.g. `wechat`. */
  scheme: string;
  /** Leading digits; a code matches when it starts with any of them. */
  prefixes: readonly string[];
  /** Inclusive length range of the whole code, in digits. */
  minLength: number;
  maxLength: number;
}

export interface CodeTables {
  paymentCodes: readonly PaymentCodeRule[];
  /** Accepted length of the base64url part of an `OQR1:` payload, in characters. */
  offlineQr: { minChars: number; maxChars: number };
}

export const defaultCodeTables: CodeTables = deepFreeze({
  paymentCodes: [
    { scheme: 'wechat', prefixes: ['10', '11', '12', '13', '14', '15'], minLength: 18, maxLength: 18 },
    { scheme: 'alipay', prefixes: ['25', '26', '27', '28', '29', '30'], minLength: 16, maxLength: 24 },
    { scheme: 'unionpay', prefixes: ['62'], minLength: 19, maxLength: 19 },
    { scheme: 'ecny', prefixes: ['01'], minLength: 19, maxLength: 19 },
  ],
  // 86 characters carry 64 bytes, one Ed25519 signature: a signed payload is never shorter.
  // 2900 fits the largest QR code (2953 bytes in byte mode) with the prefix.
  offlineQr: { minChars: 86, maxChars: 2900 },
});

export type CodeTableErrorCode = 'bad_table' | 'ambiguous_rules';

export class CodeTableError extends CodedError<CodeTableErrorCode> {
  override readonly name = 'CodeTableError';
}

/**
 * Checks tables that arrived as data (a profile) and returns them typed and frozen. Two rules
 * may not both match one code (overlapping prefixes and lengths): the table, not the order of
 * its rows, decides every code.
 */
export function validateCodeTables(input: unknown): CodeTables {
  if (!isRecord(input)) throw bad('tables must be an object');
  const rules = input.paymentCodes;
  if (!Array.isArray(rules)) throw bad('paymentCodes must be an array');
  const checked: PaymentCodeRule[] = rules.map((rule: unknown, i) => checkRule(rule, i));
  for (let i = 0; i < checked.length; i++) {
    for (let j = i + 1; j < checked.length; j++) {
      const a = checked[i]!;
      const b = checked[j]!;
      const lengthsMeet = a.minLength <= b.maxLength && b.minLength <= a.maxLength;
      const prefix = a.prefixes.find((p) => b.prefixes.some((q) => p.startsWith(q) || q.startsWith(p)));
      if (lengthsMeet && prefix !== undefined) {
        throw new CodeTableError('ambiguous_rules', `paymentCodes ${a.scheme} and ${b.scheme} both match codes starting ${prefix}`);
      }
    }
  }
  const oqr = input.offlineQr;
  if (!isRecord(oqr) || !isCount(oqr.minChars) || !isCount(oqr.maxChars) || oqr.minChars > oqr.maxChars) {
    throw bad('offlineQr needs integer minChars <= maxChars');
  }
  return deepFreeze({ paymentCodes: checked, offlineQr: { minChars: oqr.minChars, maxChars: oqr.maxChars } });
}

function checkRule(rule: unknown, i: number): PaymentCodeRule {
  if (!isRecord(rule)) throw bad(`paymentCodes[${i}] must be an object`);
  const { scheme, prefixes, minLength, maxLength } = rule;
  if (typeof scheme !== 'string' || !/^[a-z0-9][a-z0-9_-]{0,31}$/.test(scheme)) throw bad(`paymentCodes[${i}].scheme must be a short lower-case name`);
  if (!Array.isArray(prefixes) || prefixes.length === 0 || !prefixes.every((p) => typeof p === 'string' && /^\d{1,8}$/.test(p))) {
    throw bad(`paymentCodes[${i}].prefixes must be a non-empty list of digit strings`);
  }
  if (!isCount(minLength) || !isCount(maxLength) || minLength > maxLength || maxLength > 64) {
    throw bad(`paymentCodes[${i}] needs integer minLength <= maxLength <= 64`);
  }
  if (prefixes.some((p: string) => p.length >= minLength)) throw bad(`paymentCodes[${i}]: a prefix as long as the code`);
  return { scheme, prefixes: [...(prefixes as string[])], minLength, maxLength };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

function bad(message: string): CodeTableError {
  return new CodeTableError('bad_table', message);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
