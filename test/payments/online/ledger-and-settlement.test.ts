import { describe, expect, it } from 'vitest';
import { toHex } from '../../../src/encoding/hex.js';
import { PaymentEngine } from '../../../src/payments/engine.js';
import { AuthorizationClient } from '../../../src/payments/online/authorization-client.js';
import { ReturnError } from '../../../src/payments/refunds/errors.js';
import { Returns } from '../../../src/payments/refunds/returns.js';
import { ScannedCodeTender } from '../../../src/payments/scanned-code/scanned-code-tender.js';
import { proofStatementOfRecord, verifyPaymentProof } from '../../../src/protocol/authorization.js';
import { ChainVerifier } from '../../../src/protocol/chain-verifier.js';
import type { SignedRecord } from '../../../src/protocol/record.js';
import { JournalError } from '../../../src/terminal/ledger/errors.js';
import { Journal } from '../../../src/terminal/ledger/journal.js';
import { SensitiveCode } from '../../../src/terminal/scan-classification/sensitive.js';
import type { AcquirerSimulator } from '../../../hw-sim/acquirer/server.js';
import { drainerFor, enrolKey, startAcquirer } from '../../support/acquirer.js';
import { walletPayment } from '../../support/records.js';
import { tempDir } from '../../support/tmp.js';
import { until } from '../../support/wait.js';
import { fastPolicy, wechatCode } from './rig.js';

function parts(sim: AcquirerSimulator, journal: Journal) {
  enrolKey(sim, journal.genesisPublicKey);
  const policy = fastPolicy();
  const client = new AuthorizationClient({
    url: sim.url,
    acquirerPublicKey: sim.publicKey,
    terminalId: journal.terminalId,
    publicKey: () => toHex(journal.currentPublicKey),
    sign: (domain, text) => journal.signStatement(domain, text),
    timeoutMs: () => policy.timings.authTimeoutMs,
  });
  const engine = new PaymentEngine({
    terminalId: journal.terminalId,
    journal,
    book: journal.payments!,
    tenders: [new ScannedCodeTender(client)],
    policy: () => policy,
    settlement: () => ({ settledThrough: -1, lastSettledAt: Date.now() }),
  });
  const returns = new Returns({ journal, book: journal.returns!, payments: journal.payments!, acquirer: client, settledThrough: () => journal.settlement?.settledThrough ?? -1 });
  return { client, engine, returns };
}

async function payCode(engine: PaymentEngine, code: string, amount = 1000): Promise<string> {
  const payment = engine.create({ idempotencyKey: `k-${code.slice(-10)}`, amount, asset: 'CNY' });
  engine.present({ kind: 'code', code: new SensitiveCode(code), scheme: 'wechat' });
  await until(() => ['succeeded', 'declined', 'reversed', 'needs_attention'].includes(engine.get(payment.id)!.state), 'final', 15_000);
  return payment.id;
}

