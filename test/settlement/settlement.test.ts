import { describe, expect, it } from 'vitest';
import { Journal } from '../../src/terminal/ledger/journal.js';
import { SettlementError } from '../../src/settlement/errors.js';
import { AcquirerClient } from '../../src/settlement/acquirer-client.js';
import { signAck, type CloseAck, type UploadAck } from '../../src/protocol/settlement.js';
import { cashPayment, walletPayment } from '../support/records.js';
import { drainerFor, startAcquirer } from '../support/acquirer.js';
import { rawJournalDb } from '../support/raw-db.js';
import { tempDir } from '../support/tmp.js';
import { expectSettledExactlyOnce } from '../support/settlement-checks.js';

describe('store-and-forward settlement', () => {
  it('uploads, settles by totals, journals the countersigned checkpoint, and the outbox drains to zero', async () => {
    const sim = await startAcquirer();
    const journal = Journal.open(tempDir());
    for (let i = 0; i < 25; i++) journal.append(cashPayment(100 + i));
    journal.append(cashPayment(999, 'MAT'));
    const drainer = drainerFor(journal, sim, { batchSize: 10 });
    expect(drainer.status().counters!.unsettled).toEqual({ CNY: { count: 25, net: 2800 }, MAT: { count: 1, net: 999 } });

    const report = await drainer.drainOnce();
    expect(report.uploadBatches).toBeGreaterThanOrEqual(3);
    expect(report.closes).toBe(1);
    const counters = drainer.status().counters!;
    expect(counters.unsettledCount).toBe(0);
    expect(counters.pendingUpload).toBe(0);
    expect(counters.oldestUnsettledAgeMs).toBeNull();

    const held = sim.heldRecords(journal.terminalId);
    expect(held.map((r) => r.seq)).toEqual([...Array(journal.headSeq + 1).keys()]);
    for (const r of held) expect(r.hash).toBe(Buffer.from(journal.get(r.seq)!.hash).toString('hex'));
    const anchor = sim.latestCheckpoint(journal.terminalId)!;
    expect(anchor.balanced).toBe(true);
    const ackRecord = JSON.parse(journal.get(anchor.through + 1)!.text);
    expect(ackRecord.kind).toBe('settlement_ack');
    expect(ackRecord.body.ack).toEqual(anchor);
    expect(anchor.totals).toEqual({ CNY: { payment: { n: 25, amount: 2800 } }, MAT: { payment: { n: 1, amount: 999 } } });
    journal.close();
  });

  it('settles round after round, each close countersigning a checkpoint over the whole journal', async () => {
    const sim = await startAcquirer();
    const journal = Journal.open(tempDir());
    const drainer = drainerFor(journal, sim, { batchSize: 4 });
    for (let round = 1; round <= 4; round++) {
      for (let i = 0; i < 5; i++) journal.append(cashPayment(round * 100 + i));
      const report = await drainer.drainOnce();
      expect(report.closes).toBe(1);
      const anchor = sim.latestCheckpoint(journal.terminalId)!;
      expect(anchor.checkpoint!.size).toBe(anchor.through);
      expect(sim.settledThrough(journal.terminalId)).toBe(anchor.through);
    }
    expectSettledExactlyOnce(journal, sim);
    journal.close();
  });

  it('answers an acquirer that lost records with an itemised upload of what it lacks, then settles', async () => {
    const sim = await startAcquirer();
    const journal = Journal.open(tempDir());
    for (let i = 0; i < 12; i++) journal.append(cashPayment(100 + i));
    await sim.setFault({ mode: 'lose_records', count: 1 });
    const drainer = drainerFor(journal, sim);
    const report = await drainer.drainOnce();
    expect(sim.faults.injected.lose_records).toBe(1);
    expect(report.closes).toBe(2);
    const closes = sim.db.prepare('SELECT balanced, ack FROM closes ORDER BY rowid').all() as { balanced: number; ack: string }[];
    expect(closes.map((c) => c.balanced)).toEqual([0, 1]);
    expect(JSON.parse(closes[0]!.ack).missing.length).toBeGreaterThan(0);
    expectSettledExactlyOnce(journal, sim);
    journal.close();
  });

  it('re-uploads the whole range once when the totals disagree, and settles when that reconciles them', async () => {
    const sim = await startAcquirer();
    const journal = Journal.open(tempDir());
    const drainer = drainerFor(journal, sim);
    for (let i = 0; i < 6; i++) journal.append(cashPayment(10 + i));
    // Upload only, then make the terminal wrongly believe one accepted record was refused.
    const batch = drainer.outbox.createUploadBatch(100)!;
    const client = new AcquirerClient(sim.url);
    const ack = await client.post(`/v1/terminals/${journal.terminalId}/uploads/${batch.batch.id}`, batch.body);
    client.close();
    drainer.outbox.applyUploadAck(batch.batch, ack as UploadAck);
    rawJournalDb(journal.dataDir).prepare(`UPDATE settlement_records SET state = 'dead', reason = 'corrupted state' WHERE seq = 3`).run();
    const report = await drainer.drainOnce();
    const closes = sim.db.prepare('SELECT balanced, ack FROM closes ORDER BY rowid').all() as { balanced: number; ack: string }[];
    expect(closes.map((c) => c.balanced)).toEqual([0, 1]);
    expect(JSON.parse(closes[0]!.ack).problems[0].code).toBe('totals_mismatch');
    expect(report.closes).toBe(2);
    expect(drainer.outbox.deadLetters()).toEqual([]);
    expectSettledExactlyOnce(journal, sim);
    journal.close();
  });

  it('counts the backlog per asset and the age of the oldest unsettled record', async () => {
    const sim = await startAcquirer();
    let now = 1_800_000_000_000;
    const journal = Journal.open(tempDir(), { clock: { now: () => ({ wall: now, boot: 'b', mono: 1 }) } });
    journal.append(cashPayment(500));
    now += 90_000;
    journal.append(cashPayment(200, 'MAT'));
    const drainer = drainerFor(journal, sim);
    const counters = drainer.outbox.counters(now + 30_000);
    expect(counters.unsettled).toEqual({ CNY: { count: 1, net: 500 }, MAT: { count: 1, net: 200 } });
    expect(counters.oldestUnsettledSeq).toBe(1);
    expect(counters.oldestUnsettledAgeMs).toBe(120_000);
    await drainer.drainOnce();
    expect(drainer.outbox.counters(now).oldestUnsettledAgeMs).toBeNull();
    journal.close();
  });

  it('sends reversals before everything else', async () => {
    const sim = await startAcquirer();
    const journal = Journal.open(tempDir());
    const paid = journal.append(cashPayment(500));
    for (let i = 0; i < 8; i++) journal.append(cashPayment(10));
    const reversal = journal.append({ kind: 'reversal', body: { asset: 'CNY', amount: 500, of: paid.seq, reason: 'no answer from the scheme' } });
    const drainer = drainerFor(journal, sim, { batchSize: 3 });
    const first = drainer.outbox.createUploadBatch(3)!;
    expect(first.batch.seqs[0]).toEqual([reversal.seq, reversal.seq]);
    await drainer.drainOnce();
    expect(drainer.status().counters!.unsettledCount).toBe(0);
    journal.close();
  });

  it('puts a record the acquirer rejects into a visible dead letter without blocking the records behind it', async () => {
    const sim = await startAcquirer({ assets: ['CNY'] });
    const journal = Journal.open(tempDir());
    journal.append(cashPayment(100));
    const token = journal.append(cashPayment(700, 'MAT'));
    journal.append(cashPayment(200));
    const drainer = drainerFor(journal, sim);
    const dead: number[] = [];
    drainer.on('deadLetter', (d) => dead.push(d.seq));
    await drainer.drainOnce();
    expect(dead).toEqual([token.seq]);
    expect(drainer.outbox.deadLetters()).toEqual([{ seq: token.seq, reason: expect.stringMatching(/^unknown_asset: /) }]);
    const counters = drainer.status().counters!;
    expect(counters.deadLetters).toBe(1);
    expect(counters.unsettledCount).toBe(0);
    expect(sim.latestCheckpoint(journal.terminalId)!.totals).toEqual({ CNY: { payment: { n: 2, amount: 300 } } });
    journal.close();
  });

  it('detects a wallet counter presented twice, across terminals, as a double spend', async () => {
    const sim = await startAcquirer();
    const a = Journal.open(tempDir());
    const b = Journal.open(tempDir());
    a.append(walletPayment(a, 1000, 'aa'.repeat(16), 7));
    const clone = b.append(walletPayment(b, 1000, 'aa'.repeat(16), 7));
    b.append(walletPayment(b, 1000, 'aa'.repeat(16), 8));
    await drainerFor(a, sim).drainOnce();
    const drainerB = drainerFor(b, sim);
    await drainerB.drainOnce();
    expect(drainerB.outbox.deadLetters()).toEqual([{ seq: clone.seq, reason: expect.stringMatching(/^double_spend: wallet a+ counter 7/) }]);
    a.close();
    b.close();
  });

  it('refuses an ack signed by another key and settles nothing', async () => {
    const sim = await startAcquirer();
    const other = await startAcquirer();
    const journal = Journal.open(tempDir());
    journal.append(cashPayment(100));
    const drainer = drainerFor(journal, sim, { acquirerPublicKey: other.publicKey });
    await expect(drainer.drainOnce()).rejects.toMatchObject({ code: 'bad_ack' });
    expect(drainer.status().counters!.pendingUpload).toBe(2);
    expect(drainer.status().lastError?.code).toBe('bad_ack');
    journal.close();
  });

  it('refuses a close ack that says balanced but still lists a problem, and settles nothing', async () => {
    const sim = await startAcquirer();
    const journal = Journal.open(tempDir());
    journal.append(cashPayment(100));
    const client = new AcquirerClient(sim.url, { timeoutMs: 5000 });
    // The acquirer's own key signs an ack that contradicts itself: balanced, yet with a problem.
    const contradicting = {
      post: async (path: string, body: string): Promise<unknown> => {
        const reply = (await client.post(path, body)) as CloseAck;
        if (reply.type !== 'close' || !reply.balanced) return reply;
        const { sig: _sig, acquirer: _acquirer, ...unsigned } = reply;
        return signAck<CloseAck>({ ...unsigned, problems: [{ code: 'totals_mismatch', message: 'CNY differs' }] }, sim.signer);
      },
      close: () => client.close(),
    } as unknown as AcquirerClient;
    const drainer = drainerFor(journal, sim, { client: contradicting });
    await expect(drainer.drainOnce()).rejects.toMatchObject({ code: 'bad_ack' });
    expect(drainer.status().lastError?.message).toMatch(/no missing records and no problems/);
    expect(journal.lastSeqOfKind('settlement_ack')).toBeNull();
    expect(drainer.status().counters!.unsettledCount).toBeGreaterThan(0);
    await client.close();
    journal.close();
  });

  it('reports an unreachable acquirer as a retryable error and keeps the batch and its key', async () => {
    const sim = await startAcquirer();
    const journal = Journal.open(tempDir());
    journal.append(cashPayment(100));
    const drainer = drainerFor(journal, sim);
    await sim.setFault({ mode: 'refuse' });
    const err = await drainer.drainOnce().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SettlementError);
    expect((err as SettlementError).retryable).toBe(true);
    const open = drainer.outbox.openBatch()!;
    await sim.setFault(undefined);
    await drainer.drainOnce();
    expect(sim.db.prepare('SELECT key FROM requests WHERE kind = ? ORDER BY rowid LIMIT 1').pluck().get('upload')).toBe(open.id);
    journal.close();
  });
});
