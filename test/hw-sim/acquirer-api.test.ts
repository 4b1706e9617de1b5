import { describe, expect, it } from 'vitest';
import { Signer } from '../../src/crypto/ed25519.js';
import { toHex } from '../../src/encoding/hex.js';
import type { UploadAck } from '../../src/protocol/settlement.js';
import { verifyAckSignature } from '../../src/protocol/settlement.js';
import { ChainBuilder } from '../support/chain.js';
import { enrolKey, startAcquirer } from '../support/acquirer.js';
import type { AcquirerSimulator } from '../../hw-sim/acquirer/server.js';

async function post(sim: AcquirerSimulator, path: string, body: string): Promise<{ status: number; text: string; json: unknown }> {
  const res = await fetch(`${sim.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

function rowsIn(sim: AcquirerSimulator): number {
  return ['terminals', 'records', 'requests', 'closes', 'wallet_spends'].reduce(
    (n, table) => n + (sim.db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number),
    0,
  );
}

const pay = (amount: number, ref = `r${amount}`) => ({ kind: 'payment' as const, body: { asset: 'CNY', amount, tender: 'cash' as const, ref, details: {} } });

describe('acquirer API: bad requests get a clear error and write nothing', () => {
  it.each([
    ['not JSON', '{"v":1,', 400, 'bad_request'],
    ['missing records', (c: ChainBuilder) => JSON.stringify({ v: 1, terminal: c.terminal, batch: 'b1', publicKey: toHex(c.signer.publicKey) }), 400, 'bad_request'],
    ['an extra member', (c: ChainBuilder) => JSON.stringify({ ...JSON.parse(c.uploadBody('b1')), extra: true }), 400, 'bad_request'],
    ['a string seq', (c: ChainBuilder) => c.uploadBody('b1').replace('"seq":0', '"seq":"0"'), 400, 'bad_request'],
    ['no records', (c: ChainBuilder) => c.uploadBody('b1', []), 400, 'bad_request'],
    ['a batch id that is not the path', (c: ChainBuilder) => c.uploadBody('other'), 400, 'bad_request'],
    ['someone else\'s public key', (c: ChainBuilder) => c.uploadBody('b1').replace(toHex(c.signer.publicKey), toHex(Signer.generate().publicKey)), 403, 'terminal_key_mismatch'],
  ])('%s', async (_what, makeBody, status, error) => {
    const sim = await startAcquirer();
    const chain = new ChainBuilder();
    enrolKey(sim, chain.signer.publicKey);
    chain.add(pay(100));
    const body = typeof makeBody === 'string' ? makeBody : makeBody(chain);
    const res = await post(sim, `/v1/terminals/${chain.terminal}/uploads/b1`, body);
    expect(res.status).toBe(status);
    expect(res.json).toMatchObject({ error });
    expect(rowsIn(sim)).toBe(0);
  });

  it('replays the stored answer for the same key and body, and refuses the same key with another body (409)', async () => {
    const sim = await startAcquirer();
    const chain = new ChainBuilder();
    enrolKey(sim, chain.signer.publicKey);
    chain.add(pay(100));
    const first = await post(sim, `/v1/terminals/${chain.terminal}/uploads/b1`, chain.uploadBody('b1'));
    expect(first.status).toBe(200);
    const again = await post(sim, `/v1/terminals/${chain.terminal}/uploads/b1`, chain.uploadBody('b1'));
    expect(again.text).toBe(first.text);
    chain.add(pay(200));
    const before = rowsIn(sim);
    const conflict = await post(sim, `/v1/terminals/${chain.terminal}/uploads/b1`, chain.uploadBody('b1'));
    expect(conflict.status).toBe(409);
    expect(conflict.json).toMatchObject({ error: 'idempotency_conflict' });
    expect(rowsIn(sim)).toBe(before);
  });

  it('refuses a close from a terminal it has never heard of', async () => {
    const sim = await startAcquirer();
    const chain = new ChainBuilder();
    chain.add({ kind: 'checkpoint', body: { size: 1, root: '00'.repeat(32) } });
    const res = await post(
      sim,
      `/v1/terminals/${chain.terminal}/settlements/c1`,
      JSON.stringify({ v: 1, terminal: chain.terminal, close: 'c1', from: 0, through: 1, checkpoint: chain.records[1], totals: {}, consistency: null }),
    );
    expect(res.status).toBe(403);
    expect(rowsIn(sim)).toBe(0);
  });
});

describe('acquirer record checks', () => {
  async function upload(sim: AcquirerSimulator, chain: ChainBuilder, batch: string, records = chain.records): Promise<UploadAck> {
    enrolKey(sim, chain.signer.publicKey);
    const res = await post(sim, `/v1/terminals/${chain.terminal}/uploads/${batch}`, chain.uploadBody(batch, records));
    expect(res.status).toBe(200);
    verifyAckSignature(res.json, sim.publicKey);
    return res.json as UploadAck;
  }

  it('rejects a forged signature, a broken chain, a foreign key, wrong totals and a fork, each with its reason', async () => {
    const sim = await startAcquirer();
    const chain = new ChainBuilder();
    chain.add(pay(100));
    const forged = { ...chain.add(pay(200)), sig: 'ab'.repeat(64) };
    const records = [...chain.records.slice(0, 2), forged];
    const ack1 = await upload(sim, chain, 'b1', records);
    expect(ack1.accepted).toEqual([[0, 1]]);
    expect(ack1.rejected).toEqual([{ seq: 2, code: 'bad_signature', message: expect.any(String) }]);
    // The forged record occupied nothing: the genuine record 2 is accepted after it.
    expect((await upload(sim, chain, 'b1g', [chain.records[2]!])).accepted).toEqual([[2, 2]]);

    const broken = new ChainBuilder(chain.signer);
    broken.add(pay(100));
    broken.add(pay(300), (r) => ({ ...r, prev: 'cd'.repeat(32) }));
    const ack2 = await upload(sim, broken, 'b2', [broken.records[2]!]);
    expect(ack2.rejected[0]).toMatchObject({ seq: 2, code: 'conflict' });

    const other = new ChainBuilder();
    other.add(pay(100));
    other.add(pay(300), (r) => ({ ...r, prev: 'cd'.repeat(32) }));
    await upload(sim, other, 'c1', [other.records[0]!, other.records[1]!]);
    const ack3 = await upload(sim, other, 'c2', [other.records[2]!]);
    expect(ack3.rejected[0]).toMatchObject({ seq: 2, code: 'chain_break' });

    const stranger = Signer.generate();
    const third = new ChainBuilder();
    third.add(pay(100), (r) => r, stranger);
    const ack4 = await upload(sim, third, 'd1');
    expect(ack4.rejected[0]).toMatchObject({ seq: 1, code: 'unknown_key' });

    const fourth = new ChainBuilder();
    fourth.add(pay(100), (r) => ({ ...r, totals: { CNY: { n: 1, in: 10_000, out: 0 } } }));
    const ack5 = await upload(sim, fourth, 'e1');
    expect(ack5.rejected[0]).toMatchObject({ seq: 1, code: 'bad_totals' });
  });

  it('accepts records out of order and checks the links when the neighbours arrive', async () => {
    const sim = await startAcquirer();
    const chain = new ChainBuilder();
    for (let i = 1; i <= 5; i++) chain.add(pay(i * 10));
    const ack1 = await upload(sim, chain, 'b1', [chain.records[4]!, chain.records[0]!, chain.records[1]!]);
    expect(ack1.rejected).toEqual([]);
    const ack2 = await upload(sim, chain, 'b2', [chain.records[3]!, chain.records[2]!, chain.records[5]!]);
    expect(ack2.rejected).toEqual([]);
    expect(ack2.accepted).toEqual([[2, 3], [5, 5]]);
  });
});
