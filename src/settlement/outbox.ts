import { randomUUID } from 'node:crypto';
import { toHex } from '../encoding/hex.js';
import { sha256Hex } from '../crypto/sha256.js';
import { KindTotalsBuilder } from '../protocol/kind-totals.js';
import { moneyOf, type SignedRecord } from '../protocol/record.js';
import { encodeCloseRequest, encodeUploadRequest } from '../protocol/settlement-bodies.js';
import { expandRanges, rangeCount, toRanges, type CloseAck, type UploadAck } from '../protocol/settlement.js';
import { readLinked } from '../terminal/ledger/integrity/record-links.js';
import { LedgerIntegrityError } from '../terminal/ledger/integrity-error.js';
import type { Journal, MoneyRecord } from '../terminal/ledger/journal.js';
import type { DeadLetter, SettlementBook, StoredBatch } from '../terminal/ledger/settlement-book.js';
import { SettlementError } from './errors.js';

export type Batch = StoredBatch;

export type ClosePlan = { kind: 'nothing' } | { kind: 'checkpoint' } | { kind: 'close'; from: number; through: number };

export interface AssetBacklog {
  count: number;
  /** Money in minus money out over the unsettled records, in minor units. */
  net: number;
}

export interface SettlementCounters {
  /** Financial records not yet settled (dead letters excluded), per asset. */
  unsettled: Record<string, AssetBacklog>;
  unsettledCount: number;
  /** Age of the oldest unsettled financial record by its recorded wall clock, or null. */
  oldestUnsettledAgeMs: number | null;
  oldestUnsettledSeq: number | null;
  /** Records of any kind the acquirer has not accepted yet. */
  pendingUpload: number;
  deadLetters: number;
  settledThrough: number;
}

/**
 * The outbox: a view of the journal records the acquirer does not hold yet, and the batches
 * that carry them. A batch's key and contents are stored before it is first sent; its body is
 * rebuilt byte for byte from the journal on every retry (checked against the stored hash).
 * Every figure that decides money (close totals, backlog) is read from the signed records.
 */
export class Outbox {
  readonly book: SettlementBook;
  private floor = 0;
  private backlog: Backlog | undefined;

  constructor(private readonly journal: Journal) {
    if (!journal.settlement) throw new SettlementError('not_settling', 'this journal has no settlement state (opened read-only before any settlement)');
    this.book = journal.settlement;
    this.floor = this.book.lowestPending() ?? journal.headSeq + 1;
    journal.onAppend((appended) => this.backlog?.add(appended.record));
  }

  get settledThrough(): number {
    return this.book.settledThrough;
  }

  openBatch(): Batch | undefined {
    return this.book.openBatch();
  }

  /**
   * Makes the next upload batch of records up to `bound` (reversals and key rotations first,
   * then seq order) and stores it before anything is sent.
   */
  createUploadBatch(limit: number, bound = Number.MAX_SAFE_INTEGER): { batch: Batch; body: string } | undefined {
    const priority = this.book.priorityPending(this.floor, bound, limit);
    const regular = this.book.pending(this.floor, bound, limit + priority.length).filter((s) => !priority.includes(s));
    if (regular.length > 0) this.floor = Math.min(regular[0]!, priority[0] ?? Infinity);
    const seqs = [...priority, ...regular].slice(0, limit);
    if (seqs.length === 0) return undefined;
    const id = randomUUID();
    const body = this.uploadBody(id, seqs);
    const batch: Batch = { id, kind: 'upload', seqs: toRanges(seqs), from: null, through: null, bodySha256: sha256Hex(body), attempts: 0 };
    this.book.recordBatch(batch);
    return { batch, body };
  }

  /** What settling the records up to `bound` needs next: nothing, a checkpoint to close with, or a close over [from, through]. */
  closePlan(bound = Number.MAX_SAFE_INTEGER): ClosePlan {
    const settled = this.settledThrough;
    const lastFinancial = this.journal.lastFinancialSeq(settled, bound);
    if (lastFinancial === null) return { kind: 'nothing' };
    const lastCheckpoint = this.journal.lastSeqOfKind('checkpoint', settled, bound);
    if (lastCheckpoint === null || lastCheckpoint < lastFinancial) return { kind: 'checkpoint' };
    return { kind: 'close', from: settled + 1, through: lastCheckpoint };
  }

  createCloseBatch(from: number, through: number): { batch: Batch; body: string } {
    const id = randomUUID();
    const body = this.closeBody(id, from, through);
    const batch: Batch = { id, kind: 'close', seqs: [[from, through]], from, through, bodySha256: sha256Hex(body), attempts: 0 };
    this.book.recordBatch(batch);
    return { batch, body };
  }

  /**
   * The exact bytes of a stored batch, rebuilt from the journal. A body that no longer matches
   * its stored hash means the journal changed under a sent batch: an integrity failure, not a
   * network error.
   */
  bodyOf(batch: Batch): string {
    let body: string;
    try {
      body = batch.kind === 'upload' ? this.uploadBody(batch.id, expandRanges(batch.seqs)) : this.closeBody(batch.id, batch.from!, batch.through!);
    } catch (err) {
      if (!(err instanceof LedgerIntegrityError)) throw err;
      throw new SettlementError('integrity_failed', `batch ${batch.id} can no longer be rebuilt byte for byte from the journal: ${err.message}`, { cause: err });
    }
    if (sha256Hex(body) !== batch.bodySha256) {
      throw new SettlementError('integrity_failed', `batch ${batch.id} can no longer be rebuilt byte for byte: the journal changed under it`);
    }
    return body;
  }

