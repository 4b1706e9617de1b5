import type Database from 'better-sqlite3';

/** One payment as the ledger stores it: indexed fields plus the payments layer's snapshot (JSON). */
export interface PaymentRow {
  id: string;
  idempotencyKey: string;
  requestSha256: string;
  ref: string;
  state: string;
  final: boolean;
  createdAt: number;
  seq: number | null;
  /** Approved offline: at risk until settled. */
  offline: boolean;
  version: number;
  snapshot: string;
}

interface Stored {
  id: string;
  idempotency_key: string;
  request_sha256: string;
  ref: string;
  state: string;
  final: number;
  created_at: number;
  seq: number | null;
  offline: number;
  version: number;
  snapshot: string;
}

/** A write that lost a race: the row moved on (another version) since it was read. */
export class StalePaymentError extends Error {}

const COLUMNS = 'id, idempotency_key, request_sha256, ref, state, final, created_at, seq, offline, version, snapshot';

/**
 * States written without waiting for the disk (synchronous=NORMAL): nothing has left the terminal
 * yet and no money moved, so losing them to a power cut loses nothing. They reach the disk, in
 * order, with the next durable commit: the one that marks a payment `authorizing` before its
 * request is sent, or the journal append. Every other state (and the journal) waits for fsync.
 */
const LAZY_STATES: ReadonlySet<string> = new Set(['created', 'waiting_for_customer']);

/**
 * The ledger's payment state: where each payment stands, single-use payment codes and the
 * offline wallet spends taken here. Only the ledger touches its tables.
 */
export class PaymentBook {
  private readonly stmt;

  constructor(private readonly db: Database.Database) {
    this.stmt = {
      insert: db.prepare(`INSERT INTO payments(${COLUMNS}) VALUES (@id, @idempotency_key, @request_sha256, @ref, @state, @final, @created_at, @seq, @offline, @version, @snapshot)`),
      update: db.prepare(
        `UPDATE payments SET state = @state, final = @final, seq = @seq, offline = @offline, version = @version, snapshot = @snapshot WHERE id = @id AND version = @version - 1`,
      ),
      byId: db.prepare(`SELECT ${COLUMNS} FROM payments WHERE id = ?`),
      byKey: db.prepare(`SELECT ${COLUMNS} FROM payments WHERE idempotency_key = ?`),
      bySeq: db.prepare(`SELECT ${COLUMNS} FROM payments WHERE seq = ?`),
      latest: db.prepare(`SELECT ${COLUMNS} FROM payments ORDER BY created_at DESC, rowid DESC LIMIT 1`),
      active: db.prepare(`SELECT ${COLUMNS} FROM payments WHERE final = 0 ORDER BY created_at`),
      recent: db.prepare(`SELECT ${COLUMNS} FROM payments WHERE created_at >= ? ORDER BY created_at DESC LIMIT ?`),
      useCode: db.prepare(`INSERT OR IGNORE INTO payment_codes(code_sha256, payment_id, at) VALUES (?, ?, ?)`),
      spend: db.prepare(`INSERT INTO wallet_spends(wallet, counter, payment_id, seq) VALUES (?, ?, ?, ?)`),
      spent: db.prepare(`SELECT payment_id AS paymentId, seq FROM wallet_spends WHERE wallet = ? AND counter = ?`),
      offlineAfter: db.prepare(`SELECT seq, snapshot FROM payments WHERE offline = 1 AND state = 'succeeded' AND seq > ? ORDER BY seq`),
      highestSeq: db.prepare(`SELECT MAX(seq) FROM payments`).pluck(),
      highest: db.prepare(`SELECT MAX(counter) FROM wallet_spends WHERE wallet = ?`).pluck(),
      // Prepared once: db.pragma() compiles its statement on every call.
      lazySync: db.prepare('PRAGMA synchronous = NORMAL'),
      fullSync: db.prepare('PRAGMA synchronous = FULL'),
    };
  }

  insert(row: PaymentRow): void {
    this.write(LAZY_STATES.has(row.state), () => this.stmt.insert.run(toStored(row)));
  }

