import { existsSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';

/** Below this much free space, an I/O error while the journal grows is put down to the full disk. */
const NEARLY_FULL_BYTES = 1024 * 1024;

/**
 * Whether an error of SQLite or the file system means the disk holding `dir` is full. SQLite
 * says SQLITE_FULL, the file system ENOSPC; but when SQLite cannot grow its shared-memory file
 * it reports a generic I/O error (SQLITE_IOERR_SHMSIZE), so for I/O errors the disk is asked.
 */
export function isDiskFull(err: unknown, dir: string): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') return true;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_IOERR')) return false;
  let existing = dir;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  try {
    const fs = statfsSync(existing);
    return fs.bavail * fs.bsize < NEARLY_FULL_BYTES;
  } catch {
    return false;
  }
}
