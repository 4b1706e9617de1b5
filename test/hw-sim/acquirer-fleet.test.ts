import { describe, expect, it } from 'vitest';
import type { AcquirerSimulator } from '../../hw-sim/acquirer/server.js';
import { toHex } from '../../src/encoding/hex.js';
import { provisioningPath } from '../../src/protocol/provisioning-routes.js';
import { Journal } from '../../src/terminal/ledger/journal.js';
import { drainerFor, startAcquirer } from '../support/acquirer.js';
import { cashPayment } from '../support/records.js';
import { tempDir } from '../support/tmp.js';

async function fleet(sim: AcquirerSimulator, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${sim.controlUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${sim.operatorToken}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('the acquirer\'s fleet operations (control port, operator token)', () => {
  it('issue codes only for settings a terminal would accept, each refusal with its reason', async () => {
    const sim = await startAcquirer();
    expect(await fleet(sim, 'POST', '/fleet/codes', { changes: { tid: 'POS00001', merchant: { name: 'GOOD SHOP' } } })).toMatchObject({ status: 200, json: { code: expect.stringMatching(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/) } });
    for (const changes of [
      { merchant: { name: 'A MERCHANT NAME FAR TOO LONG FOR TAG 59' } },
      { merchant: { mcc: '54a1' } },
      { tid: 'short' },
      { offline: { maxCount: -1 } },
      { assets: [{ code: 'CNY', issuerKeys: [], methods: ['cash'] }], offline: { perPayment: { CNY: 100, MAT: 100 } } },
      { timings: { pollIntervalsMs: [] } },
      { settlement: { cutoffs: ['24:00'] } },
    ]) {
      const answer = await fleet(sim, 'POST', '/fleet/codes', { changes });
      expect(answer.status, JSON.stringify(changes)).toBe(400);
      expect(answer.json, JSON.stringify(changes)).toMatchObject({ error: 'bad_request', message: expect.any(String) });
    }
    expect((await fleet(sim, 'POST', '/fleet/codes', { ttlMs: 1e15 })).status).toBe(400);
    expect((await fleet(sim, 'PUT', `/fleet/terminals/${'ab'.repeat(8)}/profile`, { changes: {} })).status).toBe(404);
  });

  it('lists terminals with their state and last settlement, their batches and dead letters; endorses the key in force', async () => {
    const sim = await startAcquirer({ assets: ['CNY'] });
    const journal = Journal.open(tempDir());
    const enrolled = await fleet(sim, 'POST', '/fleet/enrolments', { publicKey: toHex(journal.genesisPublicKey), changes: { tid: 'POS00009' } });
    expect(enrolled).toMatchObject({ status: 200, json: { terminal: journal.terminalId, profile: { version: 1, tid: 'POS00009' } } });
    journal.append(cashPayment(100));
    journal.append(cashPayment(200, 'MAT'));
    await drainerFor(journal, sim).drainOnce();

    const { json: list } = await fleet(sim, 'GET', '/fleet/terminals');
    expect(list.terminals).toEqual([
      expect.objectContaining({ terminal: journal.terminalId, tid: 'POS00009', state: 'active', keyId: journal.currentKeyId, profileVersion: 1, settledThrough: expect.any(Number), lastSettlementAt: expect.any(Number), deadLetters: 1 }),
    ]);
    const { json: batches } = await fleet(sim, 'GET', `/fleet/terminals/${journal.terminalId}/batches?limit=10`);
    expect((batches.batches as { kind: string }[]).map((b) => b.kind)).toEqual(expect.arrayContaining(['upload', 'close']));
    expect((batches.batches as { balanced?: boolean }[]).some((b) => b.balanced === true)).toBe(true);
    const { json: dead } = await fleet(sim, 'GET', `/fleet/terminals/${journal.terminalId}/dead-letters`);
    expect(dead.deadLetters).toEqual([expect.objectContaining({ seq: 2, kind: 'payment', reason: expect.stringContaining('unknown_asset') })]);
    expect((await fleet(sim, 'GET', `/fleet/terminals/${journal.terminalId}/dead-letters?limit=99999999`)).status).toBe(400);

    // The terminal rotated and uploaded the rotation without asking: the operator endorses the key in force.
    journal.rotateKey();
    journal.append(cashPayment(300));
    await drainerFor(journal, sim).drainOnce();
    const endorsed = await fleet(sim, 'POST', `/fleet/terminals/${journal.terminalId}/endorse`, {});
    expect(endorsed).toMatchObject({ status: 200, json: { profile: { version: 2, endorsement: { keyId: journal.currentKeyId } } } });
    const profile = (await (await fetch(`${sim.url}${provisioningPath('profile', { terminal: journal.terminalId })}`)).json()) as { profile: { version: number } };
    expect(profile.profile.version).toBe(2);
    journal.close();
  });

  it('keeps a bounded number of server nonces and refuses a tid already in service', async () => {
    const sim = await startAcquirer();
    for (let i = 0; i < 1005; i++) sim.fleet.newNonce();
    expect(sim.db.prepare('SELECT COUNT(*) FROM enrolment_nonces').pluck().get()).toBe(1000);
    const a = Journal.open(tempDir());
    const b = Journal.open(tempDir());
    sim.fleet.preEnrol(toHex(a.genesisPublicKey), { tid: 'POS00005' });
    expect(() => sim.fleet.preEnrol(toHex(b.genesisPublicKey), { tid: 'POS00005' })).toThrow(/tid POS00005 belongs to another terminal/);
    a.close();
    b.close();
  });
});
