import { randomUUID } from 'node:crypto';
import { canonicalJson } from '../encoding/canonical-json.js';
import { toHex } from '../encoding/hex.js';
import { sha256Hex } from '../crypto/sha256.js';
import { KindTotalsBuilder } from '../protocol/kind-totals.js';
import type { SignedRecord } from '../protocol/record.js';
import { expandRanges, rangeCount, toRanges, type CloseAck, type UploadAck } from '../protocol/settlement.js';
import type { Journal } from '../terminal/journal/journal.js';
import { migrateSettlement } from './schema.js';

export interface Batch {
  id: string;
  kind: 'upload' | 'close';
  /** Seqs in the order they are sent (upload) or the range settled (close). */
  seqs: [number, number][];
  from: number | null;
  through: number | null;
  bodySha256: string;
  attempts: number;
}

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

interface BatchRow {
  id: string;
  kind: 'upload' | 'close';
  seqs: string;
  from_seq: number | null;
  through: number | null;
  body_sha256: string;
  attempts: number;
}

const PRIORITY_KINDS = `kind IN ('reversal', 'key_rotation')`;

/**
 * The outbox: a view of the journal records the acquirer does not hold yet, and the batches
 * that carry them. A batch's key and contents are stored before it is first sent; its body is
 * rebuilt byte for byte from the journal on every retry (checked against the stored hash).
 */
export class Outbox {
  private readonly stmt;
  private floor = 0;
  private countersCache: { at: number; value: SettlementCounters } | undefined;

  constructor(private readonly journal: Journal) {
    const db = journal.db;
    if (!db.readonly) migrateSettlement(db);
    this.stmt = {
      open: db.prepare(`SELECT id, kind, seqs, from_seq, through, body_sha256, attempts FROM sync_batches WHERE state = 'open'`),
      priority: db
        .prepare(`SELECT seq FROM journal j WHERE ${PRIORITY_KINDS} AND seq >= ? AND seq <= ? AND NOT EXISTS (SELECT 1 FROM sync_records s WHERE s.seq = j.seq) ORDER BY seq LIMIT ?`)
        .pluck(),
      pending: db
        .prepare(`SELECT seq FROM journal j WHERE seq >= ? AND seq <= ? AND NOT EXISTS (SELECT 1 FROM sync_records s WHERE s.seq = j.seq) ORDER BY seq LIMIT ?`)
        .pluck(),
      pendingCount: db.prepare(`SELECT COUNT(*) FROM journal j WHERE seq >= ? AND NOT EXISTS (SELECT 1 FROM sync_records s WHERE s.seq = j.seq)`).pluck(),
      record: db.prepare('SELECT record FROM journal WHERE seq = ?').pluck(),
      range: db.prepare('SELECT seq, record FROM journal WHERE seq >= ? AND seq <= ? ORDER BY seq'),
      insertBatch: db.prepare(
        `INSERT INTO sync_batches(id, kind, created_at, seqs, from_seq, through, body_sha256, state) VALUES (?, ?, ?, ?, ?, ?, ?, 'open')`,
      ),
      finishBatch: db.prepare(`UPDATE sync_batches SET state = 'done', ack = ? WHERE id = ? AND state = 'open'`),
      failBatch: db.prepare(`UPDATE sync_batches SET attempts = attempts + 1, last_error = ? WHERE id = ?`),
      markRecord: db.prepare(`INSERT INTO sync_records(seq, state, batch, reason) VALUES (?, ?, ?, ?) ON CONFLICT(seq) DO UPDATE SET state = excluded.state, batch = excluded.batch, reason = excluded.reason`),
      settleRange: db.prepare(`UPDATE sync_records SET state = 'settled', batch = ? WHERE seq >= ? AND seq <= ? AND state = 'uploaded'`),
      requeueRange: db.prepare(`DELETE FROM sync_records WHERE seq >= ? AND seq <= ? AND state != 'settled'`),
      settledThrough: db.prepare('SELECT settled_through FROM sync_state WHERE id = 1').pluck(),
      setSettledThrough: db.prepare('UPDATE sync_state SET settled_through = ? WHERE id = 1'),
      lastFinancial: db.prepare(`SELECT MAX(seq) FROM journal WHERE seq > ? AND seq <= ? AND asset IS NOT NULL`).pluck(),
      lastCheckpoint: db.prepare(`SELECT MAX(seq) FROM journal WHERE seq > ? AND seq <= ? AND kind = 'checkpoint'`).pluck(),
      closeTotals: db.prepare(
        `SELECT j.kind, j.asset, j.amount FROM journal j LEFT JOIN sync_records s ON s.seq = j.seq WHERE j.seq >= ? AND j.seq <= ? AND j.asset IS NOT NULL AND (s.state IS NULL OR s.state != 'dead')`,
      ),
      backlog: db.prepare(
        `SELECT j.asset AS asset, COUNT(*) AS count, SUM(CASE WHEN j.kind = 'payment' THEN j.amount ELSE -j.amount END) AS net, MIN(j.seq) AS oldest
         FROM journal j LEFT JOIN sync_records s ON s.seq = j.seq
         WHERE j.seq > ? AND j.asset IS NOT NULL AND (s.state IS NULL OR s.state != 'dead') GROUP BY j.asset`,
      ),
      deadCount: db.prepare(`SELECT COUNT(*) FROM sync_records WHERE state = 'dead'`).pluck(),
      dead: db.prepare(`SELECT seq, reason FROM sync_records WHERE state = 'dead' ORDER BY seq`),
      minPending: db.prepare(`SELECT MIN(seq) FROM journal j WHERE NOT EXISTS (SELECT 1 FROM sync_records s WHERE s.seq = j.seq)`).pluck(),
    };
    this.floor = (this.stmt.minPending.get() as number | null) ?? journal.headSeq + 1;
    journal.onAppend(() => {
      this.countersCache = undefined;
    });
  }

