import { randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CodedError } from '../errors/coded-error.js';

/** Another process holds the journal's single-writer lock (posd is running on this data directory). */
export class WriterLockError extends CodedError<'writer_running'> {
  override readonly name = 'WriterLockError';
  constructor(
    message: string,
    readonly holder: { pid: number; program: string; since: number },
  ) {
    super('writer_running', message);
  }
}

interface Holder {
  pid: number;
  boot: string;
  program: string;
  since: number;
  token: string;
}

export interface WriterLock {
  readonly file: string;
  release(): void;
}

export const LOCK_FILE = 'posd.lock';

function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return 'unknown';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(file: string): Holder | undefined {
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as Partial<Holder>;
    if (typeof value.pid === 'number' && typeof value.boot === 'string' && typeof value.token === 'string') return value as Holder;
  } catch {
    /* gone, or not ours to read: treated as stale */
  }
  return undefined;
}

/**
 * The journal has one writer (docs/journal.md section 10): the process that assembled the
 * terminal. Its claim is a lock file in the data directory naming its pid and boot; the file
 * is created whole (written aside, then hard-linked into place), so a reader never sees half of
 * it. A claim whose process is gone (another boot, or no such pid) is stale and taken over.
 * Throws WriterLockError('writer_running') when a live process holds it, this one included.
 */
export function acquireWriterLock(dataDir: string): WriterLock {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, LOCK_FILE);
  const me: Holder = { pid: process.pid, boot: bootId(), program: basename(process.argv[1] ?? 'node'), since: Date.now(), token: randomUUID() };
  for (let attempt = 0; attempt < 2; attempt++) {
    const aside = `${file}.${me.token}`;
    writeFileSync(aside, JSON.stringify(me), { mode: 0o600 });
    try {
      linkSync(aside, file);
      return { file, release: () => releaseIfMine(file, me.token) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      unlinkSync(aside);
    }
    const holder = readHolder(file);
    if (holder && holder.boot === me.boot && alive(holder.pid)) {
      const who = holder.pid === process.pid ? 'this process already has the terminal open' : `${holder.program} (pid ${holder.pid}) has it open since ${new Date(holder.since).toISOString()}`;
      throw new WriterLockError(`the journal in ${dataDir} has one writer and ${who}`, { pid: holder.pid, program: holder.program, since: holder.since });
    }
    // Stale: remove it, unless someone replaced it meanwhile. (Two processes taking over the same
    // stale claim at the same instant could both pass; even then the journal's gapless seq lets
    // only one of them append, docs/journal.md section 10.)
    if (readHolder(file)?.token === holder?.token) {
      try {
        unlinkSync(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
  }
  throw new WriterLockError(`the journal in ${dataDir} was claimed by another process at the same moment`, { pid: 0, program: 'unknown', since: Date.now() });
}

function releaseIfMine(file: string, token: string): void {
  if (readHolder(file)?.token !== token) return;
  try {
    unlinkSync(file);
  } catch {
    /* already gone */
  }
}
