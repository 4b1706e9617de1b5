import { afterEach } from 'vitest';
import type { AcquirerSimulator } from '../../hw-sim/acquirer/server.js';
import { startSimulatedTerminal } from '../../hw-sim/terminal/simulated-terminal.js';
import { toHex } from '../../src/encoding/hex.js';
import { AcquirerClient } from '../../src/settlement/acquirer-client.js';
import { SettlementDrainer, type DrainerOptions } from '../../src/settlement/drainer.js';
import { Journal } from '../../src/terminal/ledger/journal.js';

const running: { close(): Promise<void> | void }[] = [];

afterEach(async () => {
  while (running.length) await running.pop()!.close();
});

/** The acquirer simulator alone: a simulated terminal without device twins. */
export async function startAcquirer(options: { assets?: string[]; now?: () => number } = {}): Promise<AcquirerSimulator> {
  const terminal = await startSimulatedTerminal({ twins: [], wallets: 0, acquirer: options });
  running.push(terminal);
  return terminal.acquirer!;
}

/**
 * The acquirer settles only with terminals it enrolled: the operator enrols this genesis key
 * directly (as from a factory manifest). The same key again is a no-op.
 */
export function enrolKey(sim: AcquirerSimulator, genesisPublicKey: Uint8Array, currentKey = genesisPublicKey): void {
  sim.fleet.preEnrol(toHex(genesisPublicKey), {}, toHex(currentKey));
}

/** A drainer for a journal, against the simulator, with the journal's terminal enrolled there first. */
export function drainerFor(journal: Journal, sim: AcquirerSimulator, options: Partial<DrainerOptions> & { timeoutMs?: number } = {}): SettlementDrainer {
  enrolKey(sim, journal.genesisPublicKey);
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

/** A fresh data directory whose terminal key exists and is enrolled at the simulator: posd assembled on it settles at once. */
export function enrolledDataDir(sim: AcquirerSimulator, dir: string): string {
  const journal = Journal.open(dir);
  try {
    enrolKey(sim, journal.genesisPublicKey);
  } finally {
    journal.close();
  }
  return dir;
}
