import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulatedTerminal } from '../../hw-sim/terminal/simulated-terminal.js';
import { toHex } from '../../src/encoding/hex.js';
import { Journal } from '../../src/terminal/ledger/journal.js';
import { cashPayment } from '../support/records.js';
import { enrolKey } from '../support/acquirer.js';
import { tempDir } from '../support/tmp.js';
import { until } from '../support/wait.js';
import { posctl } from '../support/posctl.js';

const BIN = (path: string): string => join(process.cwd(), 'dist', path);

const sims: { close(): Promise<void> }[] = [];
afterEach(async () => {
  while (sims.length) await sims.pop()!.close();
});

interface Posd {
  child: ChildProcess;
  exit: Promise<number | null>;
  /** Resolves with the first log line, logged so far or to come, that `match` accepts. */
  logged(match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
}

function startPosd(config: string): Posd {
  const child = spawn(process.execPath, [BIN('posd.js'), '--config', config, '--log-level', 'debug'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines: Record<string, unknown>[] = [];
  const waiting: { match: (line: Record<string, unknown>) => boolean; resolve: (line: Record<string, unknown>) => void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (text) => {
    const line = JSON.parse(text) as Record<string, unknown>;
    lines.push(line);
    for (const w of [...waiting]) if (w.match(line)) waiting.splice(waiting.indexOf(w), 1) && w.resolve(line);
  });
  return {
    child,
    exit,
    logged: (match) =>
      new Promise((resolve, reject) => {
        const seen = lines.find(match);
        if (seen) return resolve(seen);
        waiting.push({ match, resolve });
        void exit.then((code) => reject(new Error(`posd exited (${code}) before the line; saw ${JSON.stringify(lines.map((l) => l.msg))}`)));
      }),
  };
}


describe('posd stops cleanly on SIGTERM', () => {
  it('while a settlement request hangs at the acquirer: exits 0, nothing lost, and settles at the next start', async () => {
    // The twins on pseudo-terminals (as a real posd opens serial devices) and the acquirer on loopback.
    const sim = await startSimulatedTerminal({ transport: 'pty', twins: ['printer', 'scanner', 'nfc'], wallets: 0 });
    sims.push(sim);
    const acquirer = sim.acquirer!;
    const dir = tempDir();
    const dataDir = join(dir, 'data');
    const journal = Journal.open(dataDir);
    for (let i = 0; i < 5; i++) journal.append(cashPayment(100 + i));
    const publicKey = toHex(journal.genesisPublicKey);
    enrolKey(acquirer, journal.genesisPublicKey);
    const headBefore = journal.headSeq;
    journal.close();
    const config = join(dir, 'posd.json');
    writeFileSync(config, JSON.stringify({ dataDir: 'data', acquirer: { url: acquirer.url, publicKey: toHex(acquirer.publicKey) }, devices: sim.devices }));

    // The first request waits 25 s at the acquirer: past posd's grace, and close to the test's own limit,
    // so a posd that waited for it would not be done in time.
    await acquirer.setFault({ mode: 'delay', delayMs: 25_000, count: 1 });
    const first = startPosd(config);
    try {
      await first.logged((l) => l.msg === 'device status' && l.device === 'nfc' && l.status === 'ready');
      await first.logged((l) => l.msg === 'settlement' && l.state === 'draining');
      await until(() => acquirer.faults.injected.delay === 1, 'the upload is held at the acquirer', 10_000);
      first.child.kill('SIGTERM');
      await first.logged((l) => l.msg === 'stopping' && l.signal === 'SIGTERM');
      expect(await first.exit).toBe(0);
    } finally {
      first.child.kill('SIGKILL');
    }

    // Nothing lost: the journal verifies, with every record it had.
    const exported = join(dir, 'journal.jsonl');
    expect((await posctl('journal', 'export', '--data-dir', dataDir, '--out', exported)).code).toBe(0);
    const verified = await posctl('journal', 'verify', exported, '--public-key', publicKey);
    expect(verified.stderr).toBe('');
    expect(verified.code).toBe(0);
    expect(readFileSync(exported, 'utf8').trimEnd().split('\n')).toHaveLength(1 + headBefore + 1);

    // The next start sends the stored batch again and settles everything.
    await acquirer.setFault(undefined);
    const second = startPosd(config);
    try {
      await second.logged((l) => l.msg === 'settled; checkpoint countersigned');
      second.child.kill('SIGTERM');
      expect(await second.exit).toBe(0);
    } finally {
      second.child.kill('SIGKILL');
    }
    const status = JSON.parse((await posctl('status', '--data-dir', dataDir, '--json')).stdout) as { sync: { unsettledCount: number; deadLetters: number } };
    expect(status.sync).toMatchObject({ unsettledCount: 0, deadLetters: 0 });
  }, 60_000);
});
