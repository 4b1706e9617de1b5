import type { RecordDraft } from '../src/protocol/record.js';
import type { Journal } from '../src/terminal/ledger/journal.js';

/** Fills a journal with `count` payments (and some refunds) in bulk transactions: one fsync per chunk. */
export function buildBacklog(journal: Journal, count: number, log: (line: string) => void): void {
  const chunk = 20_000;
  const t0 = performance.now();
  let lastPayment = -1;
  for (let done = 0; done < count; ) {
    const drafts: RecordDraft[] = [];
    for (let i = 0; i < chunk && done < count; i++, done++) {
      const seq = journal.headSeq + 1 + drafts.length;
      if (done % 10 === 9 && lastPayment >= 0) {
        drafts.push({ kind: 'refund', body: { asset: 'CNY', amount: 1, of: lastPayment, reason: 'bench refund' } });
      } else {
        drafts.push({ kind: 'payment', body: { asset: done % 4 === 0 ? 'MAT' : 'CNY', amount: 500 + (done % 9000), tender: 'cash', ref: `b${done}`, details: {} } });
        if (done % 4 !== 0) lastPayment = seq;
      }
    }
    journal.appendBatch(drafts);
  }
  log(`   built a backlog of ${count} records in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
