import { describe, expect, it } from 'vitest';
import { Journal } from '../../src/terminal/ledger/journal.js';
import { cashPayment } from '../support/records.js';
import { tempDir } from '../support/tmp.js';

/** The queries posd's start leans on, rewritten not to read every journal row: the same answers as the plain definitions. */
describe('ledger queries on the start path', () => {
  it('lowestPending is the lowest seq the acquirer does not hold, whatever the gaps (and null when it holds all)', () => {
    const journal = Journal.open(tempDir());
    for (let i = 0; i < 9; i++) journal.append(cashPayment(100 + i));
    const book = journal.settlement!;
    const head = journal.headSeq;
    expect(book.lowestPending()).toBe(0);
    const upload = (id: string, ranges: [number, number][], dead: number[] = []): void => {
      book.recordBatch({ id, kind: 'upload', seqs: ranges, from: null, through: null, bodySha256: '0'.repeat(64) });
      book.applyUpload(id, ranges, dead.map((seq) => ({ seq, reason: 'refused' })), '{}');
    };
    upload('a', [[2, 4]]);
    expect(book.lowestPending()).toBe(0);
    upload('b', [[0, 1]]);
    expect(book.lowestPending()).toBe(5);
    upload('c', [[7, 8]], [5]);
    expect(book.lowestPending()).toBe(6);
    expect(book.deadLetterCount()).toBe(1);
    upload('d', [[6, 6], [9, head]]);
    expect(book.lowestPending()).toBeNull();
    journal.append(cashPayment(500));
    expect(book.lowestPending()).toBe(head + 1);
    journal.close();
  });

  it('lastSeqOfKind finds the newest record of a kind within bounds, or null, for indexed and plain kinds alike', () => {
    const journal = Journal.open(tempDir());
    journal.append(cashPayment(100));
    const checkpoint = journal.appendCheckpoint().seq;
    journal.append(cashPayment(200));
    const last = journal.append(cashPayment(300)).seq;
    expect(journal.lastSeqOfKind('payment')).toBe(last);
    expect(journal.lastSeqOfKind('payment', -1, last - 1)).toBe(last - 1);
    expect(journal.lastSeqOfKind('payment', last)).toBeNull();
    expect(journal.lastSeqOfKind('checkpoint')).toBe(checkpoint);
    expect(journal.lastSeqOfKind('checkpoint', checkpoint)).toBeNull();
    expect(journal.lastSeqOfKind('key_rotation')).toBeNull();
    expect(journal.lastSeqOfKind('day_close')).toBeNull();
    const rotation = journal.rotateKey().seq;
    expect(journal.lastSeqOfKind('key_rotation')).toBe(rotation);
    expect(journal.lastSeqOfKind('key_rotation', -1, rotation - 1)).toBeNull();
    expect(journal.lastSeqOfKind('reversal')).toBeNull();
    journal.close();
  });
});
