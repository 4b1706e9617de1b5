import { afterEach } from 'vitest';
import type { AcquirerSimulator } from '../../hw-sim/acquirer/server.js';
import { startSimulatedTerminal } from '../../hw-sim/terminal/simulated-terminal.js';
import { AcquirerClient } from '../../src/settlement/acquirer-client.js';
import { SettlementDrainer, type DrainerOptions } from '../../src/settlement/drainer.js';
import type { Journal } from '../../src/terminal/ledger/journal.js';

const running: { close(): Promise<void> | void }[] = [];

afterEach(async () => {
  while (running.length) await running.pop()!.close();
});

/** The acquirer simulator alone: a simulated terminal without device twins. */
export async function startAcquirer(options: { assets?: string[] } = {}): Promise<AcquirerSimulator> {
  const terminal = await startSimulatedTerminal({ twins: [], wallets: 0, acquirer: options });
  running.push(terminal);
  return terminal.acquirer!;
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
