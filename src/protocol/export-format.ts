import { canonicalJson } from '../encoding/canonical-json.js';

export const EXPORT_FORMAT = 'posd-journal-export';

export interface ExportHeader {
  format: typeof EXPORT_FORMAT;
  v: 1;
  terminal: string;
  publicKey: string;
  records: number;
  headHash: string;
  exportedAt: number;
}

export function exportHeader(fields: Omit<ExportHeader, 'format' | 'v'>): string {
  return canonicalJson({ format: EXPORT_FORMAT, v: 1, ...fields });
}

export function parseExportHeader(line: string): ExportHeader {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new Error('the first line is not a posd journal export header (not JSON)');
  }
  const h = value as Partial<ExportHeader>;
  if (h?.format !== EXPORT_FORMAT || h.v !== 1 || typeof h.terminal !== 'string' || !Number.isSafeInteger(h.records) || typeof h.publicKey !== 'string') {
    throw new Error('the first line is not a posd journal export header');
  }
  return h as ExportHeader;
}
