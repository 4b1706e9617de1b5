import { CanonicalJsonError, canonicalJson, hasLoneSurrogate } from '../encoding/canonical-json.js';
import { CodedError } from '../errors/coded-error.js';
import { MAX_RECORD_AMOUNT } from './assets.js';
import { checkBalancedCloseAck, type BalancedCloseAck } from './balanced-ack.js';
import { AckError } from './settlement.js';
import {
  RECORD_VERSION,
  TENDERS,
  isFinancialKind,
  isRecordKind,
  type Details,
  type RecordKind,
  type SignedRecord,
} from './record.js';
import { walletDetailsProblem } from './wallet/record-proof.js';

export type RecordFormatErrorCode =
  | 'not_object'
  | 'bad_version'
  | 'unknown_kind'
  | 'bad_field'
  | 'missing_field'
  | 'unexpected_field'
  | 'bad_amount'
  | 'unknown_asset'
  | 'too_long'
  | 'bad_ack';

/** A record (or a draft) that breaks the format. `path` names the offending field. */
export class RecordFormatError extends CodedError<RecordFormatErrorCode> {
  override readonly name = 'RecordFormatError';
  constructor(
    code: RecordFormatErrorCode,
    readonly path: string,
    message: string,
  ) {
    super(code, `${path}: ${message}`);
  }
}

export interface ValidationPolicy {
  /** Asset codes accepted; undefined accepts any well-formed code (a verifier of someone else's journal). */
  assets?: ReadonlySet<string>;
  /**
   * Check a settlement_ack's `ack` as a balanced close ack of its record (checkRecordedAck).
   * Default true; a chain verifier turns it off and runs that check in its own later step.
   */
  ackRules?: boolean;
}

const HEX64 = /^[0-9a-f]{64}$/;
const HEX128 = /^[0-9a-f]{128}$/;
const KEY_ID = /^[0-9a-f]{16}$/;
const ASSET_CODE = /^[A-Z][A-Z0-9]{2,7}$/;
const BOOT_ID = /^[0-9A-Za-z-]{1,64}$/;
const DETAIL_KEY = /^[a-z][A-Za-z0-9_]{0,31}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

export const LIMITS = {
  refLength: 64,
  reasonLength: 200,
  sourceLength: 64,
  softwareLength: 64,
  detailKeys: 16,
  detailStringLength: 256,
  ackBytes: 16_384,
} as const;

type Obj = Record<string, unknown>;

function fail(code: RecordFormatErrorCode, path: string, message: string): never {
  throw new RecordFormatError(code, path, message);
}

function object(value: unknown, path: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('not_object', path, 'must be an object');
  return value as Obj;
}

function exactKeys(obj: Obj, path: string, required: readonly string[], optional: readonly string[] = []): void {
  for (const key of required) if (!(key in obj)) fail('missing_field', `${path}.${key}`, 'is required');
  for (const key of Object.keys(obj)) {
    if (!required.includes(key) && !optional.includes(key)) fail('unexpected_field', `${path}.${key}`, 'is not part of the format');
  }
}

function safeInt(value: unknown, path: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) fail('bad_field', path, `must be an integer, got ${describe(value)}`);
  if (value < min || value > max) fail('bad_field', path, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

/**
 * Length in characters as docs/journal.md counts them: Unicode code points, so a character
 * outside the Basic Multilingual Plane (a surrogate pair in UTF-16) is one. Only called on
 * strings without lone surrogates.
 */
export function codePointLength(value: string): number {
  let n = value.length;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      n--;
      i++;
    }
  }
  return n;
}

/** A string of minLength..maxLength code points, without control characters or lone surrogates. */
function text(value: unknown, path: string, maxLength: number, minLength = 1): string {
  if (typeof value !== 'string') fail('bad_field', path, `must be a string, got ${describe(value)}`);
  if (minLength > 0 && value.length === 0) fail('bad_field', path, 'must not be empty');
  if (CONTROL_CHARS.test(value)) fail('bad_field', path, 'must not contain control characters');
  if (hasLoneSurrogate(value)) fail('bad_field', path, 'must not contain unpaired surrogates (not UTF-8)');
  // A string has at least as many UTF-16 code units as code points: count only when it matters.
  if (value.length > maxLength) {
    const length = codePointLength(value);
    if (length > maxLength) fail('too_long', path, `must be at most ${maxLength} characters, got ${length}`);
  }
  return value;
}

