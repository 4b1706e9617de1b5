import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../../src/app/index.js';
import { commandTransport, datagramTransport, loadUnixDgram, openNotifyTransport } from '../../src/bin/service/notify-transport.js';
import { formatNotification, SystemdNotifier, watchdogInterval } from '../../src/bin/service/sd-notify.js';
import { tempDir } from '../support/tmp.js';
import { until } from '../support/wait.js';
import { fakeNotifySocket } from './support/notify-socket.js';

function recordingLog(): Logger & { lines: { level: string; msg: string; fields: Record<string, unknown> }[] } {
  const lines: { level: string; msg: string; fields: Record<string, unknown> }[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, msg: string) => void lines.push({ level, msg, fields });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

describe('the notify protocol (sd_notify(3))', () => {
  it('puts KEY=VALUE lines in one datagram, and no value can start a line of its own', () => {
    expect(formatNotification([['READY', '1'], ['STATUS', 'journal head 3']])).toBe('READY=1\nSTATUS=journal head 3');
    expect(formatNotification([['STATUS', 'printer failed (paper out)\nREADY=1']])).toBe('STATUS=printer failed (paper out) READY=1');
  });

  it('takes the watchdog interval from WATCHDOG_USEC only when it is meant for this process', () => {
    expect(watchdogInterval({}, 42)).toBeNull();
    expect(watchdogInterval({ WATCHDOG_USEC: '20000000' }, 42)).toBe(20_000);
    expect(watchdogInterval({ WATCHDOG_USEC: '20000000', WATCHDOG_PID: '42' }, 42)).toBe(20_000);
    expect(watchdogInterval({ WATCHDOG_USEC: '20000000', WATCHDOG_PID: '41' }, 42)).toBeNull();
    expect(watchdogInterval({ WATCHDOG_USEC: 'soon' }, 42)).toBeNull();
    expect(watchdogInterval({ WATCHDOG_USEC: '0' }, 42)).toBeNull();
  });

  it('has no notifier when systemd is not listening', () => {
    expect(SystemdNotifier.fromEnvironment({}, recordingLog())).toBeNull();
  });
});

describe.each([
  ['the unix-dgram addon', (path: string) => datagramTransport(path, loadUnixDgram()!)],
  ['the systemd-notify command', (path: string) => commandTransport(path)],
] as const)('notifications through %s', (_name, transportFor) => {
  it('arrive at the socket one datagram each, in order', async () => {
    const socket = fakeNotifySocket();
    const notifier = new SystemdNotifier(transportFor(socket.path), recordingLog(), 20_000);
    void notifier.ready('journal head 0; no acquirer configured');
    void notifier.watchdog();
    void notifier.status('journal head 1');
    await notifier.stopping('stopping');
    await notifier.close();
    await until(() => socket.datagrams.filter((d) => !d.startsWith('BARRIER=')).length >= 4, 'four notifications');
    // systemd-notify adds a BARRIER=1 datagram after each message, to wait until it was read.
    expect(socket.datagrams.filter((d) => !d.startsWith('BARRIER='))).toEqual([
      'READY=1\nSTATUS=journal head 0; no acquirer configured',
      'WATCHDOG=1',
      'STATUS=journal head 1',
      'STOPPING=1\nSTATUS=stopping',
    ]);
  });

  it('never throw at the terminal when systemd is gone: one warning, then one line when it works again', async () => {
    const socket = fakeNotifySocket();
    const log = recordingLog();
    const gone = transportFor(join(tempDir(), 'gone'));
    const working = transportFor(socket.path);
    let current = gone;
    const notifier = new SystemdNotifier({ kind: 'datagram', send: (m) => current.send(m), close: () => undefined }, log, null);
    await notifier.watchdog();
    await notifier.watchdog();
    expect(log.lines.map((l) => l.msg)).toEqual(['systemd did not get a notification']);
    current = working;
    await notifier.watchdog();
    await notifier.watchdog();
    expect(log.lines.map((l) => l.msg)).toEqual(['systemd did not get a notification', 'systemd notify socket works again']);
    gone.close();
    working.close();
  });
});

describe('choosing the transport', () => {
  it('sends from posd itself where the addon can, else through systemd-notify', () => {
    expect(loadUnixDgram()).not.toBeNull();
    expect(openNotifyTransport('/run/systemd/notify').kind).toBe('datagram');
    expect(openNotifyTransport('@/org/freedesktop/systemd1/notify').kind).toBe('systemd-notify');
    expect(openNotifyTransport('/run/systemd/notify', null).kind).toBe('systemd-notify');
  });

  it('finds the socket and the watchdog in the environment', () => {
    const socket = fakeNotifySocket();
    const log = recordingLog();
    const notifier = SystemdNotifier.fromEnvironment({ NOTIFY_SOCKET: socket.path, WATCHDOG_USEC: '8000000' }, log)!;
    expect(notifier.watchdogMs).toBe(8000);
    expect(log.lines[0]).toMatchObject({ msg: 'systemd notify socket', fields: { socket: socket.path, transport: 'datagram', watchdogMs: 8000 } });
  });
});

describe('the datagram on the wire, read by an independent receiver (socat)', () => {
  it('is exactly the KEY=VALUE text', async () => {
    const dir = tempDir();
    const path = join(dir, 'notify');
    const out = join(dir, 'received');
    const socat = spawn('socat', ['-u', `UNIX-RECV:${path}`, `CREATE:${out}`], { stdio: 'ignore' });
    try {
      await until(() => existsSync(path), 'socat listening');
      const notifier = new SystemdNotifier(datagramTransport(path, loadUnixDgram()!), recordingLog(), null);
      await notifier.ready('journal head 7');
      await until(() => existsSync(out) && readFileSync(out).length > 0, 'socat received');
      expect(readFileSync(out, 'utf8')).toBe('READY=1\nSTATUS=journal head 7');
    } finally {
      socat.kill();
    }
  });
});
