import Database from 'better-sqlite3';

export interface HeldRecord {
  seq: number;
  hash: Buffer;
  prev: Buffer;
  kind: string;
  asset: string | null;
  amount: number | null;
  status: 'accepted' | 'rejected';
  reason: string | null;
}

/**
 * The acquirer's own durable store: terminals, their keys, every record received, settlements,
 * idempotent answers; and the fleet: enrolment codes and nonces, enrolled terminals with their
 * settings and current profile, key endorsements and revocations, releases.
 */
export function openAcquirerStore(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`
    CREATE TABLE IF NOT EXISTS terminals (
      id TEXT PRIMARY KEY,
      genesis_key TEXT NOT NULL,
      registered_at INTEGER NOT NULL,
      settled_through INTEGER NOT NULL DEFAULT -1,
      frontier TEXT NOT NULL DEFAULT '{"size":0,"stack":[]}'
    ) STRICT;
    CREATE TABLE IF NOT EXISTS keys (
      terminal TEXT NOT NULL,
      key_id TEXT NOT NULL,
      public_key TEXT NOT NULL,
      from_seq INTEGER NOT NULL,
      to_seq INTEGER,
      PRIMARY KEY (terminal, key_id)
    ) STRICT;
    CREATE TABLE IF NOT EXISTS records (
      terminal TEXT NOT NULL,
      seq INTEGER NOT NULL,
      hash BLOB NOT NULL,
      prev BLOB NOT NULL,
      kind TEXT NOT NULL,
      asset TEXT,
      amount INTEGER,
      status TEXT NOT NULL CHECK (status IN ('accepted', 'rejected')),
      reason TEXT,
      record TEXT NOT NULL,
      received_at INTEGER NOT NULL,
      PRIMARY KEY (terminal, seq)
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS wallet_spends (
      wallet TEXT NOT NULL,
      counter INTEGER NOT NULL,
      terminal TEXT NOT NULL,
      seq INTEGER NOT NULL,
      PRIMARY KEY (wallet, counter)
    ) STRICT;
    CREATE TABLE IF NOT EXISTS requests (
      terminal TEXT NOT NULL,
      key TEXT NOT NULL,
      kind TEXT NOT NULL,
      body_sha256 TEXT NOT NULL,
      status INTEGER NOT NULL,
      response TEXT NOT NULL,
      PRIMARY KEY (terminal, key)
    ) STRICT;
    CREATE TABLE IF NOT EXISTS closes (
      terminal TEXT NOT NULL,
      close_id TEXT NOT NULL,
      from_seq INTEGER NOT NULL,
      through INTEGER NOT NULL,
      balanced INTEGER NOT NULL,
      totals TEXT NOT NULL,
      ack TEXT NOT NULL,
      PRIMARY KEY (terminal, close_id)
    ) STRICT;
    CREATE TABLE IF NOT EXISTS enrolment_codes (
      code TEXT PRIMARY KEY,
      settings TEXT NOT NULL,
      pairing TEXT,
      created_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      used_by TEXT,
      used_at INTEGER
    ) STRICT;
    CREATE TABLE IF NOT EXISTS enrolment_nonces (
      nonce TEXT PRIMARY KEY,
      expires_at INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE IF NOT EXISTS fleet (
      terminal TEXT PRIMARY KEY,
      genesis_key TEXT NOT NULL,
      tid TEXT NOT NULL,
      mid TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('active', 'decommissioned', 'released')),
      key_id TEXT NOT NULL,
      public_key TEXT NOT NULL,
      pairing TEXT NOT NULL,
      settings TEXT NOT NULL,
      profile TEXT NOT NULL,
      profile_version INTEGER NOT NULL,
      enrolled_at INTEGER NOT NULL,
      software TEXT
    ) STRICT;
    CREATE UNIQUE INDEX IF NOT EXISTS fleet_active_tid ON fleet(tid) WHERE state = 'active';
    CREATE TABLE IF NOT EXISTS endorsements (
      serial INTEGER PRIMARY KEY AUTOINCREMENT,
      terminal TEXT NOT NULL,
      key_id TEXT NOT NULL,
      public_key TEXT NOT NULL,
      not_before INTEGER NOT NULL,
      not_after INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE IF NOT EXISTS revocations (
      terminal TEXT NOT NULL,
      key_id TEXT NOT NULL,
      after_seq INTEGER NOT NULL,
      revoked_at INTEGER NOT NULL,
      PRIMARY KEY (terminal, key_id)
    ) STRICT;
    CREATE TABLE IF NOT EXISTS releases (
      serial INTEGER PRIMARY KEY AUTOINCREMENT,
      terminal TEXT NOT NULL,
      reason TEXT NOT NULL,
      issued_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL
    ) STRICT;
  `);
  return db;
}
