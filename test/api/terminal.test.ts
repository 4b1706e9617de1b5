import { describe, expect, it } from 'vitest';
import { ReportAnswer, ReturnSchema, StatusSchema } from '../../src/api/http/schemas.js';
import type { Payment } from '../../src/payments/payment.js';
import { randomBytes } from 'node:crypto';
import { toHex } from '../../src/encoding/hex.js';
import { dayAfter } from '../../src/terminal/reports/day-close.js';
import { startAcquirer } from '../support/acquirer.js';
import { until } from '../support/wait.js';
import { errorCode, expectSchema, newKey, startApi } from './support.js';

const payCash = { amount: 1000, asset: 'CNY', method: 'cash', tendered: 1000 };

describe('terminal status', () => {
  it('device health, the payment in progress, the offline queue (settlement), integrity and methods', async () => {
    const rig = await startApi({ devices: true });
    await until(() => Object.values(rig.terminal.deviceHealth()).length === 4 && Object.values(rig.terminal.deviceHealth()).every((h) => h.state === 'ready'), 'devices ready', 10_000);
    await rig.call('POST', '/v1/payments', { body: payCash, headers: { 'idempotency-key': newKey() } });
    const status = await rig.call<{
      devices: Record<string, { state: string }>;
      offlineQueue: { unsettledCount: number; state: string } | null;
      inService: boolean;
      methods: string[];
      publicKey: string;
      payment: unknown;
    }>('GET', '/v1/status');
    expect(status.status).toBe(200);
    expectSchema(StatusSchema, status.body);
    expect(Object.keys(status.body.devices).sort()).toEqual(['gpio', 'nfc', 'printer', 'scanner']);
    expect(status.body.devices.printer!.state).toBe('ready');
    expect(status.body.inService).toBe(true);
    expect(status.body.methods).toContain('cash');
    expect(status.body.publicKey).toBe(rig.terminal.publicKey);
    expect(status.body.payment).toBeNull();
    expect(status.body.offlineQueue).not.toBeNull();
    expect(typeof status.body.offlineQueue!.unsettledCount).toBe('number');

    const bare = await startApi();
    const noAcquirer = await bare.call<{ offlineQueue: unknown; devices: object }>('GET', '/v1/status');
    expect(noAcquirer.body.offlineQueue).toBeNull();
    expect(noAcquirer.body.devices).toEqual({});
    const health = await bare.call('GET', '/v1/health', { token: null });
    expect(health.body).toEqual({ ok: true, terminal: bare.terminal.id });
  });
});

