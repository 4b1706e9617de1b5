import type Database from 'better-sqlite3';
import { expect } from 'vitest';
import type { Journal } from '../../src/terminal/ledger/journal.js';
import type { CloseAck } from '../../src/protocol/settlement.js';
import type { KindTotals, SignedRecord } from '../../src/protocol/record.js';
import { derivedColumnsOf } from '../../src/terminal/ledger/derived-columns.js';

/** The acquirer's store as the checks read it: the simulator in this process, or its database opened beside a simulator in another. */
export interface AcquirerStore {
  readonly db: Database.Database;
}

interface HeldRow {
  seq: number;
  hash: Buffer;
  kind: string;
  asset: string | null;
  amount: number | null;
  status: 'accepted' | 'rejected';
}

/**
 * After a full drain, from both sides' own stores:
 * - the acquirer holds exactly the journal's records, seq 0 to the head, each with the terminal's
 *   record hash and the kind, asset and amount of the terminal's signed record; it refused
 *   exactly the terminal's dead letters;
 * - its balanced settlements cover [0, through] without gap or overlap, each countersigning the
 *   terminal's checkpoint at `through`, and the terminal journaled each countersigned ack once;
 * - what they settled, per asset and kind, is what the journal's signed records in that range say
 *   (dead letters excluded), and adds up to the terminal's grand totals.
 */
export function expectSettledExactlyOnce(journal: Journal, acquirer: AcquirerStore): void {
  const terminal = journal.terminalId;
  const records = signedRecords(journal);
  const held = acquirer.db.prepare('SELECT seq, hash, kind, asset, amount, status FROM records WHERE terminal = ? ORDER BY seq').all(terminal) as HeldRow[];
  expect(held.map((r) => r.seq), 'the acquirer holds every journal record').toEqual(records.map((r) => r.record.seq));
  for (const [i, r] of held.entries()) {
    const mine = records[i]!;
    expect(r.hash.toString('hex'), `record ${r.seq}`).toBe(mine.hash);
    const columns = derivedColumnsOf(mine.record);
    expect({ kind: r.kind, asset: r.asset, amount: r.amount }, `record ${r.seq}`).toEqual({ kind: columns.kind, asset: columns.asset, amount: columns.amount });
  }
  const dead = new Set((journal.settlement?.deadLetters() ?? []).map((d) => d.seq));
  expect(held.filter((r) => r.status === 'rejected').map((r) => r.seq), 'refused at the acquirer = dead letters at the terminal').toEqual([...dead].sort((a, b) => a - b));

  const closes = (
    acquirer.db.prepare('SELECT ack FROM closes WHERE terminal = ? AND balanced = 1 ORDER BY from_seq').all(terminal) as { ack: string }[]
  ).map((r) => JSON.parse(r.ack) as CloseAck);
  let next = 0;
  const settled: Record<string, { in: number; out: number; n: number }> = {};
  const settledByKind: Record<string, Record<string, { n: number; amount: number }>> = {};
  for (const close of closes) {
    expect(close.from).toBe(next);
    next = close.through + 1;
    expect(close.checkpoint?.hash, `close through ${close.through} countersigns the terminal's checkpoint`).toBe(records[close.through]?.hash);
    addTotals(settled, close.totals);
    addByKind(settledByKind, close.totals);
  }
  const settledThrough = next - 1;
  const lastFinancial = Math.max(-1, ...held.filter((r) => r.asset !== null).map((r) => r.seq));
  expect(settledThrough).toBeGreaterThanOrEqual(lastFinancial);
  expect(journal.settlement?.settledThrough, 'both sides agree how far is settled').toBe(settledThrough);
  const acquirerThrough = acquirer.db.prepare('SELECT settled_through FROM terminals WHERE id = ?').pluck().get(terminal) as number | undefined;
  expect(acquirerThrough ?? -1).toBe(settledThrough);

  // The settled amounts, per asset and kind, are what the signed records say.
  const signed: Record<string, Record<string, { n: number; amount: number }>> = {};
  for (const { record } of records.slice(0, settledThrough + 1)) {
    const columns = derivedColumnsOf(record);
    if (columns.asset === null || dead.has(record.seq)) continue;
    const entry = ((signed[columns.asset] ??= {})[columns.kind] ??= { n: 0, amount: 0 });
    entry.n++;
    entry.amount += columns.amount!;
  }
  expect(settledByKind, 'settled per asset and kind = the signed records').toEqual(signed);

  // Each countersigned ack is in the journal once: nothing was settled twice on the terminal's side either.
  const journaledAcks = records.filter((r) => r.record.kind === 'settlement_ack').map((r) => (r.record.body as { close: string }).close);
  expect([...journaledAcks].sort(), 'settlement acks journaled, one per balanced close').toEqual(closes.map((c) => c.close).sort());

  expect(settled).toEqual(Object.fromEntries(Object.entries(journal.totals).map(([a, t]) => [a, { in: t.in, out: t.out, n: t.n }])));
}

function signedRecords(journal: Journal): { record: SignedRecord; hash: string }[] {
  return [...journal.records()].map((r) => ({ record: JSON.parse(r.text) as SignedRecord, hash: Buffer.from(r.hash).toString('hex') }));
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

function addByKind(into: Record<string, Record<string, { n: number; amount: number }>>, totals: KindTotals): void {
  for (const [asset, byKind] of Object.entries(totals)) {
    for (const [kind, { n, amount }] of Object.entries(byKind)) {
      const entry = ((into[asset] ??= {})[kind] ??= { n: 0, amount: 0 });
      entry.n += n;
      entry.amount += amount;
    }
  }
}
