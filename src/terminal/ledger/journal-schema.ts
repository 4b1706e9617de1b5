import type Database from 'better-sqlite3';

export const SCHEMA_VERSION = 1;

/**
 * The journal table is append-only (triggers refuse UPDATE and DELETE) and gapless (a trigger
 * refuses any seq but max + 1). `record` is the canonical signed text; the other columns are
 * derived from it for queries and never trusted over it.
 */
export function migrate(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS meta (
      name TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) STRICT;

    CREATE TABLE IF NOT EXISTS journal (
      seq INTEGER PRIMARY KEY,
      kind TEXT NOT NULL,
      asset TEXT,
      amount INTEGER,
      ref_of INTEGER,
      hash BLOB NOT NULL CHECK (length(hash) = 32),
      record TEXT NOT NULL
    ) STRICT;

    CREATE INDEX IF NOT EXISTS journal_returns ON journal(ref_of) WHERE ref_of IS NOT NULL;
    CREATE INDEX IF NOT EXISTS journal_priority ON journal(seq) WHERE kind IN ('reversal', 'key_rotation');
    CREATE INDEX IF NOT EXISTS journal_day_close ON journal(seq) WHERE kind = 'day_close';

    CREATE TRIGGER IF NOT EXISTS journal_no_update BEFORE UPDATE ON journal
      BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END;
    CREATE TRIGGER IF NOT EXISTS journal_no_delete BEFORE DELETE ON journal
      BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END;
    CREATE TRIGGER IF NOT EXISTS journal_gapless BEFORE INSERT ON journal
      WHEN NEW.seq IS NOT (SELECT COALESCE(MAX(seq), -1) + 1 FROM journal)
      BEGIN SELECT RAISE(ABORT, 'journal seq must be gapless'); END;

    -- The Merkle frontier (right edge) at each checkpoint: a cache, rebuilt from the journal if
    -- lost. Consistency proofs take the old tree's nodes from it.
    CREATE TABLE IF NOT EXISTS merkle_frontiers (
      size INTEGER PRIMARY KEY,
      frontier TEXT NOT NULL
    ) STRICT;
  `);
  const legacyFrontier = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'merkle_state'`).get();
  if (legacyFrontier) {
    db.exec(`INSERT OR IGNORE INTO merkle_frontiers(size, frontier) SELECT size, frontier FROM merkle_state; DROP TABLE merkle_state;`);
  }
  const row = db.prepare(`SELECT value FROM meta WHERE name = 'schema'`).get() as { value: string } | undefined;
  if (!row) db.prepare(`INSERT INTO meta(name, value) VALUES ('schema', ?)`).run(String(SCHEMA_VERSION));
}

/** Durability the journal's promise rests on: WAL, fsync at every commit. */
export function configureDurable(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
}