describe('reports', () => {
  it('Z closes the day (signed day_close record and checkpoint), refused while a payment is in progress', async () => {
    const rig = await startApi();
    await rig.call('POST', '/v1/payments', { body: payCash, headers: { 'idempotency-key': newKey() } });
    const waiting = await rig.call<Payment>('POST', '/v1/payments', { body: { amount: 500, asset: 'CNY', method: 'cash' }, headers: { 'idempotency-key': newKey() } });
    const busy = await rig.call('POST', '/v1/reports/z', { token: rig.token.counter, body: { day: '2026-11-30' } });
    expect(busy.status).toBe(409);
    expect(errorCode(busy)).toBe('busy');
    await rig.call('POST', `/v1/payments/${waiting.body.id}/cancel`);
    const z = await rig.call<{ dayCloseSeq: number; through: number; from: number }>('POST', '/v1/reports/z', { token: rig.token.counter, body: { day: '2026-11-30' } });
    expect(z.status).toBe(200);
    expectSchema(ReportAnswer, z.body);
    expect(z.body.from).toBe(0);
    expect(z.body.dayCloseSeq).toBeGreaterThan(z.body.through);
    const badDay = await rig.call('POST', '/v1/reports/z', { token: rig.token.counter, body: { day: '30.11.2026' } });
    expect(badDay.body).toMatchObject({ error: { code: 'invalid_request', field: 'day' } });
  });

  it('X: the running totals since the last Z, by asset, kind and method; writes nothing; printed on request', async () => {
    const rig = await startApi();
    await rig.call('POST', '/v1/payments', { body: payCash, headers: { 'idempotency-key': newKey() } });
    const head = rig.terminal.status().headSeq;
    const x = await rig.call<{ type: string; records: number; tenders: unknown; totals: unknown; day: null; z: number; printed?: boolean }>('GET', '/v1/reports/x', { token: rig.token.counter });
    expect(x.status).toBe(200);
    expectSchema(ReportAnswer, x.body);
    expect(x.body).toMatchObject({ type: 'X', z: 1, day: null, records: 1, dayCloseSeq: null, checkpointSeq: null });
    expect(x.body.totals).toEqual({ CNY: { payment: { n: 1, amount: 1000 } } });
    expect(x.body.tenders).toEqual({ CNY: { cash: { payment: { n: 1, amount: 1000 } } } });
    expect(x.body.printed).toBeUndefined();
    expect(rig.terminal.status().headSeq).toBe(head);
    // No printer here: the report answers, printed false.
    const unprinted = await rig.call<{ printed: boolean }>('GET', '/v1/reports/x?print=true');
    expect(unprinted.status).toBe(200);
    expect(unprinted.body.printed).toBe(false);
  });

  it('Z twice for the same day is refused (day_closed); a Z without a day after a Z of today closes the next day; printed on request', async () => {
    const rig = await startApi({ devices: true, sim: { twins: ['printer'], wallets: 0 }, assemble: { settleInBackground: false } });
    await until(() => rig.terminal.deviceHealth().printer?.state === 'ready', 'printer ready', 10_000);
    await rig.call('POST', '/v1/payments', { body: payCash, headers: { 'idempotency-key': newKey() } });
    const first = await rig.call<{ day: string; z: number; printed: boolean; type: string }>('POST', '/v1/reports/z', { body: { print: true } });
    expect(first.status).toBe(200);
    expectSchema(ReportAnswer, first.body);
    expect(first.body).toMatchObject({ type: 'Z', z: 1, records: 1, printed: true });
    expect(rig.sim!.twins.printer.text()).toContain('Z REPORT');

    await rig.call('POST', '/v1/payments', { body: payCash, headers: { 'idempotency-key': newKey() } });
    const second = await rig.call<{ day: string; z: number }>('POST', '/v1/reports/z');
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ z: 2, day: dayAfter(first.body.day), records: 1 });
    const twice = await rig.call('POST', '/v1/reports/z', { body: { day: second.body.day } });
    expect(twice.status).toBe(409);
    expect(errorCode(twice)).toBe('day_closed');
    const notADate = await rig.call('POST', '/v1/reports/z', { body: { day: '2026-02-30' } });
    expect(notADate.status).toBe(400);
    expect(errorCode(notADate)).toBe('bad_day');
    expect((await rig.call<{ z: number }>('GET', '/v1/reports/x')).body.z).toBe(3);
  });
  it('a report to print while the paper is out answers after the wait with printed false, and prints once paper is back', async () => {
    const rig = await startApi({ devices: true, sim: { twins: ['printer'], wallets: 0 }, assemble: { settleInBackground: false } });
    await until(() => rig.terminal.deviceHealth().printer?.state === 'ready', 'printer ready', 10_000);
    rig.sim!.twins.printer.setFault('paper_out', true);
    const x = await rig.call<{ printed: boolean; type: string }>('GET', '/v1/reports/x?print=true');
    expect(x.status).toBe(200);
    expect(x.body).toMatchObject({ type: 'X', printed: false });
    rig.sim!.twins.printer.loadPaper();
    await until(() => rig.sim!.twins.printer.text().includes('X REPORT'), 'the report printed once paper was back', 15_000);
  }, 40_000);
});

describe('refunds and voids', () => {
  it('a cash refund by key; the same for voids and the lookup by key', async () => {
    const rig = await startApi();
    const paid = await rig.call<Payment>('POST', '/v1/payments', { body: payCash, headers: { 'idempotency-key': newKey() } });
    const key = newKey();
    const refund = await rig.call('POST', `/v1/payments/${paid.body.id}/refunds`, { body: { amount: 400, reason: 'one item back' }, headers: { 'idempotency-key': key } });
    const lookup = await rig.call('GET', `/v1/refunds?idempotencyKey=${key}`);
    const voided = await rig.call('POST', `/v1/payments/${paid.body.id}/void`, { body: {}, headers: { 'idempotency-key': newKey() } });
    expect(refund.status).toBe(200);
    expectSchema(ReturnSchema, refund.body);
    expect(refund.body).toMatchObject({ kind: 'refund', state: 'succeeded', amount: 400 });
    const again = await rig.call('POST', `/v1/payments/${paid.body.id}/refunds`, { body: { amount: 400, reason: 'one item back' }, headers: { 'idempotency-key': key } });
    expect(again.body).toEqual(refund.body);
    expect(lookup.body).toMatchObject({ key, kind: 'refund' });
    expect(voided.status).toBeLessThan(500);
    const noKey = await rig.call('POST', `/v1/payments/${paid.body.id}/refunds`, { body: { amount: 400 } });
    expect(errorCode(noKey)).toBe('missing_idempotency_key');
  });
});