  noteFailure(batch: Batch, error: string): void {
    this.book.noteFailure(batch.id, error);
  }

  /** Accepted records become uploaded, rejected ones dead letters, the batch done: one transaction. */
  applyUploadAck(batch: Batch, ack: UploadAck): { accepted: number; rejected: number } {
    this.book.applyUpload(batch.id, ack.accepted, ack.rejected.map((r) => ({ seq: r.seq, reason: `${r.code}: ${r.message}` })), JSON.stringify(ack));
    if (ack.rejected.length > 0) this.backlog = undefined;
    return { accepted: rangeCount(ack.accepted), rejected: ack.rejected.length };
  }

  /** A balanced close: the ack goes into the journal and the range becomes settled, in the journal's own transaction. */
  applyBalancedClose(batch: Batch, ack: CloseAck): number {
    const appended = this.journal.append({ kind: 'settlement_ack', body: { close: batch.id, through: ack.through, ack: ack as unknown as Record<string, unknown> } }, () =>
      this.book.settleInAppend(batch.id, ack.from, ack.through, JSON.stringify(ack)),
    );
    this.backlog = undefined;
    return appended.seq;
  }

  /** Whether any financial record lies in (after, through]. */
  hasFinancialBetween(after: number, through: number): boolean {
    return this.journal.lastFinancialSeq(after, through) !== null;
  }

  /** An unbalanced close: nothing settles; the ranges named go back to the outbox for an itemised upload. */
  applyUnbalancedClose(batch: Batch, ack: CloseAck, requeue: [number, number][]): void {
    this.book.requeue(batch.id, requeue, JSON.stringify(ack));
    for (const [a] of requeue) this.floor = Math.min(this.floor, a);
    this.backlog = undefined;
  }

  counters(now = Date.now()): SettlementCounters {
    const settled = this.settledThrough;
    this.backlog ??= Backlog.read(this.journal, this.book, settled);
    const { unsettled, unsettledCount, oldest } = this.backlog;
    return {
      unsettled: structuredClone(unsettled),
      unsettledCount,
      oldestUnsettledAgeMs: oldest ? Math.max(0, now - oldest.wall) : null,
      oldestUnsettledSeq: oldest?.seq ?? null,
      pendingUpload: this.book.pendingCount(this.floor),
      deadLetters: this.book.deadLetterCount(),
      settledThrough: settled,
    };
  }

  deadLetters(): DeadLetter[] {
    return this.book.deadLetters();
  }

  /** The batch's records from their signed text, each checked against its hash and its link to the one before (a parse and a hash each). */
  private uploadBody(id: string, seqs: readonly number[]): string {
    const texts: string[] = [];
    for (const [a, b] of toRanges(seqs)) readLinked(this.journal, a, b, (_record, text) => void texts.push(text));
    return encodeUploadRequest({ terminal: this.journal.terminalId, batch: id, publicKey: toHex(this.journal.genesisPublicKey) }, texts);
  }

  private closeBody(id: string, from: number, through: number): string {
    const dead = this.book.deadIn(from, through);
    const totals = new KindTotalsBuilder();
    for (const money of this.journal.moneyRecords(from, through)) if (!dead.has(money.seq)) totals.add(money.asset, money.kind, money.amount);
    const checkpoint = this.journal.get(through);
    if (!checkpoint) throw new SettlementError('integrity_failed', `checkpoint ${through} is not in the journal`);
    const previous = from - 1;
    const consistency = previous > 0 ? { from: previous, path: this.journal.consistencyProof(previous, through).map(toHex) } : null;
    return encodeCloseRequest({ terminal: this.journal.terminalId, close: id, from, through, totals: totals.build(), consistency }, checkpoint.text);
  }
}

/** The unsettled financial records per asset, read from their signed text, kept current as records are appended. */
class Backlog {
  readonly unsettled: Record<string, AssetBacklog> = {};
  unsettledCount = 0;
  oldest: { seq: number; wall: number } | undefined;

  static read(journal: Journal, book: SettlementBook, settledThrough: number): Backlog {
    const backlog = new Backlog();
    const dead = book.deadIn(settledThrough + 1, Number.MAX_SAFE_INTEGER);
    for (const money of journal.moneyRecords(settledThrough + 1, Number.MAX_SAFE_INTEGER)) {
      if (!dead.has(money.seq)) backlog.count(money);
    }
    return backlog;
  }

  add(record: SignedRecord): void {
    const money = moneyOf(record);
    if (money) this.count({ seq: record.seq, kind: record.kind as MoneyRecord['kind'], asset: money.asset, amount: money.amount, wall: record.time.wall });
  }

  private count(money: MoneyRecord): void {
    const entry = (this.unsettled[money.asset] ??= { count: 0, net: 0 });
    entry.count++;
    entry.net += money.kind === 'payment' ? money.amount : -money.amount;
    this.unsettledCount++;
    if (!this.oldest) this.oldest = { seq: money.seq, wall: money.wall };
  }
}
