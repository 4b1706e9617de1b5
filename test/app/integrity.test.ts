import { afterEach, describe, expect, it } from 'vitest';
import { assemble, type PosTerminal } from '../../src/app/index.js';
import { sha256 } from '../../src/crypto/sha256.js';
import { toHex } from '../../src/encoding/hex.js';
import { PaymentError } from '../../src/payments/errors.js';
import { Journal } from '../../src/terminal/ledger/journal.js';
import { JournalAudit } from '../../src/terminal/ledger/integrity/audit.js';
import { drainerFor, startAcquirer } from '../support/acquirer.js';
import { rawJournalDb } from '../support/raw-db.js';
import { cashPayment } from '../support/records.js';
import { tempDir } from '../support/tmp.js';
import { until } from '../support/wait.js';
import type { AcquirerSimulator } from '../../hw-sim/acquirer/server.js';

const open: PosTerminal[] = [];
afterEach(async () => {
  while (open.length) await open.pop()!.stop();
});

/** A journal with `count` cash payments, settled (countersigned) through its last checkpoint, and `after` more unsettled ones. */
async function settledJournal(count: number, after = 3): Promise<{ dir: string; sim: AcquirerSimulator }> {
  const sim = await startAcquirer();
  const dir = tempDir();
  const journal = Journal.open(dir);
  journal.appendBatch(Array.from({ length: count }, (_, i) => cashPayment(100 + (i % 50))));
  await drainerFor(journal, sim, { batchSize: 5000 }).drainOnce();
  for (let i = 0; i < after; i++) journal.append(cashPayment(7 + i));
  journal.close();
  return { dir, sim };
}

async function posdOn(dir: string, sim: AcquirerSimulator): Promise<PosTerminal> {
  const pos = await assemble({ dataDir: dir, merchant: { name: 'Test' }, acquirer: { url: sim.url, publicKey: toHex(sim.publicKey) }, devices: {} }, { products: [], settleInBackground: false });
  open.push(pos);
  return pos;
}

function tamper(dir: string, change: string | ((db: ReturnType<typeof rawJournalDb>) => void)): void {
  const db = rawJournalDb(dir);
  db.exec('DROP TRIGGER IF EXISTS journal_no_update; DROP TRIGGER IF EXISTS journal_no_delete;');
  if (typeof change === 'string') db.exec(change);
  else change(db);
  db.close();
}

function paymentRefusal(pos: PosTerminal): PaymentError {
  try {
    pos.payments.create({ idempotencyKey: 'after-tamper', amount: 100, asset: 'CNY', method: 'cash', tendered: 100 });
  } catch (err) {
    if (err instanceof PaymentError) return err;
    throw err;
  }
  throw new Error('the payment was taken');
}

describe('posd checks its own journal', () => {
  it('opens healthy, and its audit finds every record matching the countersigned roots', async () => {
    const { dir, sim } = await settledJournal(40);
    const pos = await posdOn(dir, sim);
    const status = pos.status().integrity;
    expect(status.state).toBe('ok');
    expect(status.startup).toMatchObject({ anchoredAt: expect.any(Number), verified: expect.any(Number) });
    await until(() => pos.status().integrity.audit.state === 'done', 'audit done');
    expect(pos.status().integrity.audit.checked).toBe(pos.status().headSeq + 1);
  });

  it('an edited settled record (its text and hash column both rewritten) puts the terminal in integrity_failed at start', async () => {
    const { dir, sim } = await settledJournal(40);
    const journal = Journal.open(dir, { readOnly: true });
    const text = journal.get(5)!.text.replace('"amount":104', '"amount":999');
    journal.close();
    tamper(dir, (db) => db.prepare('UPDATE journal SET record = ?, amount = 999, hash = ? WHERE seq = 5').run(text, Buffer.from(sha256(text))));
    const pos = await posdOn(dir, sim);
    const status = pos.status().integrity;
    expect(status.state).toBe('integrity_failed');
    expect(status.failure).toMatchObject({ seq: 5, code: 'bad_record' });
    expect(status.failure!.advice).toContain('posctl journal export');
    const refusal = paymentRefusal(pos);
    expect(refusal.code).toBe('terminal_out_of_service');
    expect(refusal.message).toContain('record 5');
  });

  it('a deleted settled record far under the checkpoint is found by the background audit', async () => {
    const { dir, sim } = await settledJournal(1500);
    tamper(dir, 'DELETE FROM journal WHERE seq = 20');
    const pos = await posdOn(dir, sim);
    expect(pos.status().integrity.failure).toBe(null);
    await until(() => pos.status().integrity.audit.state !== 'running', 'audit finished', 20_000);
    const status = pos.status().integrity;
    expect(status.audit.state).toBe('failed');
    expect(status.state).toBe('integrity_failed');
    expect(status.failure).toMatchObject({ seq: 20, code: 'missing_record' });
    expect(paymentRefusal(pos).code).toBe('terminal_out_of_service');
  }, 30_000);

  it('a deleted unsettled tail that the acquirer has seen is a tail cut, and no seq is reused', async () => {
    const sim = await startAcquirer();
    const dir = tempDir();
    const journal = Journal.open(dir);
    for (let i = 0; i < 6; i++) journal.append(cashPayment(50 + i));
    await drainerFor(journal, sim).drainOnce();
    for (let i = 0; i < 4; i++) journal.append(cashPayment(90 + i));
    const drainer = drainerFor(journal, sim);
    const batch = drainer.outbox.createUploadBatch(100)!;
    const ack = await (await fetch(`${sim.url}/v1/terminals/${journal.terminalId}/uploads/${batch.batch.id}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: batch.body })).json();
    drainer.outbox.applyUploadAck(batch.batch, ack as never);
    const head = journal.headSeq;
    journal.close();
    tamper(dir, `DELETE FROM journal WHERE seq > ${head - 2}`);
    const pos = await posdOn(dir, sim);
    expect(pos.status().integrity.failure).toMatchObject({ code: 'tail_cut', seq: head - 1 });
    expect(paymentRefusal(pos).code).toBe('terminal_out_of_service');
    expect(pos.status().headSeq).toBe(head - 2);
  });

  it('the audit runs a chunk per turn of the event loop, so appends go on meanwhile', async () => {
    const { dir } = await settledJournal(3000, 0);
    const journal = Journal.open(dir);
    const audit = new JournalAudit(journal, { chunk: 500 });
    const running = audit.run();
    await new Promise((r) => setImmediate(r));
    const appended = journal.append(cashPayment(1));
    expect(appended.seq).toBe(journal.headSeq);
    const done = await running;
    expect(done.state).toBe('done');
    journal.close();
  }, 30_000);
});
