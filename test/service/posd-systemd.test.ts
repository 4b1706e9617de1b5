import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/tmp.js';
import { fakeNotifySocket } from './support/notify-socket.js';

/** posd as the unit runs it: the bundle npm run build makes. */
const POSD = join(process.cwd(), 'dist/posd.js');

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('posd under systemd (Type=notify, WatchdogSec)', () => {
  it('says READY=1 once the journal is open, feeds the watchdog, and says STOPPING=1 on SIGTERM', async () => {
    const socket = fakeNotifySocket();
    const dir = tempDir();
    const config = join(dir, 'posd.json');
    writeFileSync(config, JSON.stringify({ dataDir: 'data', merchant: { name: 'Test shop' } }));
    const posd = spawn(process.execPath, [POSD, '--config', config], {
      stdio: ['ignore', 'ignore', 'inherit'],
      // 2 s: a ping every 500 ms.
      env: { ...process.env, NOTIFY_SOCKET: socket.path, WATCHDOG_USEC: '2000000' },
    });
    const exit = exited(posd);
    try {
      const ready = await socket.next((d) => d.startsWith('READY=1'));
      expect(existsSync(join(dir, 'data', 'journal.db')), 'the journal exists before READY=1').toBe(true);
      expect(ready).toMatch(/^READY=1\nSTATUS=journal head \d+; no acquirer configured$/);
      const readyAt = socket.datagrams.indexOf(ready);
      await socket.next((d) => d === 'WATCHDOG=1', readyAt);
      posd.kill('SIGTERM');
      expect(await socket.next((d) => d.startsWith('STOPPING=1'))).toBe('STOPPING=1\nSTATUS=stopping: finishing the work in flight');
      expect(await exit).toBe(0);
      // READY=1 comes first, and once.
      expect(socket.datagrams[0]).toBe(ready);
      expect(socket.datagrams.filter((d) => d.startsWith('READY=1'))).toHaveLength(1);
    } finally {
      posd.kill('SIGKILL');
    }
  });

  it('runs as before without systemd: no socket, no notifications', async () => {
    const dir = tempDir();
    const config = join(dir, 'posd.json');
    writeFileSync(config, JSON.stringify({ dataDir: 'data' }));
    const env = { ...process.env };
    delete env.NOTIFY_SOCKET;
    const posd = spawn(process.execPath, [POSD, '--config', config], { stdio: ['ignore', 'pipe', 'inherit'], env });
    const exit = exited(posd);
    let out = '';
    posd.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    try {
      while (!out.includes('"msg":"posd running"')) await new Promise((r) => setTimeout(r, 20));
      posd.kill('SIGINT');
      expect(await exit).toBe(0);
      expect(out).not.toContain('systemd notify socket');
      expect(out).toContain('"msg":"stopped"');
    } finally {
      posd.kill('SIGKILL');
    }
  });
});
