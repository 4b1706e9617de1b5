import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnAcquirer, type AcquirerProcess } from '../../hw-sim/acquirer/child.js';
import type { AcquirerSimulator } from '../../hw-sim/acquirer/server.js';
import { startSimulatedTerminal } from '../../hw-sim/terminal/simulated-terminal.js';
import { Signer } from '../../src/crypto/ed25519.js';
import { toHex } from '../../src/encoding/hex.js';
import type { SignedRecord } from '../../src/protocol/record.js';
import { signRecord } from '../../src/protocol/record-codec.js';
import { settlementPath } from '../../src/protocol/settlement-routes.js';
import type { UploadAck } from '../../src/protocol/settlement.js';
import { Journal } from '../../src/terminal/ledger/journal.js';
import { drainerFor, enrolKey, startAcquirer } from '../support/acquirer.js';
import { ChainBuilder } from '../support/chain.js';
import { cashPayment, walletPayment } from '../support/records.js';
import { expectSettledExactlyOnce } from '../support/settlement-checks.js';
import { tempDir } from '../support/tmp.js';

/**
 * The attacks of the issue "Provisioning and a trustworthy acquirer", each tried on loopback
 * against the acquirer simulator: the genuine terminal keeps settling, a wallet's genuine
 * payment is accepted, the simulator stays up with bounded memory, every malformed input gets
 * a 4xx with a reason, and the control port answers only its operator.
 */

interface Answer {
  status: number;
  json: unknown;
}

async function send(url: string, method: string, body?: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(url, { method, headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers }, ...(body === undefined ? {} : { body }) });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json };
}

const post = (url: string, body: string, headers?: Record<string, string>): Promise<Answer> => send(url, 'POST', body, headers);

function expectRefusal(answer: Answer, what: string): void {
  expect(answer.status, `${what}: ${JSON.stringify(answer.json)}`).toBeGreaterThanOrEqual(400);
  expect(answer.status, `${what}: ${JSON.stringify(answer.json)}`).toBeLessThan(500);
  expect(answer.json, what).toMatchObject({ error: expect.any(String), message: expect.any(String) });
}

/** Well-formed records at a terminal's seqs, carrying its key id, with signatures nobody made. */
function forgedRecords(terminal: string, from: number, count: number, body = (seq: number) => cashPayment(1 + seq).body): unknown[] {
  return Array.from({ length: count }, (_, i) => ({
    v: 1,
    terminal,
    seq: from + i,
    kind: 'payment',
    time: { wall: 1_763_880_000_000, boot: 'forger', mono: i },
    prev: 'ee'.repeat(32),
    key: terminal,
    body: body(from + i),
    totals: { CNY: { n: 1, in: 1, out: 0 } },
    sig: 'ab'.repeat(64),
  }));
}

/** A checkpoint record at any seq, signed by the chain's key (its root need not hold: the close is refused or unbalanced first). */
function checkpointAt(chain: ChainBuilder, seq: number): SignedRecord {
  const last = chain.records[chain.records.length - 1]!;
  return signRecord(
    { v: 1, terminal: chain.terminal, seq, kind: 'checkpoint', time: last.time, prev: chain.hashes[chain.hashes.length - 1]!, key: chain.signer.keyId, body: { size: seq, root: '00'.repeat(32) }, totals: last.totals },
    chain.signer,
  ).record;
}

function uploadText(terminal: string, batch: string, publicKey: Uint8Array, records: unknown[]): string {
  return JSON.stringify({ v: 1, terminal, batch, publicKey: toHex(publicKey), records });
}

describe('(a) forged records at a genuine terminal\'s future seqs', () => {
  it('occupy no seq: the genuine records that follow are accepted and every later settlement balances', async () => {
    const sim = await startAcquirer();
    const journal = Journal.open(tempDir());
    journal.append(cashPayment(100));
    const drainer = drainerFor(journal, sim);
    await drainer.drainOnce();

    // The public key travels in every upload; the attacker has it, and aims at the next 1,000 seqs.
    const from = journal.headSeq + 1;
    const attack = await post(
      `${sim.url}${settlementPath('upload', { terminal: journal.terminalId, key: 'attack' })}`,
      uploadText(journal.terminalId, 'attack', journal.genesisPublicKey, forgedRecords(journal.terminalId, from, 1000)),
    );
    expect(attack.status).toBe(200);
    const ack = attack.json as UploadAck;
    expect(ack.accepted).toEqual([]);
    expect(ack.rejected).toHaveLength(1000);
    expect(new Set(ack.rejected.map((r) => r.code))).toEqual(new Set(['bad_signature']));
    expect(sim.heldRecords(journal.terminalId).filter((r) => r.seq >= from)).toEqual([]);

    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 5; i++) journal.append(cashPayment(200 + i));
      const report = await drainer.drainOnce();
      expect(report.recordsRejected).toBe(0);
      expect(drainer.status().counters).toMatchObject({ deadLetters: 0, unsettledCount: 0 });
    }
    expectSettledExactlyOnce(journal, sim);
    journal.close();
  });
});

