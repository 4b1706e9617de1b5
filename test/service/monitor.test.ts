import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Logger, TerminalStatus } from '../../src/app/index.js';
import { dataDirCheck, eventLoopCheck, journalCheck } from '../../src/bin/service/health.js';
import { ServiceMonitor } from '../../src/bin/service/monitor.js';
import type { NotifyTransport } from '../../src/bin/service/notify-transport.js';
import { SystemdNotifier } from '../../src/bin/service/sd-notify.js';
import { statusLine } from '../../src/bin/service/status-line.js';
import { tempDir } from '../support/tmp.js';

function recordingLog(): Logger & { lines: { level: string; msg: string; fields: Record<string, unknown> }[] } {
  const lines: { level: string; msg: string; fields: Record<string, unknown> }[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, msg: string) => void lines.push({ level, msg, fields });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

/** A notifier whose datagrams land in a list. */
function recordingNotifier(watchdogMs: number | null): { notifier: SystemdNotifier; sent: string[] } {
  const sent: string[] = [];
  const transport: NotifyTransport = { kind: 'datagram', send: async (m) => void sent.push(m), close: () => undefined };
  return { notifier: new SystemdNotifier(transport, recordingLog(), watchdogMs), sent };
}

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

const STATUS: TerminalStatus = {
  terminal: 'a1b2c3d4e5f60718',
  headSeq: 41,
  totals: {},
  pairing: { shown: null, lockedUntil: null },
  devices: {
    printer: { state: 'ready', reason: null, since: 0, detail: {} },
    scanner: { state: 'connecting', reason: 'no such path /dev/posd/scanner: check the cable', since: 0, detail: {} },
  },
  settlement: {
    state: 'waiting',
    counters: { unsettled: {}, unsettledCount: 3, oldestUnsettledAgeMs: 1000, oldestUnsettledSeq: 39, pendingUpload: 3, deadLetters: 0, settledThrough: 38 },
    consecutiveFailures: 2,
    lastError: { code: 'unreachable', message: 'http://10.0.0.1:8080: ECONNREFUSED', at: 0 },
  },
  provisioning: null,
  offline: null,
  integrity: { state: 'ok', startup: null, audit: { state: 'done', checked: 42, total: 42, startedAt: 0, finishedAt: 1, failure: null }, failure: null },
};

describe('the watchdog is fed only while posd is healthy', () => {
  it('pings while every check passes, stops while one fails, and logs each change once', async () => {
    const { notifier, sent } = recordingNotifier(20_000);
    const log = recordingLog();
    let disk: string | null = null;
    const monitor = new ServiceMonitor({ notifier, log, checks: [() => null, () => disk], terminalStatus: () => STATUS });
    expect(monitor.intervalMs).toBe(5000);
    monitor.check();
    monitor.check();
    disk = 'data directory /var/lib/posd not writable (EROFS)';
    monitor.check();
    monitor.check();
    disk = null;
    monitor.check();
    await flush();
    expect(sent.filter((m) => m === 'WATCHDOG=1')).toHaveLength(3);
    expect(log.lines.map((l) => [l.level, l.msg])).toEqual([
      ['error', 'unhealthy: the systemd watchdog is no longer fed'],
      ['info', 'healthy again'],
    ]);
    expect(log.lines[0]!.fields).toEqual({ reasons: ['data directory /var/lib/posd not writable (EROFS)'] });
  });

  it('sends no pings when systemd set no watchdog, and counts a throwing check as unhealthy', async () => {
    const { notifier, sent } = recordingNotifier(null);
    const monitor = new ServiceMonitor({ notifier, log: recordingLog(), checks: [() => { throw new Error('boom'); }], terminalStatus: () => STATUS });
    expect(monitor.check()).toEqual(['health check failed: boom']);
    await flush();
    expect(sent.some((m) => m.includes('WATCHDOG'))).toBe(false);
  });

  it('publishes STATUS= when the line changes, and only then', async () => {
    const { notifier, sent } = recordingNotifier(20_000);
    let status = STATUS;
    const monitor = new ServiceMonitor({ notifier, log: recordingLog(), checks: [], terminalStatus: () => status });
    monitor.check();
    monitor.check();
    status = { ...STATUS, headSeq: 42 };
    monitor.check();
    await flush();
    expect(sent.filter((m) => m.startsWith('STATUS=')).map((m) => m.slice(0, 30))).toEqual(['STATUS=journal head 41; settle', 'STATUS=journal head 42; settle']);
  });
});

describe('the STATUS= line', () => {
  it('shows the head, settlement, every device with its reason, and what is unhealthy', () => {
    expect(statusLine(STATUS, ['disk full: 12 KiB free for the journal in /var/lib/posd'])).toBe(
      'journal head 41; settlement waiting, 3 unsettled (unreachable: http://10.0.0.1:8080: ECONNREFUSED); printer ready; ' +
        'scanner connecting (no such path /dev/posd/scanner: check the cable); UNHEALTHY: disk full: 12 KiB free for the journal in /var/lib/posd',
    );
    expect(statusLine({ ...STATUS, settlement: null, devices: {} })).toBe('journal head 41; no acquirer configured');
  });
});

describe('health checks', () => {
  it('the data directory: writable and with room for the journal', () => {
    const dir = tempDir();
    expect(dataDirCheck(dir)()).toBeNull();
    expect(dataDirCheck(join(dir, 'missing'))()).toBe(`data directory ${join(dir, 'missing')} not writable (ENOENT)`);
    const readOnly = { access: () => { throw Object.assign(new Error('read-only file system'), { code: 'EROFS' }); }, statfs: () => ({ bavail: 1e6, bsize: 4096 }) };
    expect(dataDirCheck('/var/lib/posd', undefined, readOnly)()).toBe('data directory /var/lib/posd not writable (EROFS)');
    const full = { access: () => undefined, statfs: () => ({ bavail: 3, bsize: 4096 }) };
    expect(dataDirCheck('/var/lib/posd', undefined, full)()).toBe('disk full: 12 KiB free for the journal in /var/lib/posd');
  });

  it('the journal answers', () => {
    expect(journalCheck(() => 1)()).toBeNull();
    expect(journalCheck(() => { throw new Error('database is locked'); })()).toBe('the journal does not answer: database is locked');
  });

  it('the event loop: a stall longer than the limit is reported once, at the next check', async () => {
    const check = eventLoopCheck(250);
    try {
      await new Promise((r) => setTimeout(r, 50));
      check();
      const until = Date.now() + 600;
      while (Date.now() < until) {
        // the loop is stuck here, as it would be in a runaway computation
      }
      await new Promise((r) => setTimeout(r, 50));
      expect(check()).toMatch(/^event loop stalled for \d+ ms \(limit 250 ms\)$/);
      await new Promise((r) => setTimeout(r, 50));
      expect(check()).toBeNull();
    } finally {
      check.stop();
    }
  });
});