describe('profile updates', () => {
  it('a technician installs a signed profile: changed and version; the same again changes nothing; older, foreign, tampered or unsigned ones are refused with their codes', async () => {
    const rig = await startApi({ devices: true, sim: { twins: [], wallets: 0 }, provisioning: true });
    const sim = rig.sim!.acquirer!;
    const unprovisioned = await rig.call<{ provisioning: { state: string; pairing: { code: string; fingerprint: string } } }>('GET', '/v1/status', { token: rig.token.counter });
    expectSchema(StatusSchema, unprovisioned.body);
    expect(unprovisioned.body.provisioning).toMatchObject({ state: 'unprovisioned', pairing: { code: rig.terminal.provisioning!.pairing().code, fingerprint: rig.terminal.provisioning!.pairing().fingerprint } });
    expect(unprovisioned.body.provisioning.pairing.code).toMatch(/^[0-9]{8}$/);

    const v1 = sim.fleet.profileOf(rig.terminal.id);
    const put = (profile: unknown, token = rig.token.technician) => rig.call<{ changed: boolean; version: number; provisioning: { state: string } }>('PUT', '/v1/profile', { token, body: profile });
    const registerTries = await put(v1, rig.token.register);
    expect(registerTries.status).toBe(403);
    const first = await put(v1);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ changed: true, version: 1, provisioning: { state: 'active' } });
    const v2 = sim.fleet.setProfile(rig.terminal.id, { receipts: { copies: 2 } });
    expect((await put(v2)).body).toMatchObject({ changed: true, version: 2 });
    expect((await put(v2)).body).toMatchObject({ changed: false, version: 2 });
    const status = await rig.call<{ provisioning: { state: string; version: number } }>('GET', '/v1/status');
    expectSchema(StatusSchema, status.body);
    expect(status.body.provisioning).toMatchObject({ state: 'active', version: 2 });

    const refusal = async (profile: unknown): Promise<{ status: number; code: string }> => {
      const answer = await put(profile);
      return { status: answer.status, code: errorCode(answer) };
    };
    expect(await refusal(v1)).toEqual({ status: 422, code: 'rollback' });
    const stranger = await startAcquirer();
    expect(await refusal(stranger.fleet.preEnrol(toHex(Buffer.from(rig.terminal.publicKey, 'hex'))))).toEqual({ status: 422, code: 'wrong_key' });
    const otherTerminal = sim.fleet.preEnrol(toHex(randomBytes(32)));
    expect(await refusal(otherTerminal)).toEqual({ status: 422, code: 'wrong_terminal' });
    const v3 = sim.fleet.setProfile(rig.terminal.id, { receipts: { copies: 1 } });
    expect(await refusal({ ...v3, version: 9 })).toEqual({ status: 422, code: 'bad_signature' });
    const { sig: _sig, ...unsigned } = v3 as unknown as Record<string, unknown>;
    expect(await refusal(unsigned)).toEqual({ status: 400, code: 'malformed' });
    expect(await refusal([v3])).toMatchObject({ status: 400 });
    expect((await put(v3)).body).toMatchObject({ changed: true, version: 3 });
  });

  it('a terminal without provisioning refuses a profile (not_configured), and only technicians may try', async () => {
    const rig = await startApi();
    const answer = await rig.call('PUT', '/v1/profile', { token: rig.token.technician, body: { v: 1 } });
    expect(answer.status).toBe(422);
    expect(errorCode(answer)).toBe('not_configured');
    expect((await rig.call('PUT', '/v1/profile', { token: rig.token.counter, body: { v: 1 } })).status).toBe(403);
  });
});
