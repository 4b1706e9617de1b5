import { CanonicalJsonError, canonicalJson, parseCanonicalJson } from '../encoding/canonical-json.js';
import { CodedError } from '../errors/coded-error.js';

export const EXPORT_FORMAT = 'posd-journal-export';
export const EXPORT_VERSION = 1;

/** Line 1 of an export (docs/journal.md, section 8). Not signed: checked against the records it precedes. */
export interface ExportHeader {
  format: typeof EXPORT_FORMAT;
  v: typeof EXPORT_VERSION;
  /** The terminal id: the genesis record's `terminal`. */
  terminal: string;
  /** The genesis public key, hex. */
  publicKey: string;
  /** How many record lines follow: at least 1, the genesis. */
  records: number;
  /** The record hash of the last record, hex. */
  headHash: string;
  /** When the export was written, ms since 1970-01-01T00:00Z. Recorded, not checked. */
  exportedAt: number;
}

export function exportHeader(fields: Omit<ExportHeader, 'format' | 'v'>): string {
  return canonicalJson({ format: EXPORT_FORMAT, v: EXPORT_VERSION, ...fields });
}

/** A first line that is not a posd export header of a version this verifier reads. */
export class ExportHeaderError extends CodedError<'bad_header_line'> {
  override readonly name = 'ExportHeaderError';
  constructor(message: string) {
    super('bad_header_line', message);
  }
}

const MEMBERS = ['exportedAt', 'format', 'headHash', 'publicKey', 'records', 'terminal', 'v'];

/** Parses line 1: canonical JSON with exactly the members of ExportHeader. Throws ExportHeaderError. */
export function parseExportHeader(line: string): ExportHeader {
  let value: unknown;
  try {
    value = parseCanonicalJson(line);
  } catch (err) {
    if (!(err instanceof CanonicalJsonError)) throw err;
    throw new ExportHeaderError(`the first line is not a posd journal export header: ${err.code === 'not_canonical' ? 'not in canonical form' : err.message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ExportHeaderError('the first line is not a posd journal export header (not an object)');
  const h = value as Record<string, unknown>;
  if (h.format !== EXPORT_FORMAT) throw new ExportHeaderError(`the first line is not a posd journal export header (format ${JSON.stringify(h.format)})`);
  if (h.v !== EXPORT_VERSION) throw new ExportHeaderError(`export format version ${JSON.stringify(h.v)} is not supported (expected ${EXPORT_VERSION})`);
  const keys = Object.keys(h);
  const unknown = keys.find((k) => !MEMBERS.includes(k));
  if (unknown !== undefined) throw new ExportHeaderError(`the header has a member ${JSON.stringify(unknown)} the format does not define`);
  const missing = MEMBERS.find((k) => !(k in h));
  if (missing !== undefined) throw new ExportHeaderError(`the header has no ${missing}`);
  if (!isHex(h.terminal, 8)) throw new ExportHeaderError('header terminal must be a terminal id (16 lower-case hex digits)');
  if (!isHex(h.publicKey, 32)) throw new ExportHeaderError('header publicKey must be 32 bytes of lower-case hex');
  if (!isHex(h.headHash, 32)) throw new ExportHeaderError('header headHash must be 32 bytes of lower-case hex');
  if (!isCount(h.records, 1)) throw new ExportHeaderError('header records must be an integer of at least 1 (every journal starts with its genesis)');
  if (!isCount(h.exportedAt, 0)) throw new ExportHeaderError('header exportedAt must be an integer of at least 0');
  return h as unknown as ExportHeader;
}

function isHex(value: unknown, bytes: number): value is string {
  return typeof value === 'string' && value.length === bytes * 2 && /^[0-9a-f]*$/.test(value);
}

function isCount(value: unknown, min: number): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min;
}
