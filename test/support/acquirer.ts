import { afterEach } from 'vitest';
import { AcquirerSimulator } from '../../hw-sim/acquirer/server.js';
import { AcquirerClient } from '../../src/settlement/acquirer-client.js';
import { SettlementDrainer, type DrainerOptions } from '../../src/settlement/drainer.js';
import type { Journal } from '../../src/terminal/ledger/journal.js';
import { tempDir } from './tmp.js';

const running: { close(): Promise<void> | void }[] = [];

afterEach(async () => {
  while (running.length) await running.pop()!.close();
});

export async function startAcquirer(options: { assets?: string[] } = {}): Promise<AcquirerSimulator> {
  const sim = await AcquirerSimulator.start({ dataDir: tempDir('posd-acq-'), ...options });
  running.push(sim);
  return sim;
}

export function drainerFor(journal: Journal, sim: AcquirerSimulator, options: Partial<DrainerOptions> & { timeoutMs?: number } = {}): SettlementDrainer {
  const client = new AcquirerClient(sim.url, { timeoutMs: options.timeoutMs ?? 5000 });
  running.push({ close: () => client.close() });
  return new SettlementDrainer({
    journal,
    client,
    acquirerPublicKey: sim.publicKey,
    backoff: { baseMs: 5, maxMs: 50 },
    ...options,
  });
}