describe('(b) a close whose `through` is 2^40', () => {
  it('is refused from a key that enrolled nowhere, bounded for an enrolled one, and the simulator stays up with bounded memory', async () => {
    // In its own process, so that a simulator that allocates until it dies does not take the test runner with it.
    const acquirer: AcquirerProcess = await spawnAcquirer(tempDir(), { bin: join(process.cwd(), 'dist/hw-sim/bin/hw-sim.js') });
    try {
      const operator = { authorization: `Bearer ${acquirer.token}` };
      const close = (chain: ChainBuilder, key: string, through: number, from = 0): Promise<Answer> =>
        post(
          `${acquirer.url}${settlementPath('close', { terminal: chain.terminal, key })}`,
          JSON.stringify({ v: 1, terminal: chain.terminal, close: key, from, through, checkpoint: checkpointAt(chain, through), totals: {}, consistency: null }),
        );

      // A self-registered key: its first upload is refused, so is its close.
      const stranger = new ChainBuilder();
      stranger.add(cashPayment(1));
      expectRefusal(await post(`${acquirer.url}${settlementPath('upload', { terminal: stranger.terminal, key: 'b1' })}`, stranger.uploadBody('b1')), 'upload from an unenrolled key');
      expectRefusal(await close(stranger, 'c1', 2 ** 40), 'close from an unenrolled key');

      // An enrolled terminal that misbehaves the same way.
      const enrolled = new ChainBuilder();
      enrolled.add(cashPayment(1));
      const enrolment = await post(`${acquirer.control}/fleet/enrolments`, JSON.stringify({ publicKey: toHex(enrolled.signer.publicKey) }), operator);
      expect(enrolment.status).toBe(200);
      const upload = await post(`${acquirer.url}${settlementPath('upload', { terminal: enrolled.terminal, key: 'b1' })}`, enrolled.uploadBody('b1'));
      expect(upload.status).toBe(200);
      expectRefusal(await close(enrolled, 'c1', 2 ** 40), 'through = 2^40');
      expectRefusal(await close(enrolled, 'c2', Number.MAX_SAFE_INTEGER), 'through = 2^53 - 1');
      // Within reach of what the acquirer holds, the missing seqs come back as ranges.
      const near = await close(enrolled, 'c3', 5000);
      expect(near.status).toBe(200);
      expect(near.json).toMatchObject({ balanced: false, missing: [[2, 4999]] });

      expect((await send(`${acquirer.url}/v1/acquirer`, 'GET')).status).toBe(200);
      const stats = (await send(`${acquirer.control}/stats`, 'GET', undefined, operator)).json as { memory: { rssBytes: number } };
      expect(stats.memory.rssBytes).toBeLessThan(400 * 1024 * 1024);
    } finally {
      await acquirer.stop();
    }
  }, 60_000);
});

describe('(c) a payment made with another wallet\'s next counters', () => {
  it('cannot take the counter: the wallet\'s genuine payments are accepted', async () => {
    const sim = await startAcquirer();
    const wallet = 'ab'.repeat(16);
    const journal = Journal.open(tempDir());
    journal.append(walletPayment(journal, 500, wallet, 7));

    // A self-registered key spends counters 7 and 8 first.
    const stranger = new ChainBuilder();
    stranger.add(walletPayment(stranger.terminal, 1, wallet, 7));
    stranger.add(walletPayment(stranger.terminal, 1, wallet, 8));
    expectRefusal(await post(`${sim.url}${settlementPath('upload', { terminal: stranger.terminal, key: 'x' })}`, stranger.uploadBody('x')), 'an unenrolled key spending counters');

    // A forger aims at the genuine terminal itself: records that do not verify occupy no counter.
    enrolKey(sim, journal.genesisPublicKey);
    const forged = forgedRecords(journal.terminalId, journal.headSeq + 2, 2, (seq) => walletPayment(journal.terminalId, 1, wallet, seq === journal.headSeq + 2 ? 8 : 9).body);
    const attack = await post(`${sim.url}${settlementPath('upload', { terminal: journal.terminalId, key: 'y' })}`, uploadText(journal.terminalId, 'y', journal.genesisPublicKey, forged));
    expect((attack.json as UploadAck).accepted).toEqual([]);

    const drainer = drainerFor(journal, sim);
    await drainer.drainOnce();
    journal.append(walletPayment(journal, 600, wallet, 8));
    journal.append(walletPayment(journal, 700, wallet, 9));
    const report = await drainer.drainOnce();
    expect(report.recordsRejected).toBe(0);
    expect(drainer.status().counters).toMatchObject({ deadLetters: 0, unsettledCount: 0 });
    const spends = sim.db.prepare('SELECT counter, terminal FROM wallet_spends WHERE wallet = ? ORDER BY counter').all(wallet);
    expect(spends).toEqual([7, 8, 9].map((counter) => ({ counter, terminal: journal.terminalId })));
    journal.close();
  });
});

