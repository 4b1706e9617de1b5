import type Database from 'better-sqlite3';

/** A batch as stored before its first send; its body is rebuilt from the journal on every retry. */
export interface StoredBatch {
  id: string;
  kind: 'upload' | 'close';
  /** Seqs in the order they are sent (upload) or the range settled (close), as inclusive ranges. */
  seqs: [number, number][];
  from: number | null;
  through: number | null;
  bodySha256: string;
  attempts: number;
}

export interface DeadLetter {
  seq: number;
  reason: string;
}

/** Who holds the claim on the outbox, and until when. */
export interface LeaseRow {
  owner: string | null;
  until: number | null;
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
const NOT_HELD = 'NOT EXISTS (SELECT 1 FROM settlement_records s WHERE s.seq = j.seq)';

/**
 * The ledger's settlement state: which records the acquirer holds, which it refused (dead
 * letters), which are settled, the batches in flight and the single-drainer lease. Only the
 * ledger touches its tables; settlement goes through these methods.
 */
export class SettlementBook {
  private readonly stmt;

  constructor(private readonly db: Database.Database) {
    this.stmt = {
      open: db.prepare(`SELECT id, kind, seqs, from_seq, through, body_sha256, attempts FROM settlement_batches WHERE state = 'open'`),
      priority: db.prepare(`SELECT seq FROM journal j WHERE ${PRIORITY_KINDS} AND seq >= ? AND seq <= ? AND ${NOT_HELD} ORDER BY seq LIMIT ?`).pluck(),
      pending: db.prepare(`SELECT seq FROM journal j WHERE seq >= ? AND seq <= ? AND ${NOT_HELD} ORDER BY seq LIMIT ?`).pluck(),
      pendingCount: db.prepare(`SELECT COUNT(*) FROM journal j WHERE seq >= ? AND ${NOT_HELD}`).pluck(),
      // The journal is gapless from 0, so the lowest record not held is the first gap in the held
      // seqs: found in settlement_records' small rows, not by reading every journal row.
      firstGap: db.prepare(
        `SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM settlement_records WHERE seq = 0) THEN 0
           ELSE (SELECT r.seq + 1 FROM settlement_records r WHERE NOT EXISTS (SELECT 1 FROM settlement_records n WHERE n.seq = r.seq + 1) ORDER BY r.seq LIMIT 1) END`,
      ).pluck(),
      headSeq: db.prepare('SELECT MAX(seq) FROM journal').pluck(),
      heldSpan: db.prepare('SELECT COUNT(*) AS count, MAX(seq) AS max FROM settlement_records'),
      insertBatch: db.prepare(
        `INSERT INTO settlement_batches(id, kind, created_at, seqs, from_seq, through, body_sha256, state) VALUES (?, ?, ?, ?, ?, ?, ?, 'open')`,
      ),
      finishBatch: db.prepare(`UPDATE settlement_batches SET state = 'done', ack = ? WHERE id = ? AND state = 'open'`),
      failBatch: db.prepare(`UPDATE settlement_batches SET attempts = attempts + 1, last_error = ? WHERE id = ?`),
      markRecord: db.prepare(
        `INSERT INTO settlement_records(seq, state, batch, reason) VALUES (?, ?, ?, ?) ON CONFLICT(seq) DO UPDATE SET state = excluded.state, batch = excluded.batch, reason = excluded.reason`,
      ),
      settleRange: db.prepare(`UPDATE settlement_records SET state = 'settled', batch = ? WHERE seq >= ? AND seq <= ? AND state = 'uploaded'`),
      requeueRange: db.prepare(`DELETE FROM settlement_records WHERE seq >= ? AND seq <= ? AND state != 'settled'`),
      settledThrough: db.prepare('SELECT settled_through FROM settlement_state WHERE id = 1').pluck(),
      setSettledThrough: db.prepare('UPDATE settlement_state SET settled_through = ? WHERE id = 1'),
      anyBatch: db.prepare('SELECT 1 FROM settlement_batches LIMIT 1').pluck(),
      deadCount: db.prepare(`SELECT COUNT(*) FROM settlement_records WHERE state = 'dead'`).pluck(),
      dead: db.prepare(`SELECT seq, reason FROM settlement_records WHERE state = 'dead' ORDER BY seq`),
      highestHeld: db.prepare(`SELECT MAX(seq) FROM settlement_records`).pluck(),
      deadIn: db.prepare(`SELECT seq FROM settlement_records WHERE state = 'dead' AND seq >= ? AND seq <= ?`).pluck(),
      lease: db.prepare('SELECT lease_owner AS owner, lease_until AS until FROM settlement_state WHERE id = 1'),
      setLease: db.prepare('UPDATE settlement_state SET lease_owner = ?, lease_until = ? WHERE id = 1'),
    };
  }

