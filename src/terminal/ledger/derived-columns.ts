import { isFinancialKind, type RecordKind, type SignedRecord } from '../../protocol/record.js';
import { LedgerIntegrityError } from './integrity-error.js';

/**
 * The journal table's query columns, derived from the signed record. They are caches: every
 * reader that decides money re-derives them from the record text and compares.
 */
export interface DerivedColumns {
  kind: RecordKind;
  asset: string | null;
  amount: number | null;
  refOf: number | null;
}

export function derivedColumnsOf(record: Pick<SignedRecord, 'kind' | 'body'>): DerivedColumns {
  if (!isFinancialKind(record.kind)) return { kind: record.kind, asset: null, amount: null, refOf: null };
  const body = record.body as { asset: string; amount: number; of?: number };
  return { kind: record.kind, asset: body.asset, amount: body.amount, refOf: record.kind === 'payment' ? null : (body.of ?? null) };
}

/** A stored row as the journal table holds it. */
export interface StoredRow {
  seq: number;
  kind: string;
  asset: string | null;
  amount: number | null;
  ref_of: number | null;
  record: string;
}

/**
 * Parses a stored row's signed text and checks every derived column against it.
 * Throws LedgerIntegrityError('derived_mismatch') naming the record and the column.
 */
export function checkedRecord(row: StoredRow): SignedRecord {
  let record: SignedRecord;
  try {
    record = JSON.parse(row.record) as SignedRecord;
  } catch {
    throw new LedgerIntegrityError('unreadable_record', row.seq, `record ${row.seq} is not JSON: its stored text was altered`);
  }
  if (record.seq !== row.seq) throw new LedgerIntegrityError('derived_mismatch', row.seq, `record ${row.seq}: the signed text says seq ${String(record.seq)}`);
  const signed = derivedColumnsOf(record);
  const stored: DerivedColumns = { kind: row.kind as RecordKind, asset: row.asset, amount: row.amount, refOf: row.ref_of };
  for (const column of ['kind', 'asset', 'amount', 'refOf'] as const) {
    if (signed[column] !== stored[column]) {
      throw new LedgerIntegrityError(
        'derived_mismatch',
        row.seq,
        `record ${row.seq}: the ${column === 'refOf' ? 'ref_of' : column} column says ${JSON.stringify(stored[column])} but the signed record says ${JSON.stringify(signed[column])}; the journal database was edited outside posd`,
      );
    }
  }
  return record;
}
