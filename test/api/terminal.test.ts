import { describe, expect, it } from 'vitest';
import { ReportAnswer, ReturnSchema, StatusSchema } from '../../src/api/http/schemas.js';
import type { Payment } from '../../src/payments/payment.js';
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

  it('X: the running totals once the facade has reports.x(), until then 501 not_implemented', async () => {
    const rig = await startApi();
    await rig.call('POST', '/v1/payments', { body: payCash, headers: { 'idempotency-key': newKey() } });
    const x = await rig.call('GET', '/v1/reports/x', { token: rig.token.counter });
    if (typeof (rig.terminal.reports as { x?: unknown }).x === 'function') {
      expect(x.status).toBe(200);
      expectSchema(ReportAnswer, x.body);
    } else {
      expect(x.status).toBe(501);
      expect(errorCode(x)).toBe('not_implemented');
    }
  });
});

describe('refunds and voids', () => {
  it('a cash refund by key once the facade has payments.refund(), until then 501; the same for voids and the lookup by key', async () => {
    const rig = await startApi();
    const paid = await rig.call<Payment>('POST', '/v1/payments', { body: payCash, headers: { 'idempotency-key': newKey() } });
    const key = newKey();
    const refund = await rig.call('POST', `/v1/payments/${paid.body.id}/refunds`, { body: { amount: 400, reason: 'one item back' }, headers: { 'idempotency-key': key } });
    const lookup = await rig.call('GET', `/v1/refunds?idempotencyKey=${key}`);
    const voided = await rig.call('POST', `/v1/payments/${paid.body.id}/void`, { body: {}, headers: { 'idempotency-key': newKey() } });
    if (typeof (rig.terminal.payments as { refund?: unknown }).refund === 'function') {
      expect(refund.status).toBe(200);
      expectSchema(ReturnSchema, refund.body);
      expect(refund.body).toMatchObject({ kind: 'refund', state: 'succeeded', amount: 400 });
      const again = await rig.call('POST', `/v1/payments/${paid.body.id}/refunds`, { body: { amount: 400, reason: 'one item back' }, headers: { 'idempotency-key': key } });
      expect(again.body).toEqual(refund.body);
      expect(lookup.body).toMatchObject({ key, kind: 'refund' });
      expect(voided.status).toBeLessThan(500);
    } else {
      for (const answer of [refund, lookup, voided]) {
        expect(answer.status).toBe(501);
        expect(errorCode(answer)).toBe('not_implemented');
      }
    }
    const noKey = await rig.call('POST', `/v1/payments/${paid.body.id}/refunds`, { body: { amount: 400 } });
    expect(errorCode(noKey)).toBe('missing_idempotency_key');
  });
});

describe('profile updates', () => {
  it('wait for provisioning: 501 with a clear message, technicians only', async () => {
    const rig = await startApi();
    const answer = await rig.call<{ error: { message: { en: string } } }>('PUT', '/v1/profile', { token: rig.token.technician });
    expect(answer.status).toBe(501);
    expect(answer.body.error.message.en).toContain('provisioning');
  });
});
