import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CodedError } from '../errors/coded-error.js';
import type { Totals } from '../protocol/record.js';
import { Outbox, type SettlementCounters } from '../settlement/outbox.js';
import { exportJournal } from '../terminal/ledger/export.js';
import { Journal } from '../terminal/ledger/journal.js';
import type { DeadLetter } from '../terminal/ledger/settlement-book.js';
import { xReport, type EndOfDayReport } from '../terminal/reports/end-of-day.js';

/** A terminal's records opened read-only beside a running posd: what posctl's inspecting commands read. */
export interface TerminalRecords {
  readonly id: string;
  readonly headSeq: number;
  readonly headHash: string;
  readonly totals: Totals;
  /** Null for a journal made before settlement state existed; `attempted` is false until the first batch. */
  readonly settlement: { attempted: boolean; counters(): SettlementCounters; deadLetters(): DeadLetter[] } | null;
  /** The journal itself, read-only: proofs. */
  readonly journal: Journal;
  /** Writes the export file (docs/journal.md, section 8). */
  exportTo(file: string, onProgress?: (done: number, total: number) => void): { count: number };
  /** The X report: totals since the last day close, read-only. */
  xReport(): EndOfDayReport;
  close(): void;
}

export class NoJournalError extends CodedError<'no_journal'> {
  override readonly name = 'NoJournalError';
}

export function inspect(dataDir: string): TerminalRecords {
  if (!existsSync(join(dataDir, 'journal.db'))) throw new NoJournalError('no_journal', `no journal in ${dataDir}`);
  const journal = Journal.open(dataDir, { readOnly: true });
  const book = journal.settlement;
  const outbox = book ? new Outbox(journal) : undefined;
  return {
    id: journal.terminalId,
    headSeq: journal.headSeq,
    headHash: journal.headHash,
    totals: journal.totals,
    settlement: outbox && book ? { attempted: book.attempted, counters: () => outbox.counters(), deadLetters: () => outbox.deadLetters() } : null,
    journal,
    exportTo: (file, onProgress) => ({ count: exportJournal(journal, file, Date.now(), onProgress).records }),
    xReport: () => xReport(journal, Date.now()),
    close: () => journal.close(),
  };
}
