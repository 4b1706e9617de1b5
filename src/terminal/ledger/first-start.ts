import { existsSync, mkdirSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { KeyStore } from '../identity/key-store.js';

export const JOURNAL_FILE = 'journal.db';
/** The database and the files SQLite keeps beside it. */
const DATABASE_FILES = [JOURNAL_FILE, `${JOURNAL_FILE}-wal`, `${JOURNAL_FILE}-shm`, `${JOURNAL_FILE}-journal`];

/**
 * What a journal's first start creates: the data directory, the database files, the genesis key.
 * A first start that fails before its genesis record is durable (a full disk, typically) takes
 * all of it back, so the next start begins from nothing: no empty journal.db, and no key that no
 * genesis names and a later genesis would contradict.
 */
export class FirstStart {
  private constructor(
    private readonly dataDir: string,
    private readonly madeDataDir: boolean,
    private readonly keysBefore: ReadonlySet<string>,
    private readonly keysDirExisted: boolean,
  ) {}

  /** Makes the data directory; returns a FirstStart when there is no journal in it yet, else undefined. */
  static begin(dataDir: string): FirstStart | undefined {
    const made = mkdirSync(dataDir, { recursive: true, mode: 0o700 }) !== undefined;
    // A WAL without its database may still hold records: that is not a first start.
    if (existsSync(join(dataDir, JOURNAL_FILE)) || existsSync(join(dataDir, `${JOURNAL_FILE}-wal`))) return undefined;
    return new FirstStart(dataDir, made, new Set(KeyStore.storedIn(dataDir)), existsSync(join(dataDir, 'keys')));
  }

  /** Removes what this start created. Call it only when no genesis record was committed. */
  undo(): void {
    for (const file of DATABASE_FILES) rmSync(join(this.dataDir, file), { force: true });
    const keysDir = join(this.dataDir, 'keys');
    if (existsSync(keysDir)) {
      const made = KeyStore.storedIn(this.dataDir).filter((id) => !this.keysBefore.has(id));
      if (made.length > 0) {
        const keys = new KeyStore(this.dataDir);
        for (const id of made) keys.destroy(id);
      }
      if (!this.keysDirExisted) removeIfEmpty(keysDir);
    }
    if (this.madeDataDir) removeIfEmpty(this.dataDir);
  }
}

function removeIfEmpty(dir: string): void {
  if (readdirSync(dir).length === 0) rmdirSync(dir);
}
