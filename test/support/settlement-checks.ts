import { expect } from 'vitest';
import type { AcquirerSimulator } from '../../hw-sim/acquirer/server.js';
import type { Journal } from '../../src/terminal/ledger/journal.js';
import type { CloseAck } from '../../src/protocol/settlement.js';
import type { KindTotals } from '../../src/protocol/record.js';

/**
 * After a full drain: the acquirer holds every journal record, byte-identical (same hash), once;
 * its balanced settlements cover [0, through] without gap or overlap; and what they settled adds
 * up to the terminal's grand totals (so nothing was settled twice or left out).
 */
export function expectSettledExactlyOnce(journal: Journal, sim: AcquirerSimulator): void {
  const held = sim.heldRecords(journal.terminalId);
  const seqs = held.map((r) => r.seq);
  expect(new Set(seqs).size).toBe(seqs.length);
  for (const r of held) expect(r.hash, `record ${r.seq}`).toBe(Buffer.from(journal.get(r.seq)!.hash).toString('hex'));
  const closes = (
    sim.db.prepare('SELECT ack FROM closes WHERE terminal = ? AND balanced = 1 ORDER BY from_seq').all(journal.terminalId) as { ack: string }[]
  ).map((r) => JSON.parse(r.ack) as CloseAck);
  let next = 0;
  const settled: Record<string, { in: number; out: number; n: number }> = {};
  for (const close of closes) {
    expect(close.from).toBe(next);
    next = close.through + 1;
    addTotals(settled, close.totals);
  }
  const lastFinancial = Math.max(-1, ...held.filter((r) => r.asset !== null).map((r) => r.seq));
  expect(next - 1).toBeGreaterThanOrEqual(lastFinancial);
  expect(settled).toEqual(Object.fromEntries(Object.entries(journal.totals).map(([a, t]) => [a, { in: t.in, out: t.out, n: t.n }])));
}

function addTotals(into: Record<string, { in: number; out: number; n: number }>, totals: KindTotals): void {
  for (const [asset, byKind] of Object.entries(totals)) {
    const t = (into[asset] ??= { in: 0, out: 0, n: 0 });
    for (const [kind, { n, amount }] of Object.entries(byKind)) {
      t.n += n;
      if (kind === 'payment') t.in += amount;
      else t.out += amount;
    }
  }
}
