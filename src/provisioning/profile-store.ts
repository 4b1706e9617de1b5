import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync, constants } from 'node:fs';
import { join } from 'node:path';

/** What is kept on disk: the signed profile, and the seq of the journal record that accepted it. */
export interface StoredProfile {
  journalSeq: number;
  profile: unknown;
}

/**
 * The accepted profile in DATA/provisioning/profile.json, written whole or not at all (a
 * temporary file, fsync, rename, fsync of the directory), mode 0600. What it holds is checked
 * again at every start (signature, terminal, the journal record it points to).
 */
export class ProfileStore {
  readonly dir: string;
  readonly file: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'provisioning');
    this.file = join(this.dir, 'profile.json');
  }

  /** The stored profile, undefined when there is none; a file that is not what was written reads as `corrupt`. */
  read(): StoredProfile | undefined | 'corrupt' {
    if (!existsSync(this.file)) return undefined;
    try {
      const value = JSON.parse(readFileSync(this.file, 'utf8')) as { journalSeq?: unknown; profile?: unknown };
      if (!Number.isSafeInteger(value.journalSeq) || typeof value.profile !== 'object' || value.profile === null) return 'corrupt';
      return { journalSeq: value.journalSeq as number, profile: value.profile };
    } catch {
      return 'corrupt';
    }
  }

  write(stored: StoredProfile): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.tmp`;
    rmSync(tmp, { force: true });
    const fd = openSync(tmp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
    try {
      writeSync(fd, `${JSON.stringify(stored)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
    syncDir(this.dir);
  }

  remove(): void {
    rmSync(this.file, { force: true });
    if (existsSync(this.dir)) syncDir(this.dir);
  }
}

export function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
