import Database from 'better-sqlite3';
import { join } from 'node:path';

/** The journal database as anyone with file access sees it: no posd API, raw SQL. Tests use it to tamper and inspect. */
export function rawJournalDb(dataDir: string): Database.Database {
  return new Database(join(dataDir, 'journal.db'));
}