  /** Writes the next version of a payment; throws StalePaymentError when the stored version is not row.version - 1. */
  update(row: PaymentRow): void {
    const changes = this.write(LAZY_STATES.has(row.state), () => this.stmt.update.run(toStored(row)).changes);
    if (changes !== 1) throw new StalePaymentError(`payment ${row.id} changed under this update`);
  }

  /**
   * Runs `steps` (writes of lazy states only, e.g. a payment's `created` and `waiting_for_customer`)
   * as one commit without fsync: one write to the WAL instead of one per state. What it writes
   * loses nothing that matters to a crash, as for any lazy state; a durable write inside it would
   * lose its fsync, so none may be made there. Inside another transaction, that one decides.
   */
  lazily<T>(steps: () => T): T {
    return this.write(true, () => (this.db.inTransaction ? steps() : this.db.transaction(steps)()));
  }

  /** Inside a transaction the transaction's commit decides; outside, a lazy write commits without fsync. */
  private write<T>(lazy: boolean, run: () => T): T {
    if (!lazy || this.db.inTransaction) return run();
    this.stmt.lazySync.run();
    try {
      return run();
    } finally {
      this.stmt.fullSync.run();
    }
  }

  byId(id: string): PaymentRow | undefined {
    return fromStored(this.stmt.byId.get(id) as Stored | undefined);
  }

  byKey(key: string): PaymentRow | undefined {
    return fromStored(this.stmt.byKey.get(key) as Stored | undefined);
  }

  bySeq(seq: number): PaymentRow | undefined {
    return fromStored(this.stmt.bySeq.get(seq) as Stored | undefined);
  }

  latest(): PaymentRow | undefined {
    return fromStored(this.stmt.latest.get() as Stored | undefined);
  }

  /** Payments not in a final state, oldest first. */
  active(): PaymentRow[] {
    return (this.stmt.active.all() as Stored[]).map((s) => fromStored(s)!);
  }

  recent(since: number, limit: number): PaymentRow[] {
    return (this.stmt.recent.all(since, Math.max(1, Math.min(limit, 1000))) as Stored[]).map((s) => fromStored(s)!);
  }

  /** Succeeded offline payments journaled after `seq` (the ones not yet settled when `seq` is the settled point). */
  offlineAfter(seq: number): { seq: number; snapshot: string }[] {
    return this.stmt.offlineAfter.all(seq) as { seq: number; snapshot: string }[];
  }

  /** The highest journal seq a payment row names, or null. */
  highestSeq(): number | null {
    return this.stmt.highestSeq.get() as number | null;
  }

  /**
   * Records a payment code's use; false when it was used before (codes are single use). Written
   * lazily: the code leaves the terminal only after the durable `authorizing` commit, which
   * carries this row to disk with it.
   */
  useCode(codeSha256: string, paymentId: string, at: number): boolean {
    return this.write(true, () => this.stmt.useCode.run(codeSha256, paymentId, at).changes === 1);
  }

  /** Records an offline wallet spend; call it inside the journal append of the payment. Throws on a spent pair. */
  recordWalletSpend(wallet: string, counter: number, paymentId: string, seq: number): void {
    this.stmt.spend.run(wallet, counter, paymentId, seq);
  }

  walletSpend(wallet: string, counter: number): { paymentId: string; seq: number } | undefined {
    return this.stmt.spent.get(wallet, counter) as { paymentId: string; seq: number } | undefined;
  }

  highestWalletCounter(wallet: string): number | null {
    return this.stmt.highest.get(wallet) as number | null;
  }
}

function toStored(row: PaymentRow): Stored {
  return {
    id: row.id,
    idempotency_key: row.idempotencyKey,
    request_sha256: row.requestSha256,
    ref: row.ref,
    state: row.state,
    final: row.final ? 1 : 0,
    created_at: row.createdAt,
    seq: row.seq,
    offline: row.offline ? 1 : 0,
    version: row.version,
    snapshot: row.snapshot,
  };
}

function fromStored(s: Stored | undefined): PaymentRow | undefined {
  if (!s) return undefined;
  return {
    id: s.id,
    idempotencyKey: s.idempotency_key,
    requestSha256: s.request_sha256,
    ref: s.ref,
    state: s.state,
    final: s.final === 1,
    createdAt: s.created_at,
    seq: s.seq,
    offline: s.offline === 1,
    version: s.version,
    snapshot: s.snapshot,
  };
}