describe('(d) malformed input', () => {
  async function enrolledChain(sim: AcquirerSimulator): Promise<ChainBuilder> {
    const chain = new ChainBuilder();
    enrolKey(sim, chain.signer.publicKey);
    chain.add(cashPayment(10));
    const res = await post(`${sim.url}${settlementPath('upload', { terminal: chain.terminal, key: 'seed' })}`, chain.uploadBody('seed'));
    expect(res.status).toBe(200);
    return chain;
  }

  it('gets a 4xx with a reason for every bad body, and the simulator keeps working', async () => {
    const sim = await startAcquirer();
    const chain = await enrolledChain(sim);
    const t = chain.terminal;
    const upload = (key: string) => `${sim.url}${settlementPath('upload', { terminal: t, key })}`;
    const closeUrl = (key: string) => `${sim.url}${settlementPath('close', { terminal: t, key })}`;
    const validUpload = (key: string): Record<string, unknown> => JSON.parse(chain.uploadBody(key)) as Record<string, unknown>;
    const closeBody = (key: string, checkpoint: unknown, through = 2): string => JSON.stringify({ v: 1, terminal: t, close: key, from: 0, through, checkpoint, totals: {}, consistency: null });

    const cases: [string, string, string][] = [
      ['a checkpoint without a body', closeUrl('k1'), closeBody('k1', { seq: 2, kind: 'checkpoint' })],
      ['a checkpoint with nothing but a seq', closeUrl('k0'), closeBody('k0', { seq: 2 })],
      ['a checkpoint that is a string', closeUrl('k2'), closeBody('k2', 'checkpoint')],
      ['a checkpoint of another kind', closeUrl('k3'), closeBody('k3', chain.records[1], 1)],
      ['a lone surrogate in a record string', upload('k4'), chain.uploadBody('k4').replace('"ref":"', '"ref":"\\ud800')],
      ['a lone surrogate in a member name', upload('k5'), chain.uploadBody('k5').replace('"details":{}', '"details":{"\\udc00x":1}')],
      ['a lone surrogate in a close', closeUrl('k6'), closeBody('k6', { ...chain.records[1], body: { size: 2, root: '\ud800' } })],
      ['seq = 1e300', upload('k7'), chain.uploadBody('k7').replace('"seq":1', '"seq":1e300')],
      ['through = 1e300', closeUrl('k8'), closeBody('k8', chain.records[1]).replace('"through":2', '"through":1e300')],
      ['a fractional seq', upload('k9'), chain.uploadBody('k9').replace('"seq":1', '"seq":1.5')],
      ['a __proto__ member in a record', upload('k17'), chain.uploadBody('k17').replace('"records":[{', '"records":[{"__proto__":{"polluted":true},')],
      ['a __proto__ member in details', upload('k18'), chain.uploadBody('k18').replace('"details":{}', '"details":{"__proto__":{"polluted":true}}')],
      ['an extra __proto__ member', upload('k10'), JSON.stringify(validUpload('k10')).replace('{', '{"__proto__":{"polluted":true},')],
      ['constructor.prototype', upload('k11'), JSON.stringify(validUpload('k11')).replace('{', '{"constructor":{"prototype":{"polluted":true}},')],
      ['an empty body', upload('k12'), ''],
      ['null', upload('k13'), 'null'],
      ['not JSON', upload('k14'), '{"v":1,'],
      ['deep nesting', upload('k15'), `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
      ['a record that is an array', upload('k16'), JSON.stringify({ ...validUpload('k16'), records: [[1, 2]] })],
    ];
    const notRefused: string[] = [];
    for (const [what, url, body] of cases) {
      const answer = await post(url, body);
      const refused = answer.status >= 400 && answer.status < 500 && typeof (answer.json as { error?: unknown }).error === 'string' && typeof (answer.json as { message?: unknown }).message === 'string';
      if (!refused) notRefused.push(`${what}: HTTP ${answer.status} ${JSON.stringify(answer.json).slice(0, 200)}`);
    }
    expect(notRefused).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // The largest seqs a record may carry are answered, not looped on.
    const highest = await post(upload('k19'), uploadText(t, 'k19', chain.signer.publicKey, forgedRecords(t, Number.MAX_SAFE_INTEGER - 1, 2, () => cashPayment(1).body)));
    expect(highest.status).toBe(200);
    expect((highest.json as UploadAck).rejected.map((r) => r.code)).toEqual(['bad_signature', 'bad_signature']);
    expectRefusal(await send(`${sim.url}/v1/terminals/${t}/uploads/${'x'.repeat(65)}`, 'POST', chain.uploadBody('x')), 'a key too long');
    expectRefusal(await send(`${sim.url}/v1/nowhere`, 'GET'), 'an unknown route');

    // Still working: the genuine terminal's next upload is accepted.
    chain.add(cashPayment(20));
    const res = await post(upload('after'), chain.uploadBody('after', [chain.records[2]!]));
    expect(res.status).toBe(200);
    expect((res.json as UploadAck).accepted).toEqual([[2, 2]]);
  });
});

describe('(e) the control port', () => {
  it('switches faults and shows stats only for its operator; every bad spec is a 4xx', async () => {
    const sim = await startAcquirer();
    const token = sim.operatorToken;
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: token }] as Record<string, string>[]) {
      expect((await post(`${sim.controlUrl}/faults`, JSON.stringify({ mode: 'error500' }), headers)).status).toBe(401);
      expect((await send(`${sim.controlUrl}/stats`, 'GET', undefined, headers)).status).toBe(401);
      expect((await send(`${sim.controlUrl}/faults`, 'DELETE', undefined, headers)).status).toBe(401);
      expect((await send(`${sim.controlUrl}/fleet/terminals`, 'GET', undefined, headers)).status).toBe(401);
    }
    expect(sim.faults.current).toBeUndefined();
    const operator = { authorization: `Bearer ${token}` };
    for (const spec of [{ mode: 'meltdown' }, { mode: 'delay', delayMs: 1e12 }, { mode: 'random', rate: 2 }, { mode: 'reset', count: -1 }, { mode: 'reset', extra: 1 }]) {
      expectRefusal(await post(`${sim.controlUrl}/faults`, JSON.stringify(spec), operator), JSON.stringify(spec));
    }
    expect((await post(`${sim.controlUrl}/faults`, JSON.stringify({ mode: 'error500', count: 1 }), operator)).status).toBe(200);
    expect(sim.faults.current).toMatchObject({ mode: 'error500' });
    expect((await send(`${sim.controlUrl}/stats`, 'GET', undefined, operator)).status).toBe(200);
  });

  it('of the simulated terminal injects scans and taps only for its operator', async () => {
    const terminal = await startSimulatedTerminal({ twins: ['scanner', 'nfc'], acquirer: false, control: true, wallets: 1 });
    try {
      const control = terminal.addresses.control!;
      for (const headers of [{}, { authorization: 'Bearer wrong' }] as Record<string, string>[]) {
        expect((await post(`${control}/scanner/scan`, JSON.stringify({ code: '6901234567892' }), headers)).status).toBe(401);
        expect((await post(`${control}/nfc/present`, JSON.stringify({ card: 'wallet' }), headers)).status).toBe(401);
        expect((await send(`${control}/printer/text`, 'GET', undefined, headers)).status).toBe(401);
      }
      expect(terminal.twins.nfc.targetsInField).toEqual([]);
      const operator = { authorization: `Bearer ${terminal.addresses.token}` };
      expect((await post(`${control}/nfc/present`, JSON.stringify({ card: 'wallet' }), operator)).status).toBe(200);
      expect(terminal.twins.nfc.targetsInField).toHaveLength(1);
    } finally {
      await terminal.close();
    }
  });
});

describe('an upload from someone else\'s key', () => {
  it('for an enrolled terminal is refused as a key mismatch', async () => {
    const sim = await startAcquirer();
    const chain = new ChainBuilder();
    enrolKey(sim, chain.signer.publicKey);
    const res = await post(`${sim.url}${settlementPath('upload', { terminal: chain.terminal, key: 'b1' })}`, uploadText(chain.terminal, 'b1', Signer.generate().publicKey, chain.records));
    expectRefusal(res, 'foreign key');
    expect(res.json).toMatchObject({ error: 'terminal_key_mismatch' });
  });
});
