import { afterEach, describe, expect, it } from 'vitest';
import { assemble, type Logger, type PosTerminal } from '../../src/app/index.js';
import type { SettlementFailure } from '../../src/settlement/drainer.js';
import { toHex } from '../../src/encoding/hex.js';
import { Journal } from '../../src/terminal/ledger/journal.js';
import type { AcquirerSimulator } from '../../hw-sim/acquirer/server.js';
import { startAcquirer } from '../support/acquirer.js';
import { rawJournalDb } from '../support/raw-db.js';
import { cashPayment } from '../support/records.js';
import { tempDir } from '../support/tmp.js';
import { until } from '../support/wait.js';

type LogLine = { level: string; msg: string; fields: Record<string, unknown> };

const running: PosTerminal[] = [];
afterEach(async () => {
  while (running.length) await running.pop()!.stop();
});

function recordingLog(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, msg: string) => void lines.push({ level, msg, fields });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

/** posd with a journal that already holds payments, settling in the background with the simulator. */
async function posdWithBacklog(sim: AcquirerSimulator): Promise<{ pos: PosTerminal; log: ReturnType<typeof recordingLog>; failures: SettlementFailure[]; dataDir: string }> {
  const dataDir = tempDir();
  const journal = Journal.open(dataDir);
  for (const amount of [1234, 500, 700]) journal.append(cashPayment(amount));
  journal.close();
  const log = recordingLog();
  const pos = await assemble(
    { dataDir, merchant: { name: 'Test shop' }, acquirer: { url: sim.url, publicKey: toHex(sim.publicKey) }, devices: {} },
    { log, products: [] },
  );
  running.push(pos);
  const failures: SettlementFailure[] = [];
  pos.events.on('settlement.failed', (f) => failures.push(f));
  return { pos, log, failures, dataDir };
}

const settlementFailures = (log: { lines: LogLine[] }): LogLine[] => log.lines.filter((l) => l.msg.startsWith('settlement attempt failed') || l.msg.startsWith('settlement halted'));

describe('posd logs every failed settlement attempt with its cause', () => {
  it('logs each refused connection at warn, with the cause, the attempt, the batch and the next try', async () => {
    const sim = await startAcquirer();
    await sim.setFault({ mode: 'refuse' });
    const { log, failures } = await posdWithBacklog(sim);
    await until(() => settlementFailures(log).length >= 3, 'three failed attempts logged', 15_000);
    const lines = settlementFailures(log).slice(0, 3);
    for (const [i, line] of lines.entries()) {
      expect(line.level).toBe('warn');
      expect(line.fields).toMatchObject({ code: 'unreachable', attempt: i + 1, retryable: true, batchKind: 'upload' });
      expect(String(line.fields.cause)).toContain('ECONNREFUSED');
      expect(line.fields.retryInMs).toEqual(expect.any(Number));
      expect(line.fields.batch).toBe(failures[0]!.batch!.id);
    }
    expect(failures.slice(0, 3).map((f) => f.code)).toEqual(['unreachable', 'unreachable', 'unreachable']);
  });

  it('logs an integrity failure at error, says settlement halted, and does not retry it against the acquirer', async () => {
    const sim = await startAcquirer();
    await sim.setFault({ mode: 'refuse' });
    const { pos, log, failures, dataDir } = await posdWithBacklog(sim);
    await until(() => failures.length >= 1, 'a refused attempt', 15_000);
    const batch = failures[0]!.batch!;
    // An attacker edits a record of the batch in flight while posd runs.
    const db = rawJournalDb(dataDir);
    db.exec('DROP TRIGGER journal_no_update');
    db.prepare(`UPDATE journal SET record = replace(record, '"amount":700', '"amount":7') WHERE seq = 3`).run();
    db.close();
    await sim.setFault(undefined);

    await until(() => failures.some((f) => f.code === 'integrity_failed'), 'the integrity failure', 15_000);
    const halted = settlementFailures(log).find((l) => l.fields.code === 'integrity_failed')!;
    expect(halted.level).toBe('error');
    expect(halted.msg).toContain('settlement halted');
    expect(halted.fields).toMatchObject({ retryable: false, retryInMs: null, batch: batch.id, batchKind: 'upload' });
    expect(String(halted.fields.cause)).toContain('can no longer be rebuilt');
    expect(pos.settlement!.status()).toMatchObject({ state: 'halted', lastError: { code: 'integrity_failed' } });
    expect(pos.settlement!.status().nextAttemptAt).toBeUndefined();
    expect(failures.map((f) => f.code)).not.toContain('server_error');
    expect(sim.stats.uploads).toBe(0);

    // Only an explicit settle tries again; it fails the same way, and is logged the same way.
    const before = settlementFailures(log).length;
    await expect(pos.settlement!.settleNow()).rejects.toMatchObject({ code: 'integrity_failed' });
    expect(settlementFailures(log).length).toBe(before + 1);
    expect(settlementFailures(log).at(-1)!.level).toBe('error');
    expect(pos.settlement!.status().state).toBe('halted');
    expect(sim.stats.uploads).toBe(0);
  });
});
