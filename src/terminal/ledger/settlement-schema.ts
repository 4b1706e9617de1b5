import type Database from 'better-sqlite3';

/**
 * Settlement state lives beside the journal, in the same database, so an acknowledgement and
 * the state it changes are written in one transaction. None of it is a source of truth: it is
 * the outbox view of the journal plus the acquirer's answers.
 */
export function migrateSettlement(db: Database.Database): void {
  renameLegacyTables(db);
  db.exec(`
    CREATE TABLE IF NOT EXISTS settlement_batches (
      id TEXT PRIMARY KEY,
      kind TEXT NOT NULL CHECK (kind IN ('upload', 'close')),
      created_at INTEGER NOT NULL,
      seqs TEXT NOT NULL,
      from_seq INTEGER,
      through INTEGER,
      body_sha256 TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('open', 'done')),
      attempts INTEGER NOT NULL DEFAULT 0,
      last_error TEXT,
      ack TEXT
    ) STRICT;
    -- One batch in flight at a time: the same batch goes again, with the same key, until answered.
    CREATE UNIQUE INDEX IF NOT EXISTS settlement_one_open_batch ON settlement_batches(state) WHERE state = 'open';

    CREATE TABLE IF NOT EXISTS settlement_records (
      seq INTEGER PRIMARY KEY,
      state TEXT NOT NULL CHECK (state IN ('uploaded', 'dead', 'settled')),
      batch TEXT NOT NULL,
      reason TEXT
    ) STRICT;

    CREATE TABLE IF NOT EXISTS settlement_state (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      settled_through INTEGER NOT NULL,
      lease_owner TEXT,
      lease_until INTEGER
    ) STRICT;
    INSERT OR IGNORE INTO settlement_state(id, settled_through) VALUES (1, -1);
    -- Dead letters are few among a million held records: counted and listed without a scan.
    CREATE INDEX IF NOT EXISTS settlement_dead ON settlement_records(seq) WHERE state = 'dead';
  `);
}

/** Journals made before the rename kept their settlement state in sync_* tables. */
function renameLegacyTables(db: Database.Database): void {
  const legacy = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sync_state'`).get();
  if (!legacy) return;
  db.transaction(() => {
    db.exec(`
      DROP INDEX IF EXISTS sync_one_open_batch;
      ALTER TABLE sync_batches RENAME TO settlement_batches;
      ALTER TABLE sync_records RENAME TO settlement_records;
      ALTER TABLE sync_state RENAME TO settlement_state;
    `);
  }).immediate();
}

/** Whether a database (opened read-only, so not migrated) has settlement state at all. */
export function hasSettlementTables(db: Database.Database): boolean {
  return db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'settlement_state'`).get() !== undefined;
}