/** Any JSON value that has a canonical form (safe integers, no lone surrogates, bounded depth). */
function canonicalValue(value: unknown, path: string): void {
  try {
    canonicalJson(value);
  } catch (err) {
    if (err instanceof CanonicalJsonError) fail('bad_field', path, `has no canonical JSON form: ${err.message}`);
    throw err;
  }
}

function pattern(value: unknown, path: string, re: RegExp, what: string): string {
  if (typeof value !== 'string' || !re.test(value)) fail('bad_field', path, `must be ${what}`);
  return value;
}

function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `a string`;
  return value === null ? 'null' : typeof value;
}

/** Amounts are positive integers of minor units, at most MAX_RECORD_AMOUNT. */
export function checkAmount(value: unknown, path: string): number {
  if (typeof value !== 'number' || Number.isNaN(value)) fail('bad_amount', path, `must be a number of minor units, got ${describe(value)}`);
  if (!Number.isInteger(value)) fail('bad_amount', path, `must be a whole number of minor units, got ${value}`);
  if (value <= 0) fail('bad_amount', path, `must be positive, got ${value}`);
  if (value > MAX_RECORD_AMOUNT) fail('bad_amount', path, `must be at most ${MAX_RECORD_AMOUNT}, got ${value}`);
  return value;
}

function asset(value: unknown, path: string, policy: ValidationPolicy): string {
  const code = pattern(value, path, ASSET_CODE, 'an asset code (3-8 upper-case letters or digits)');
  if (policy.assets && !policy.assets.has(code)) fail('unknown_asset', path, `asset ${code} is not accepted here`);
  return code;
}

function details(value: unknown, path: string): void {
  const obj = object(value, path);
  const keys = Object.keys(obj);
  if (keys.length > LIMITS.detailKeys) fail('too_long', path, `at most ${LIMITS.detailKeys} entries`);
  for (const key of keys) {
    if (!DETAIL_KEY.test(key)) fail('bad_field', `${path}.${key}`, 'keys are lower camel case, at most 32 characters');
    const v = obj[key];
    if (typeof v === 'string') text(v, `${path}.${key}`, LIMITS.detailStringLength, 0);
    else if (typeof v === 'number') safeInt(v, `${path}.${key}`, Number.MIN_SAFE_INTEGER);
    else if (typeof v !== 'boolean') fail('bad_field', `${path}.${key}`, 'must be a string, an integer or a boolean');
  }
}

function tenderDetails(tender: string, body: Obj, path: string): void {
  const d = body.details as Obj;
  if (tender === 'wallet_tap' || tender === 'offline_qr') {
    const problem = walletDetailsProblem(tender, body as { asset: unknown; ref: unknown; details: Details });
    if (problem) fail('bad_field', problem.member === 'ref' ? `${path}.ref` : `${path}.details.${problem.member}`, problem.message);
  }
  if (tender === 'code' || tender === 'merchant_qr') onlineDetails(d, `${path}.details`);
  if (tender === 'cash' && (d.tendered !== undefined || d.change !== undefined)) {
    const tendered = safeInt(d.tendered, `${path}.details.tendered`, 0);
    const change = safeInt(d.change, `${path}.details.change`, 0);
    if (tendered < (body.amount as number) || tendered - change !== body.amount) {
      fail('bad_amount', `${path}.details`, 'cash tendered minus change must equal the amount');
    }
  }
}

/** A payment code as a record may show it: at least four characters hidden, never the code itself. */
const MASKED_CODE = /^(\*{1,16}|[\x21-\x29\x2b-\x7e]{4}\*{4,16}[\x21-\x29\x2b-\x7e]{4}( \(\d{1,4} chars\))?)$/;
const ACQUIRER_PROOF = ['acquirer', 'acquirerRef', 'paidAt', 'proof'] as const;

/** `code` and `merchant_qr` payments (docs/journal.md section 4): a masked code, and the acquirer's proof whole or not at all. */
function onlineDetails(d: Obj, path: string): void {
  if (d.code !== undefined) pattern(d.code, `${path}.code`, MASKED_CODE, 'a masked payment code (at least 4 characters hidden as *), never the code itself');
  if (d.scheme !== undefined) pattern(d.scheme, `${path}.scheme`, /^[a-z0-9][a-z0-9_-]{0,31}$/, 'a scheme name');
  const present = ACQUIRER_PROOF.filter((k) => d[k] !== undefined);
  if (present.length === 0) return;
  if (present.length !== ACQUIRER_PROOF.length) fail('missing_field', `${path}.${ACQUIRER_PROOF.find((k) => d[k] === undefined)!}`, `is required with ${present.join(', ')}`);
  pattern(d.acquirer, `${path}.acquirer`, KEY_ID, "the acquirer's key id");
  pattern(d.acquirerRef, `${path}.acquirerRef`, /^[A-Za-z0-9_-]{1,64}$/, "the acquirer's order reference");
  safeInt(d.paidAt, `${path}.paidAt`, 0);
  pattern(d.proof, `${path}.proof`, HEX128, "the acquirer's payment proof (128 hex)");
}

