import type Database from 'better-sqlite3';

/**
 * Settlement state lives beside the journal, in the same database, so an acknowledgement and
 * the state it changes are written in one transaction. None of it is a source of truth: it is
 * the outbox view of the journal plus the acquirer's answers.
 */
export function migrateSettlement(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS sync_batches (
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
    CREATE UNIQUE INDEX IF NOT EXISTS sync_one_open_batch ON sync_batches(state) WHERE state = 'open';

    CREATE TABLE IF NOT EXISTS sync_records (
      seq INTEGER PRIMARY KEY,
      state TEXT NOT NULL CHECK (state IN ('uploaded', 'dead', 'settled')),
      batch TEXT NOT NULL,
      reason TEXT
    ) STRICT;

    CREATE TABLE IF NOT EXISTS sync_state (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      settled_through INTEGER NOT NULL,
      lease_owner TEXT,
      lease_until INTEGER
    ) STRICT;
    INSERT OR IGNORE INTO sync_state(id, settled_through) VALUES (1, -1);
  `);
}
