import { describe, expect, it } from 'vitest';
import { FAULT_MODES } from '../../hw-sim/acquirer/faults.js';
import { Journal } from '../../src/terminal/ledger/journal.js';
import { SettlementError } from '../../src/settlement/errors.js';
import { cashPayment } from '../support/records.js';
import { drainerFor, startAcquirer } from '../support/acquirer.js';
import { expectSettledExactlyOnce } from '../support/settlement-checks.js';
import { tempDir } from '../support/tmp.js';

describe('acquirer faults', () => {
  it.each(FAULT_MODES)('survives %s: nothing settles while it lasts, everything settles exactly once after', async (mode) => {
    const sim = await startAcquirer();
    const journal = Journal.open(tempDir());
    const drainer = drainerFor(journal, sim, { batchSize: 7, timeoutMs: 400 });
    for (let i = 0; i < 20; i++) journal.append(cashPayment(10 + i));
    await sim.setFault({ mode, delayMs: 800 });

    const failures: string[] = [];
    for (let i = 0; i < 3; i++) {
      const err = await drainer.drainOnce().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SettlementError);
      expect((err as SettlementError).retryable).toBe(true);
      failures.push((err as SettlementError).code);
      journal.append(cashPayment(1000 + i));
    }
    expect(drainer.status().counters!.settledThrough).toBe(-1);
    expect(drainer.status().consecutiveFailures).toBe(3);
    if (mode === 'commit_drop' || mode === 'malformed' || mode === 'bad_signature') expect(sim.stats.uploads).toBeGreaterThan(0);

    await sim.setFault(undefined);
    if (mode === 'delay') await new Promise((r) => setTimeout(r, 900));
    await drainer.drain(20);
    const status = drainer.status();
    expect(status.counters!.unsettledCount).toBe(0);
    expect(status.counters!.pendingUpload).toBe(0);
    expect(status.consecutiveFailures).toBe(0);
    expectSettledExactlyOnce(journal, sim);
    if (mode === 'commit_drop' || mode === 'malformed' || mode === 'bad_signature') {
      // The first attempt was committed at the acquirer; the retry with the same key got the stored answer.
      expect(sim.stats.replays).toBeGreaterThan(0);
    }
    journal.close();
  });

  it('drains under random faults on a third of the requests', async () => {
    const sim = await startAcquirer();
    const journal = Journal.open(tempDir());
    const drainer = drainerFor(journal, sim, { batchSize: 5, timeoutMs: 300 });
    await sim.setFault({ mode: 'random', rate: 0.35, delayMs: 400 });
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 9; i++) journal.append(cashPayment(1 + round * 10 + i));
      await drainer.drainOnce().catch(() => undefined);
    }
    await sim.setFault(undefined);
    await new Promise((r) => setTimeout(r, 450));
    await drainer.drain(20);
    expect(Object.values(sim.faults.injected).reduce((a, b) => a + b, 0)).toBeGreaterThan(3);
    expectSettledExactlyOnce(journal, sim);
    journal.close();
  });
});
