import { sha256 } from '../../../crypto/sha256.js';
import { toHex } from '../../../encoding/hex.js';
import type { SignedRecord } from '../../../protocol/record.js';
import { LedgerIntegrityError } from '../integrity-error.js';
import type { Journal } from '../journal.js';

/**
 * Reads records [from, to] checking what the stored text alone can show: no seq is missing,
 * each text hashes to its stored hash, each record's `prev` is the hash of the text before it,
 * and the derived columns agree with the text. `each` gets every record, parsed. Cheap (a parse
 * and a hash per record, no signature): it runs before every settlement batch.
 */
export function readLinked(journal: Journal, from: number, to: number, each: (record: SignedRecord, text: string, hash: string) => void): void {
  let previousHash = from > 0 ? hashOfStored(journal, from - 1) : undefined;
  let expected = from;
  for (const stored of journal.records(from, to)) {
    if (stored.seq !== expected) throw new LedgerIntegrityError('missing_record', expected, `record ${expected} is missing from the journal`);
    const hash = toHex(sha256(stored.text));
    if (hash !== toHex(stored.hash)) throw new LedgerIntegrityError('bad_record', stored.seq, `record ${stored.seq}: its text no longer hashes to its stored hash: it was changed`);
    const record = journal.recordAt(stored.seq)!;
    if (previousHash !== undefined && record.prev !== previousHash) {
      throw new LedgerIntegrityError('bad_record', stored.seq - 1, `record ${stored.seq - 1} was changed: it no longer hashes to what record ${stored.seq} signs as its predecessor`);
    }
    each(record, stored.text, hash);
    previousHash = hash;
    expected++;
  }
  if (expected !== to + 1) throw new LedgerIntegrityError('missing_record', expected, `record ${expected} is missing from the journal`);
  if (to === journal.headSeq && previousHash !== undefined && previousHash !== journal.headHash) {
    throw new LedgerIntegrityError('bad_record', to, `record ${to} is not the record this terminal wrote last: it was changed`);
  }
}

function hashOfStored(journal: Journal, seq: number): string {
  const stored = journal.get(seq);
  if (!stored) throw new LedgerIntegrityError('missing_record', seq, `record ${seq} is missing from the journal`);
  const hash = toHex(sha256(stored.text));
  if (hash !== toHex(stored.hash)) throw new LedgerIntegrityError('bad_record', seq, `record ${seq}: its text no longer hashes to its stored hash: it was changed`);
  return hash;
}