  get settledThrough(): number {
    return this.stmt.settledThrough.get() as number;
  }

  openBatch(): Batch | undefined {
    const row = this.stmt.open.get() as BatchRow | undefined;
    return row && toBatch(row);
  }

  /**
   * Makes the next upload batch of records up to `bound` (reversals and key rotations first,
   * then seq order) and stores it before anything is sent.
   */
  createUploadBatch(limit: number, bound = Number.MAX_SAFE_INTEGER): { batch: Batch; body: string } | undefined {
    const priority = this.stmt.priority.all(this.floor, bound, limit) as number[];
    const regular = (this.stmt.pending.all(this.floor, bound, limit + priority.length) as number[]).filter((s) => !priority.includes(s));
    if (regular.length > 0) this.floor = Math.min(regular[0]!, priority[0] ?? Infinity);
    const seqs = [...priority, ...regular].slice(0, limit);
    if (seqs.length === 0) return undefined;
    const id = randomUUID();
    const body = this.uploadBody(id, seqs);
    const ranges = toRanges(seqs);
    const bodySha256 = sha256Hex(body);
    this.stmt.insertBatch.run(id, 'upload', Date.now(), JSON.stringify(ranges), null, null, bodySha256);
    return { batch: { id, kind: 'upload', seqs: ranges, from: null, through: null, bodySha256, attempts: 0 }, body };
  }

  /** What settling the records up to `bound` needs next: nothing, a checkpoint to close with, or a close over [from, through]. */
  closePlan(bound = Number.MAX_SAFE_INTEGER): ClosePlan {
    const settled = this.settledThrough;
    const lastFinancial = this.stmt.lastFinancial.get(settled, bound) as number | null;
    if (lastFinancial === null) return { kind: 'nothing' };
    const lastCheckpoint = this.stmt.lastCheckpoint.get(settled, bound) as number | null;
    if (lastCheckpoint === null || lastCheckpoint < lastFinancial) return { kind: 'checkpoint' };
    return { kind: 'close', from: settled + 1, through: lastCheckpoint };
  }

  createCloseBatch(from: number, through: number): { batch: Batch; body: string } {
    const id = randomUUID();
    const body = this.closeBody(id, from, through);
    const bodySha256 = sha256Hex(body);
    this.stmt.insertBatch.run(id, 'close', Date.now(), JSON.stringify([[from, through]]), from, through, bodySha256);
    return { batch: { id, kind: 'close', seqs: [[from, through]], from, through, bodySha256, attempts: 0 }, body };
  }

  /** The exact bytes of a stored batch, rebuilt from the journal. */
  bodyOf(batch: Batch): string {
    const body =
      batch.kind === 'upload' ? this.uploadBody(batch.id, expandRanges(batch.seqs)) : this.closeBody(batch.id, batch.from!, batch.through!);
    if (sha256Hex(body) !== batch.bodySha256) throw new Error(`batch ${batch.id} can no longer be rebuilt byte for byte: the journal changed under it`);
    return body;
  }

  noteFailure(batch: Batch, error: string): void {
    this.stmt.failBatch.run(error.slice(0, 500), batch.id);
  }

  /** Accepted records become uploaded, rejected ones dead letters, the batch done: one transaction. */
  applyUploadAck(batch: Batch, ack: UploadAck): { accepted: number; rejected: number } {
    const tx = this.journal.db.transaction(() => {
      for (const [a, b] of ack.accepted) for (let seq = a; seq <= b; seq++) this.stmt.markRecord.run(seq, 'uploaded', batch.id, null);
      for (const r of ack.rejected) this.stmt.markRecord.run(r.seq, 'dead', batch.id, `${r.code}: ${r.message}`);
      this.stmt.finishBatch.run(JSON.stringify(ack), batch.id);
    });
    tx.immediate();
    this.countersCache = undefined;
    return { accepted: rangeCount(ack.accepted), rejected: ack.rejected.length };
  }

