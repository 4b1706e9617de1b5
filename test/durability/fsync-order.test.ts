import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/encoding/hex.js';
import { enrolledDataDir, startAcquirer } from '../support/acquirer.js';
import { tempDir } from '../support/tmp.js';
import { checkApprovals, parseTrace } from './fsync-trace.js';

const WORKER = join(process.cwd(), 'dist/test/fixtures/settle-worker.js');
const APPROVALS = 400;
const STRACE = ['-f', '--seccomp-bpf', '-y', '-tt', '-s', '200', '-e', 'trace=fsync,fdatasync,write,pwrite64,writev,pwritev,pwritev2'];

function straceUnavailable(): string | null {
  const probe = spawnSync('strace', ['-f', '--seccomp-bpf', '-e', 'trace=fsync', '-o', '/dev/null', 'true'], { encoding: 'utf8' });
  if (probe.error) return `strace is not installed (${probe.error.message}); .ci/run installs it`;
  if (probe.status !== 0) return `strace cannot trace here: ${probe.stderr.trim()}`;
  return null;
}

const unavailable = straceUnavailable();
if (unavailable) console.warn(`fsync-order test skipped: ${unavailable}`);

/** Runs the crash-test worker under strace until it has printed `approvals` approval lines, then kills it. */
function traceWorker(args: string[], traceFile: string, approvals: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const tracer = spawn('strace', [...STRACE, '-o', traceFile, process.execPath, WORKER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let workerPid: number | undefined;
    let killed = false;
    const kill = (): void => {
      if (killed || workerPid === undefined) return;
      killed = true;
      process.kill(workerPid, 'SIGKILL');
    };
    tracer.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      workerPid ??= Number(/^R -?\d+ (\d+)\n/.exec(out)?.[1]) || undefined;
      if (out.split('\n').filter((l) => l.startsWith('D ')).length >= approvals) kill();
    });
    tracer.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const guard = setTimeout(() => {
      kill();
      tracer.kill('SIGKILL');
    }, 120_000);
    tracer.on('error', reject);
    tracer.on('exit', () => {
      clearTimeout(guard);
      if (!killed) return reject(new Error(`the worker stopped by itself: ${err}`));
      resolve(out.slice(0, out.lastIndexOf('\n') + 1).split('\n').filter((l) => l.startsWith('D ')));
    });
  });
}

describe.skipIf(unavailable !== null)('fsync before every approval (strace)', () => {
  it(`the worker prints each of ${APPROVALS} approvals only after the journal's writes were synced`, async () => {
    expect(existsSync(WORKER), 'run `npm test` (it builds dist/) before this test').toBe(true);
    const sim = await startAcquirer();
    const dataDir = tempDir('posd-fsync-');
    enrolledDataDir(sim, join(dataDir, 'terminal'));
    const traceFile = join(tempDir('posd-trace-'), 'worker.trace');
    const printed = await traceWorker([join(dataDir, 'terminal'), sim.url, toHex(sim.publicKey)], traceFile, APPROVALS);

    const approvals = checkApprovals(parseTrace(readFileSync(traceFile, 'utf8')), join(dataDir, 'terminal'));
    // The trace saw every approval the test received (and the check is not vacuous).
    expect(approvals.map((a) => a.line)).toEqual(printed);
    expect(approvals.length).toBeGreaterThanOrEqual(APPROVALS);
    const broken = approvals.filter((a) => a.violation !== null);
    expect(broken.slice(0, 3), `${broken.length} of ${approvals.length} approvals came before their record was synced`).toEqual([]);
    // Settlement ran alongside (its own commits were in the trace too).
    expect(sim.stats.uploads).toBeGreaterThan(0);
  }, 180_000);
});

describe('the approval-order check itself', () => {
  const dir = '/data';
  const trace = (...lines: string[]): string => lines.map((l) => `100  ${l}`).join('\n');
  const approve = 'write(1<pipe:[1]>, "D 1 aa\\n", 7) = 7';
  const walWrite = 'pwrite64(5</data/journal.db-wal>, "\\0\\0", 4120, 0) = 4120';
  const walSync = 'fsync(5</data/journal.db-wal>) = 0';

  it('accepts write, sync, approval', () => {
    expect(checkApprovals(parseTrace(trace(walWrite, walSync, approve)), dir)).toEqual([{ line: 'D 1 aa', violation: null }]);
  });

  it('refuses an approval after an unsynced write, a failed sync, or a sync that began before the write returned', () => {
    expect(checkApprovals(parseTrace(trace(walWrite, approve)), dir)[0]!.violation).toContain('journal.db-wal was written');
    expect(checkApprovals(parseTrace(trace(walWrite, 'fsync(5</data/journal.db-wal>) = -1 EIO (Input/output error)', approve)), dir)[0]!.violation).not.toBeNull();
    const otherThread = [
      '100  fsync(5</data/journal.db-wal> <unfinished ...>',
      '101  pwrite64(5</data/journal.db-wal>, "\\0", 4120, 0) = 4120',
      '100  <... fsync resumed>) = 0',
      `100  ${approve}`,
    ].join('\n');
    expect(checkApprovals(parseTrace(`100  ${walWrite}\n100  ${walSync}\n${otherThread}`), dir)[0]!.violation).toContain('not synced since');
    expect(checkApprovals(parseTrace(trace(walWrite, 'fsync(6</data/journal.db>) = 0', approve)), dir)[0]!.violation).toContain('journal.db-wal');
  });

  it('refuses an approval with no journal write or sync since the previous one', () => {
    const approvals = checkApprovals(parseTrace(trace(walWrite, walSync, approve, approve)), dir);
    expect(approvals.map((a) => a.violation)).toEqual([null, 'the journal was not written since the previous approval']);
  });
});
