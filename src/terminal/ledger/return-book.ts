import type Database from 'better-sqlite3';

/** One refund or void as the ledger keeps it: indexed fields and the payments layer's snapshot (JSON). */
export interface ReturnRow {
  /** The caller's idempotency key. */
  key: string;
  requestSha256: string;
  kind: 'refund' | 'void';
  /** seq of the payment record returned. */
  of: number;
  state: string;
  final: boolean;
  /** The journal record of a done return. */
  seq: number | null;
  createdAt: number;
  version: number;
  snapshot: string;
}

interface Stored {
  key: string;
  request_sha256: string;
  kind: string;
  of_seq: number;
  state: string;
  final: number;
  seq: number | null;
  created_at: number;
  version: number;
  snapshot: string;
}

/** A write that lost a race: the row moved on since it was read. */
export class StaleReturnError extends Error {}

const COLUMNS = 'key, request_sha256, kind, of_seq, state, final, seq, created_at, version, snapshot';

export function migrateReturns(db: Database.Database): void {
  db.exec(`
    -- Refunds and voids: stored before the acquirer is asked, so a crash or a lost answer is
    -- finished with the same request (its key), never repeated under a new one.
    CREATE TABLE IF NOT EXISTS returns (
      key TEXT PRIMARY KEY,
      request_sha256 TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('refund', 'void')),
      of_seq INTEGER NOT NULL,
      state TEXT NOT NULL,
      final INTEGER NOT NULL CHECK (final IN (0, 1)),
      seq INTEGER UNIQUE,
      created_at INTEGER NOT NULL,
      version INTEGER NOT NULL,
      snapshot TEXT NOT NULL
    ) STRICT;
    CREATE INDEX IF NOT EXISTS returns_open ON returns(created_at) WHERE final = 0;
    CREATE INDEX IF NOT EXISTS returns_of ON returns(of_seq);
  `);
}

export function hasReturnTables(db: Database.Database): boolean {
  return db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'returns'`).get() !== undefined;
}

/** The ledger's refund and void state; only the ledger touches its table. */
export class ReturnBook {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = {
      insert: db.prepare(`INSERT INTO returns(${COLUMNS}) VALUES (@key, @request_sha256, @kind, @of_seq, @state, @final, @seq, @created_at, @version, @snapshot)`),
      update: db.prepare(`UPDATE returns SET state = @state, final = @final, seq = @seq, version = @version, snapshot = @snapshot WHERE key = @key AND version = @version - 1`),
      byKey: db.prepare(`SELECT ${COLUMNS} FROM returns WHERE key = ?`),
      open: db.prepare(`SELECT ${COLUMNS} FROM returns WHERE final = 0 ORDER BY created_at`),
      ofPayment: db.prepare(`SELECT ${COLUMNS} FROM returns WHERE of_seq = ? ORDER BY created_at`),
    };
  }

  insert(row: ReturnRow): void {
    this.stmt.insert.run(toStored(row));
  }

  /** Writes the next version; throws StaleReturnError when the stored version is not row.version - 1. */
  update(row: ReturnRow): void {
    if (this.stmt.update.run(toStored(row)).changes !== 1) throw new StaleReturnError(`return ${row.key} changed under this update`);
  }

  byKey(key: string): ReturnRow | undefined {
    return fromStored(this.stmt.byKey.get(key) as Stored | undefined);
  }

  /** Returns not yet done or refused, oldest first. */
  open(): ReturnRow[] {
    return (this.stmt.open.all() as Stored[]).map((s) => fromStored(s)!);
  }

  ofPayment(seq: number): ReturnRow[] {
    return (this.stmt.ofPayment.all(seq) as Stored[]).map((s) => fromStored(s)!);
  }
}

function toStored(row: ReturnRow): Stored {
  return {
    key: row.key,
    request_sha256: row.requestSha256,
    kind: row.kind,
    of_seq: row.of,
    state: row.state,
    final: row.final ? 1 : 0,
    seq: row.seq,
    created_at: row.createdAt,
    version: row.version,
    snapshot: row.snapshot,
  };
}

function fromStored(s: Stored | undefined): ReturnRow | undefined {
  if (!s) return undefined;
  return {
    key: s.key,
    requestSha256: s.request_sha256,
    kind: s.kind as ReturnRow['kind'],
    of: s.of_seq,
    state: s.state,
    final: s.final === 1,
    seq: s.seq,
    createdAt: s.created_at,
    version: s.version,
    snapshot: s.snapshot,
  };
}