  /** A balanced close: the ack goes into the journal and the range becomes settled, in the journal's own transaction. */
  applyBalancedClose(batch: Batch, ack: CloseAck): number {
    const appended = this.journal.append({ kind: 'settlement_ack', body: { close: batch.id, through: ack.through, ack: ack as unknown as Record<string, unknown> } }, () => {
      this.stmt.settleRange.run(batch.id, ack.from, ack.through);
      this.stmt.setSettledThrough.run(ack.through);
      this.stmt.finishBatch.run(JSON.stringify(ack), batch.id);
    });
    this.countersCache = undefined;
    return appended.seq;
  }

  /** Whether any financial record lies in (after, through]. */
  hasFinancialBetween(after: number, through: number): boolean {
    return this.stmt.lastFinancial.get(after, through) !== null;
  }

  /** An unbalanced close: nothing settles; the ranges named go back to the outbox for an itemised upload. */
  applyUnbalancedClose(batch: Batch, ack: CloseAck, requeue: [number, number][]): void {
    const tx = this.journal.db.transaction(() => {
      for (const [a, b] of requeue) this.stmt.requeueRange.run(a, b);
      this.stmt.finishBatch.run(JSON.stringify(ack), batch.id);
    });
    tx.immediate();
    for (const [a] of requeue) this.floor = Math.min(this.floor, a);
    this.countersCache = undefined;
  }

  counters(now = Date.now()): SettlementCounters {
    if (this.countersCache && this.countersCache.at === this.journal.headSeq) return this.withAge(this.countersCache.value, now);
    const settled = this.settledThrough;
    const unsettled: Record<string, AssetBacklog> = {};
    let unsettledCount = 0;
    let oldest: number | null = null;
    for (const row of this.stmt.backlog.all(settled) as { asset: string; count: number; net: number; oldest: number }[]) {
      unsettled[row.asset] = { count: row.count, net: row.net };
      unsettledCount += row.count;
      oldest = oldest === null ? row.oldest : Math.min(oldest, row.oldest);
    }
    const value: SettlementCounters = {
      unsettled,
      unsettledCount,
      oldestUnsettledAgeMs: null,
      oldestUnsettledSeq: oldest,
      pendingUpload: this.stmt.pendingCount.get(this.floor) as number,
      deadLetters: this.stmt.deadCount.get() as number,
      settledThrough: settled,
    };
    this.countersCache = { at: this.journal.headSeq, value };
    return this.withAge(value, now);
  }

  deadLetters(): { seq: number; reason: string }[] {
    return this.stmt.dead.all() as { seq: number; reason: string }[];
  }

  private withAge(value: SettlementCounters, now: number): SettlementCounters {
    if (value.oldestUnsettledSeq === null) return value;
    const text = this.stmt.record.get(value.oldestUnsettledSeq) as string;
    const wall = (JSON.parse(text) as SignedRecord).time.wall;
    return { ...value, oldestUnsettledAgeMs: Math.max(0, now - wall) };
  }

  private uploadBody(id: string, seqs: readonly number[]): string {
    let records = '';
    for (const [a, b] of toRanges(seqs)) {
      let expected = a;
      for (const row of this.stmt.range.iterate(a, b) as IterableIterator<{ seq: number; record: string }>) {
        if (row.seq !== expected) break;
        records += (records ? ',' : '') + row.record;
        expected++;
      }
      if (expected !== b + 1) throw new Error(`record ${expected} is not in the journal`);
    }
    // Canonical JSON of { v, terminal, batch, publicKey, records }: members in sorted order.
    return `{"batch":${JSON.stringify(id)},"publicKey":"${toHex(this.journal.genesisPublicKey)}","records":[${records}],"terminal":"${this.journal.terminalId}","v":1}`;
  }

  private closeBody(id: string, from: number, through: number): string {
    const totals = new KindTotalsBuilder();
    for (const row of this.stmt.closeTotals.iterate(from, through) as IterableIterator<{ kind: string; asset: string; amount: number }>) totals.add(row.asset, row.kind, row.amount);
    const checkpoint = this.stmt.record.get(through) as string;
    return `{"checkpoint":${checkpoint},"close":${JSON.stringify(id)},"from":${from},"terminal":"${this.journal.terminalId}","through":${through},"totals":${canonicalJson(totals.build())},"v":1}`;
  }
}

function toBatch(row: BatchRow): Batch {
  return {
    id: row.id,
    kind: row.kind,
    seqs: JSON.parse(row.seqs) as [number, number][],
    from: row.from_seq,
    through: row.through,
    bodySha256: row.body_sha256,
    attempts: row.attempts,
  };
}
