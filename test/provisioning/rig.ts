import { afterEach } from 'vitest';
import type { AcquirerSimulator } from '../../hw-sim/acquirer/server.js';
import type { SettingsChanges } from '../../hw-sim/acquirer/profiles.js';
import { AcquirerLink } from '../../src/provisioning/acquirer-link.js';
import { Provisioning } from '../../src/provisioning/provisioning.js';
import { Journal } from '../../src/terminal/ledger/journal.js';
import { tempDir } from '../support/tmp.js';

const opened: { close(): void }[] = [];

afterEach(() => {
  while (opened.length) opened.pop()!.close();
});

/** A clock a test moves by hand. */
export class TestClock {
  constructor(public ms = Date.now()) {}
  readonly now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** A fresh terminal (journal and key) in its own directory, closed after the test. */
export function newTerminal(dir = tempDir('posd-prov-')): { dir: string; journal: Journal } {
  const journal = Journal.open(dir);
  opened.push(journal);
  return { dir, journal };
}

/** Provisioning for a journal against the simulator (its key is the root key pinned at install). */
export function provisioningOf(journal: Journal, sim: AcquirerSimulator, options: { now?: () => number; url?: string } = {}): Provisioning {
  const provisioning = new Provisioning({
    journal,
    acquirerRootKey: sim.publicKey,
    acquirerUrl: options.url ?? sim.url,
    link: (url) => new AcquirerLink(url, { timeoutMs: 5000 }),
    ...(options.now ? { now: options.now } : {}),
  });
  opened.push(provisioning);
  return provisioning;
}

/** The whole exchange: the operator issues a code bound to the terminal's pairing code, the terminal enrols with it. */
export async function enrolled(journal: Journal, sim: AcquirerSimulator, changes: SettingsChanges = {}, options: { now?: () => number } = {}): Promise<Provisioning> {
  const provisioning = provisioningOf(journal, sim, options);
  const { code } = sim.fleet.issueCode(changes, { pairing: provisioning.pairing().code });
  await provisioning.enrol(code);
  return provisioning;
}

/** The journal's records of one kind, parsed. */
export function recordsOf(journal: Journal, kind: string): { seq: number; body: Record<string, unknown>; key: string }[] {
  const found: { seq: number; body: Record<string, unknown>; key: string }[] = [];
  for (const r of journal.records()) {
    const record = JSON.parse(r.text) as { kind: string; seq: number; body: Record<string, unknown>; key: string };
    if (record.kind === kind) found.push(record);
  }
  return found;
}

/** The code of a rejected promise or thrown call (a CodedError's), or 'resolved'. */
export async function codeOf(run: () => Promise<unknown> | unknown): Promise<string> {
  try {
    await run();
    return 'resolved';
  } catch (err) {
    return (err as { code?: string }).code ?? `uncoded: ${(err as Error).message}`;
  }
}