describe('online payments and the ledger', () => {
  it('a journal append that fails after the acquirer approved (a full disk) leaves nobody charged: the order is reversed', async () => {
    const sim = await startAcquirer();
    const journal = Journal.open(tempDir());
    const { engine, client } = parts(sim, journal);
    const append = journal.append.bind(journal);
    journal.append = ((draft, same) => {
      if (draft.kind === 'payment') throw new JournalError('disk_full', 'journal storage is full: database or disk is full');
      return append(draft, same);
    }) as Journal['append'];
    const id = await payCode(engine, wechatCode('00'));
    const payment = engine.get(id)!;
    expect(payment.state).toBe('reversed');
    expect(payment.facts.reversalCause).toBe('journal_failed');
    expect(sim.orders.store.get(journal.terminalId, payment.ref)).toMatchObject({ status: 'reversed', refunded: 1000 });
    expect(journal.headSeq).toBe(0);
    await engine.stop();
    client.stop();
    journal.close();
  });

  it('settlement rejects a code payment record the acquirer has no order for, or whose amount differs; it accepts the real one', async () => {
    const sim = await startAcquirer();
    const journal = Journal.open(tempDir());
    const { engine, client } = parts(sim, journal);
    const id = await payCode(engine, wechatCode('00'), 1200);
    const real = engine.get(id)!;
    const forged = journal.append({ kind: 'payment', body: { asset: 'CNY', amount: 999, tender: 'code', ref: 'no-such-order', details: { scheme: 'wechat' } } });
    const wrong = journal.append({ kind: 'payment', body: { asset: 'CNY', amount: 1300, tender: 'code', ref: real.ref, details: {} } });
    const twice = journal.append({ kind: 'payment', body: { asset: 'CNY', amount: 1200, tender: 'code', ref: real.ref, details: {} } });
    const dead: { seq: number; code: string }[] = [];
    const drainer = drainerFor(journal, sim);
    drainer.on('deadLetter', (d) => dead.push(d));
    await drainer.drain(3);
    expect(dead).toEqual([
      { seq: forged.seq, code: 'no_order', message: expect.stringContaining('no-such-order') },
      { seq: wrong.seq, code: 'order_mismatch', message: expect.stringContaining('1300') },
      { seq: twice.seq, code: 'order_mismatch', message: expect.stringContaining(`already recorded by record ${real.seq}`) },
    ]);
    expect(sim.orders.store.get(journal.terminalId, real.ref)!.matchedSeq).toBe(real.seq);
    await engine.stop();
    client.stop();
    journal.close();
  });

  it('the record keeps the acquirer proof: the chain verifier checks it with the acquirer key; a changed amount would not verify', async () => {
    const sim = await startAcquirer();
    const journal = Journal.open(tempDir());
    const { engine, client } = parts(sim, journal);
    const payment = engine.get(await payCode(engine, wechatCode('00'), 700))!;
    const record = JSON.parse(journal.get(payment.seq!)!.text) as Extract<SignedRecord, { kind: 'payment' }>;
    const proof = proofStatementOfRecord(record)!;
    expect(verifyPaymentProof(proof.statement, proof.proof, sim.publicKey)).toBe(true);
    expect(verifyPaymentProof({ ...proof.statement, amount: 701 }, proof.proof, sim.publicKey)).toBe(false);
    const verifier = new ChainVerifier({ acquirerPublicKey: sim.publicKey });
    for (const r of journal.records()) verifier.push(r.text);
    expect(verifier.finish().records).toBe(journal.headSeq + 1);
    const other = await startAcquirer();
    const strict = new ChainVerifier({ acquirerPublicKey: other.publicKey });
    expect(() => {
      for (const r of journal.records()) strict.push(r.text);
    }).toThrow(/bad_payment_proof|proof of order/);
    await engine.stop();
    client.stop();
    journal.close();
  });

  it('an offline wallet payment: no void, no refund before it is settled, then refunded online to the wallet through the acquirer', async () => {
    const sim = await startAcquirer();
    const journal = Journal.open(tempDir());
    const { returns, client } = parts(sim, journal);
    const wallet = journal.append(walletPayment(journal, 800, 'ab'.repeat(16), 1));
    const refused = async (p: Promise<unknown>): Promise<string> => p.then(() => 'none', (err: ReturnError) => err.code);
    expect(await refused(returns.void({ idempotencyKey: 'v', seq: wallet.seq }))).toBe('not_voidable');
    expect(await refused(returns.refund({ idempotencyKey: 'r', seq: wallet.seq, amount: 300 }))).toBe('not_refundable');
    await drainerFor(journal, sim).drain(3);
    const refund = await returns.refund({ idempotencyKey: 'r', seq: wallet.seq, amount: 300, reason: 'returned' });
    expect(refund).toMatchObject({ state: 'succeeded', tender: 'wallet_tap', amount: 300 });
    expect(sim.orders.store.refundedOf(journal.terminalId, wallet.seq)).toBe(300);
    expect(await refused(returns.refund({ idempotencyKey: 'r2', seq: wallet.seq, amount: 501 }))).toBe('exceeds_payment');
    client.stop();
    journal.close();
  });
});