/** Validates a record body for its kind. Throws RecordFormatError naming the first problem. */
export function validateBody(kind: RecordKind, value: unknown, policy: ValidationPolicy, path = 'body'): void {
  const body = object(value, path);
  switch (kind) {
    case 'payment': {
      exactKeys(body, path, ['asset', 'amount', 'tender', 'ref', 'details']);
      asset(body.asset, `${path}.asset`, policy);
      checkAmount(body.amount, `${path}.amount`);
      if (!(TENDERS as readonly unknown[]).includes(body.tender)) fail('bad_field', `${path}.tender`, `must be one of ${TENDERS.join(', ')}`);
      text(body.ref, `${path}.ref`, LIMITS.refLength);
      details(body.details, `${path}.details`);
      tenderDetails(body.tender as string, body, path);
      return;
    }
    case 'refund':
    case 'void':
    case 'reversal':
      exactKeys(body, path, ['asset', 'amount', 'of', 'reason']);
      asset(body.asset, `${path}.asset`, policy);
      checkAmount(body.amount, `${path}.amount`);
      safeInt(body.of, `${path}.of`, 0);
      text(body.reason, `${path}.reason`, LIMITS.reasonLength);
      return;
    case 'genesis':
      exactKeys(body, path, ['publicKey', 'software']);
      pattern(body.publicKey, `${path}.publicKey`, HEX64, '32 bytes of lower-case hex');
      text(body.software, `${path}.software`, LIMITS.softwareLength);
      return;
    case 'key_rotation':
      exactKeys(body, path, ['publicKey', 'proof']);
      pattern(body.publicKey, `${path}.publicKey`, HEX64, '32 bytes of lower-case hex');
      pattern(body.proof, `${path}.proof`, HEX128, '64 bytes of lower-case hex');
      return;
    case 'clock_adjustment':
      exactKeys(body, path, ['from', 'to', 'source']);
      safeInt(body.from, `${path}.from`, 0);
      safeInt(body.to, `${path}.to`, 0);
      text(body.source, `${path}.source`, LIMITS.sourceLength);
      return;
    case 'checkpoint':
      exactKeys(body, path, ['size', 'root']);
      safeInt(body.size, `${path}.size`, 1);
      pattern(body.root, `${path}.root`, HEX64, '32 bytes of lower-case hex');
      return;
    case 'settlement_ack':
      exactKeys(body, path, ['close', 'through', 'ack']);
      text(body.close, `${path}.close`, LIMITS.refLength);
      safeInt(body.through, `${path}.through`, 0);
      object(body.ack, `${path}.ack`);
      canonicalValue(body.ack, `${path}.ack`);
      if (policy.ackRules !== false) checkRecordedAck({ close: body.close, through: body.through, ack: body.ack }, path);
      return;
    case 'profile':
      exactKeys(body, path, ['version', 'sha256', 'acquirer', 'expiresAt']);
      safeInt(body.version, `${path}.version`, 1);
      pattern(body.sha256, `${path}.sha256`, HEX64, '32 bytes of lower-case hex');
      pattern(body.acquirer, `${path}.acquirer`, KEY_ID, 'a key id (16 lower-case hex digits)');
      safeInt(body.expiresAt, `${path}.expiresAt`, 0);
      return;
    case 'day_close': {
      exactKeys(body, path, ['day', 'z', 'from', 'through', 'totals', 'tenders']);
      pattern(body.day, `${path}.day`, DAY, 'a date YYYY-MM-DD');
      safeInt(body.z, `${path}.z`, 1);
      const from = safeInt(body.from, `${path}.from`, 0);
      const through = safeInt(body.through, `${path}.through`, 0);
      if (through < from - 1) fail('bad_field', `${path}.through`, 'must not be before from - 1');
      const totals = object(body.totals, `${path}.totals`);
      for (const [code, byKind] of Object.entries(totals)) {
        asset(code, `${path}.totals.${code}`, {});
        kindTotals(byKind, `${path}.totals.${code}`);
      }
      const tenders = object(body.tenders, `${path}.tenders`);
      for (const [code, byTender] of Object.entries(tenders)) {
        asset(code, `${path}.tenders.${code}`, {});
        for (const [tender, byKind] of Object.entries(object(byTender, `${path}.tenders.${code}`))) {
          if (!(TENDERS as readonly string[]).includes(tender)) fail('bad_field', `${path}.tenders.${code}`, `${JSON.stringify(tender)} is not a tender`);
          kindTotals(byKind, `${path}.tenders.${code}.${tender}`);
        }
      }
      return;
    }
  }
}

