import { execFile } from 'node:child_process';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { CodedError } from '../../errors/coded-error.js';

export class LogTailError extends CodedError<'not_configured' | 'not_found'> {
  override readonly name = 'LogTailError';
}

export interface LogTailOptions {
  /** The systemd unit whose journal to read (default posd). */
  unit?: string;
  /** A file posd's output is written to, read when journald has nothing (a run outside systemd). */
  file?: string;
  /** The journalctl to run (tests); default journalctl on the PATH. */
  journalctl?: string;
}

/** The most read from the end of a log file: enough for 2000 long lines, never the whole file. */
const MAX_TAIL_BYTES = 1024 * 1024;
const MAX_LINES = 2000;

/**
 * posd's newest log lines: journald's (`journalctl -u posd -o cat`) where posd runs as the
 * systemd unit, otherwise the tail of the log file given. posd's lines are JSON (pino); they are
 * returned as written.
 */
export async function tailLog(lines: number, options: LogTailOptions = {}): Promise<{ source: string; lines: string[] }> {
  const n = Math.max(1, Math.min(MAX_LINES, Math.floor(lines)));
  const unit = options.unit ?? 'posd';
  const journal = await journalLines(options.journalctl ?? 'journalctl', unit, n);
  if (journal && journal.length > 0) return { source: `journald (journalctl -u ${unit})`, lines: journal };
  if (options.file !== undefined) return { source: options.file, lines: fileTail(options.file, n) };
  throw new LogTailError(
    'not_configured',
    journal === undefined ? 'journald is not available here and no log file was given (--log-file FILE)' : `journald has no lines of the ${unit} unit and no log file was given (--log-file FILE)`,
  );
}

/** The unit's lines, [] when journald has none, undefined when journalctl cannot run. */
function journalLines(journalctl: string, unit: string, n: number): Promise<string[] | undefined> {
  return new Promise((resolve) => {
    execFile(journalctl, ['-u', unit, '-o', 'cat', '-n', String(n), '--no-pager', '-q'], { timeout: 10_000, maxBuffer: 8 * 1024 * 1024 }, (err, stdout) => {
      if (err) return resolve(undefined);
      resolve(stdout.split('\n').filter((line) => line.length > 0 && !line.startsWith('-- ')));
    });
  });
}

function fileTail(file: string, n: number): string[] {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new LogTailError('not_found', code === 'ENOENT' ? `no log file ${file}` : `cannot read the log file ${file} (${code ?? (err as Error).message})`);
  }
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, MAX_TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    const all = buffer.toString('utf8').split('\n');
    if (length < size) all.shift(); // the first line was cut
    return all.filter((line) => line.length > 0).slice(-n);
  } finally {
    closeSync(fd);
  }
}