  get settledThrough(): number {
    return this.stmt.settledThrough.get() as number;
  }

  /** Whether any batch was ever made: settlement was attempted at least once. */
  get attempted(): boolean {
    return this.stmt.anyBatch.get() !== undefined;
  }

  openBatch(): StoredBatch | undefined {
    const row = this.stmt.open.get() as BatchRow | undefined;
    return row && toBatch(row);
  }

  /** Reversals and key rotations in [from, bound] the acquirer does not hold yet, in seq order. */
  priorityPending(from: number, bound: number, limit: number): number[] {
    return this.stmt.priority.all(from, bound, limit) as number[];
  }

  /** Records of any kind in [from, bound] the acquirer does not hold yet, in seq order. */
  pending(from: number, bound: number, limit: number): number[] {
    return this.stmt.pending.all(from, bound, limit) as number[];
  }

  pendingCount(from: number): number {
    return this.stmt.pendingCount.get(from) as number;
  }

  /** The lowest seq the acquirer does not hold, or null when it holds every record. */
  lowestPending(): number | null {
    const head = this.stmt.headSeq.get() as number | null;
    // Usually the held seqs are exactly 0..max (a count is cheap in SQLite, a gap search is not).
    const held = this.stmt.heldSpan.get() as { count: number; max: number | null };
    const gap = held.max === null ? 0 : held.count === held.max + 1 ? held.max + 1 : (this.stmt.firstGap.get() as number | null);
    return head === null || gap === null || gap > head ? null : gap;
  }

  /** Stores a batch before it is first sent: from here on it goes again, with the same key, until answered. */
  recordBatch(batch: Omit<StoredBatch, 'attempts'>, now = Date.now()): void {
    this.stmt.insertBatch.run(batch.id, batch.kind, now, JSON.stringify(batch.seqs), batch.from, batch.through, batch.bodySha256);
  }

  noteFailure(batchId: string, error: string): void {
    this.stmt.failBatch.run(error.slice(0, 500), batchId);
  }

  /** Accepted records become uploaded, rejected ones dead letters, the batch done: one transaction. */
  applyUpload(batchId: string, accepted: readonly [number, number][], rejected: readonly DeadLetter[], ackJson: string): void {
    this.db
      .transaction(() => {
        for (const [a, b] of accepted) for (let seq = a; seq <= b; seq++) this.stmt.markRecord.run(seq, 'uploaded', batchId, null);
        for (const r of rejected) this.stmt.markRecord.run(r.seq, 'dead', batchId, r.reason);
        this.stmt.finishBatch.run(ackJson, batchId);
      })
      .immediate();
  }

  /**
   * Marks [from, through] settled and the batch done. Call it inside the journal append that
   * records the settlement ack, so the ack and the state it changes commit together.
   */
  settleInAppend(batchId: string, from: number, through: number, ackJson: string): void {
    this.stmt.settleRange.run(batchId, from, through);
    this.stmt.setSettledThrough.run(through);
    this.stmt.finishBatch.run(ackJson, batchId);
  }

  /** An unbalanced close: nothing settles; the ranges named go back to the outbox. One transaction. */
  requeue(batchId: string, ranges: readonly [number, number][], ackJson: string): void {
    this.db
      .transaction(() => {
        for (const [a, b] of ranges) this.stmt.requeueRange.run(a, b);
        this.stmt.finishBatch.run(ackJson, batchId);
      })
      .immediate();
  }

  /** The highest seq the acquirer holds (uploaded, settled or refused), or null. */
  highestHeld(): number | null {
    return this.stmt.highestHeld.get() as number | null;
  }

  deadLetterCount(): number {
    return this.stmt.deadCount.get() as number;
  }

  deadLetters(): DeadLetter[] {
    return this.stmt.dead.all() as DeadLetter[];
  }

  /** Dead letters in [from, through] (there are few: they are refused records). */
  deadIn(from: number, through: number): Set<number> {
    return new Set(this.stmt.deadIn.all(from, through) as number[]);
  }

  /**
   * Takes the lease in one transaction if `isFree` says the current holder's claim lapsed.
   * Returns whether this owner now holds it.
   */
  claimLease(owner: string, until: number, isFree: (held: LeaseRow) => boolean): boolean {
    return this.db
      .transaction(() => {
        const held = this.stmt.lease.get() as LeaseRow;
        if (held.owner !== owner && held.owner !== null && !isFree(held)) return false;
        this.stmt.setLease.run(owner, until);
        return true;
      })
      .immediate();
  }

  renewLease(owner: string, until: number): void {
    this.stmt.setLease.run(owner, until);
  }

  releaseLease(owner: string): void {
    const held = this.stmt.lease.get() as LeaseRow;
    if (held.owner === owner) this.stmt.setLease.run(null, null);
  }
}

function toBatch(row: BatchRow): StoredBatch {
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