/** `{ kind: { n, amount } }` for financial kinds. */
function kindTotals(value: unknown, path: string): void {
  for (const [k, t] of Object.entries(object(value, path))) {
    if (!isFinancialKind(k)) fail('bad_field', path, `${JSON.stringify(k)} is not a financial record kind`);
    const entry = object(t, `${path}.${k}`);
    exactKeys(entry, `${path}.${k}`, ['n', 'amount']);
    safeInt(entry.n, `${path}.${k}.n`, 0);
    safeInt(entry.amount, `${path}.${k}.amount`, 0);
  }
}

/**
 * A settlement_ack body's `ack` is a balanced close ack (checkBalancedCloseAck) for the close id
 * and `through` the record names. Throws RecordFormatError `bad_ack`. The signature and the
 * checkpoint it countersigns are the chain verifier's to check.
 */
export function checkRecordedAck(body: { readonly close: unknown; readonly through: unknown; readonly ack: unknown }, path = 'body'): BalancedCloseAck {
  let ack: BalancedCloseAck;
  try {
    ack = checkBalancedCloseAck(body.ack);
  } catch (err) {
    if (err instanceof AckError) fail('bad_ack', `${path}.ack`, err.message);
    throw err;
  }
  if (ack.close !== body.close || ack.through !== body.through) {
    fail('bad_ack', `${path}.ack`, `the ack settles ${ack.close} through ${ack.through}, but is recorded as ${String(body.close)} through ${String(body.through)}`);
  }
  return ack;
}

function validateTotals(value: unknown, path: string): void {
  const totals = object(value, path);
  for (const [code, t] of Object.entries(totals)) {
    pattern(code, `${path}.${code}`, ASSET_CODE, 'an asset code');
    const entry = object(t, `${path}.${code}`);
    exactKeys(entry, `${path}.${code}`, ['n', 'in', 'out']);
    safeInt(entry.n, `${path}.${code}.n`, 0);
    safeInt(entry.in, `${path}.${code}.in`, 0);
    safeInt(entry.out, `${path}.${code}.out`, 0);
  }
}

/** Checks the whole shape of a signed record (not its signature, chain or totals arithmetic). */
export function validateSignedRecord(value: unknown, policy: ValidationPolicy = {}): SignedRecord {
  const record = object(value, 'record');
  exactKeys(record, 'record', ['v', 'terminal', 'seq', 'kind', 'time', 'prev', 'key', 'body', 'totals', 'sig']);
  if (record.v !== RECORD_VERSION) fail('bad_version', 'record.v', `format version ${String(record.v)} is not supported (expected ${RECORD_VERSION})`);
  pattern(record.terminal, 'record.terminal', KEY_ID, 'a terminal id (16 lower-case hex digits)');
  safeInt(record.seq, 'record.seq', 0);
  if (!isRecordKind(record.kind)) fail('unknown_kind', 'record.kind', `unknown record kind ${JSON.stringify(record.kind)}`);
  const time = object(record.time, 'record.time');
  exactKeys(time, 'record.time', ['wall', 'boot', 'mono']);
  safeInt(time.wall, 'record.time.wall', 0);
  pattern(time.boot, 'record.time.boot', BOOT_ID, 'a boot id');
  safeInt(time.mono, 'record.time.mono', 0);
  pattern(record.prev, 'record.prev', HEX64, '32 bytes of lower-case hex');
  pattern(record.key, 'record.key', KEY_ID, 'a key id (16 lower-case hex digits)');
  validateBody(record.kind, record.body, policy, 'record.body');
  validateTotals(record.totals, 'record.totals');
  pattern(record.sig, 'record.sig', HEX128, '64 bytes of lower-case hex');
  return record as unknown as SignedRecord;
}
