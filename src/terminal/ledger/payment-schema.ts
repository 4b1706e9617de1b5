import type Database from 'better-sqlite3';

/**
 * Payment state beside the journal, in the same database: a payment's steps are stored before
 * anything is sent, and its success is written in the same transaction as its journal record.
 * The journal stays the only source of money truth; these rows say where each payment stands.
 */
export function migratePayments(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS payments (
      id TEXT PRIMARY KEY,
      idempotency_key TEXT NOT NULL UNIQUE,
      request_sha256 TEXT NOT NULL,
      ref TEXT NOT NULL UNIQUE,
      state TEXT NOT NULL,
      final INTEGER NOT NULL CHECK (final IN (0, 1)),
      created_at INTEGER NOT NULL,
      seq INTEGER UNIQUE,
      offline INTEGER NOT NULL CHECK (offline IN (0, 1)),
      version INTEGER NOT NULL,
      snapshot TEXT NOT NULL
    ) STRICT;
    CREATE INDEX IF NOT EXISTS payments_active ON payments(created_at) WHERE final = 0;
    CREATE INDEX IF NOT EXISTS payments_recent ON payments(created_at);

    -- Payment codes are single use, even when the payment failed: a code is kept by its hash.
    CREATE TABLE IF NOT EXISTS payment_codes (
      code_sha256 TEXT PRIMARY KEY,
      payment_id TEXT NOT NULL,
      at INTEGER NOT NULL
    ) STRICT;

    -- Offline wallet spends this terminal accepted: a (wallet, counter) pair is spent once.
    CREATE TABLE IF NOT EXISTS wallet_spends (
      wallet TEXT NOT NULL,
      counter INTEGER NOT NULL,
      payment_id TEXT NOT NULL,
      seq INTEGER NOT NULL,
      PRIMARY KEY (wallet, counter)
    ) STRICT, WITHOUT ROWID;
  `);
}

export function hasPaymentTables(db: Database.Database): boolean {
  return db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'payments'`).get() !== undefined;
}
