import { afterEach, describe, expect, it } from 'vitest';
import type { Payment } from '../../src/payments/payment.js';
import { until } from '../support/wait.js';
import { SseClient } from './sse-client.js';
import { errorCode, newKey, startApi } from './support.js';

const clients: SseClient[] = [];
afterEach(() => {
  while (clients.length) clients.pop()!.close();
});
async function open(url: string, token: string, headers: Record<string, string> = {}): Promise<SseClient> {
  const client = await SseClient.open(url, token, headers);
  clients.push(client);
  return client;
}

type PaymentEvent = { seq: number; type: string; data: { payment: Payment & { final: boolean } } };

describe('events over server-sent events', () => {
  it('a cash payment as numbered events, in order, each with id <stream>.<seq>; nothing after its final state', async () => {
    const rig = await startApi();
    const stream = await open(`${rig.url}/v1/events`, rig.token.register);
    expect(stream.status).toBe(200);
    const waiting = await rig.call<Payment>('POST', '/v1/payments', { body: { amount: 700, asset: 'CNY', method: 'cash' }, headers: { 'idempotency-key': newKey() } });
    await rig.call('POST', `/v1/payments/${waiting.body.id}/cash`, { body: { tendered: 1000 } });
    await until(() => stream.of<PaymentEvent>('payment.updated').some((e) => e.data.payment.state === 'succeeded'), 'the succeeded event');
    const updates = stream.of<PaymentEvent>('payment.updated');
    expect(updates.map((e) => e.data.payment.state)).toEqual(['created', 'waiting_for_customer', 'succeeded']);
    expect(updates.map((e) => e.data.payment.version)).toEqual([1, 2, 3]);
    const seqs = stream.events.map((e) => Number(e.id!.split('.')[1]));
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
    expect(stream.events.every((e) => e.id!.startsWith(`${rig.api.events.streamId}.`))).toBe(true);
    const succeeded = updates[2]!.data.payment as Payment & { receipt?: { verification: string } };
    const read = await rig.call<{ receipt: { verification: string } }>('GET', `/v1/payments/${waiting.body.id}`);
    expect(succeeded.receipt?.verification).toBe(read.body.receipt.verification);
    expect(read.body.receipt.verification).not.toBe('');

    // A stray or repeated announcement for a final payment is not published.
    const before = stream.events.length;
    rig.terminal.events.emit('payment.updated', { ...waiting.body, state: 'waiting_for_customer', version: 99 });
    rig.terminal.events.emit('payment.updated', rig.terminal.payments.get(waiting.body.id)!);
    await rig.call('POST', `/v1/payments/${waiting.body.id}/cancel`);
    const next = await rig.call<Payment>('POST', '/v1/payments', { body: { amount: 100, asset: 'CNY', method: 'cash', tendered: 100 }, headers: { 'idempotency-key': newKey() } });
    await until(() => stream.of<PaymentEvent>('payment.updated').some((e) => e.data.payment.id === next.body.id && e.data.payment.final), 'the next payment');
    expect(stream.events.slice(before).every((e) => !e.data.includes(waiting.body.id))).toBe(true);
  });

  it('a refund started from the counter screen reaches a register as return.updated events, its receipt with the succeeded one', async () => {
    const rig = await startApi();
    const paid = await rig.call<Payment>('POST', '/v1/payments', { body: { amount: 900, asset: 'CNY', method: 'cash', tendered: 900 }, headers: { 'idempotency-key': newKey() } });
    const stream = await open(`${rig.url}/v1/events`, rig.token.register);
    const key = newKey();
    const refund = await rig.call<{ key: string; state: string }>('POST', `/v1/payments/${paid.body.id}/refunds`, { token: rig.token.counter, body: { amount: 400, reason: 'one bowl back' }, headers: { 'idempotency-key': key } });
    expect(refund.status).toBe(200);
    type ReturnEvent = { type: string; data: { return: { key: string; kind: string; state: string; amount: number; of: number; final: boolean; receipt?: { verification: string } } } };
    await until(() => stream.of<ReturnEvent>('return.updated').some((e) => e.data.return.final), 'the final return event');
    const returns = stream.of<ReturnEvent>('return.updated').map((e) => e.data.return);
    const last = returns.at(-1)!;
    expect(last).toMatchObject({ key, kind: 'refund', state: 'succeeded', amount: 400, of: paid.body.seq, final: true });
    expect(last.receipt?.verification).toBeTruthy();
    // The same view the lookup by key answers.
    const looked = await rig.call<{ state: string; receipt?: { verification: string } }>('GET', `/v1/refunds?idempotencyKey=${key}`);
    expect(looked.body.receipt?.verification).toBe(last.receipt?.verification);
  });

  it('replays from Last-Event-ID after a dropped connection, and from ?after=N as a JSON page', async () => {
    const rig = await startApi();
    const first = await open(`${rig.url}/v1/events`, rig.token.register);
    const a = await rig.call<Payment>('POST', '/v1/payments', { body: { amount: 100, asset: 'CNY', method: 'cash', tendered: 100 }, headers: { 'idempotency-key': newKey() } });
    await until(() => first.events.length === 3, 'three events');
    const lastSeen = first.events[2]!.id!;
    first.close();
    const b = await rig.call<Payment>('POST', '/v1/payments', { body: { amount: 200, asset: 'CNY', method: 'cash', tendered: 200 }, headers: { 'idempotency-key': newKey() } });

    const resumed = await open(`${rig.url}/v1/events`, rig.token.register, { 'last-event-id': lastSeen });
    await until(() => resumed.events.length === 3, 'the missed events replayed');
    const replayed = resumed.of<PaymentEvent>('payment.updated');
    expect(replayed.map((e) => [e.data.payment.id, e.data.payment.state])).toEqual([
      [b.body.id, 'created'],
      [b.body.id, 'waiting_for_customer'],
      [b.body.id, 'succeeded'],
    ]);
    expect(replayed[0]!.seq).toBe(Number(lastSeen.split('.')[1]) + 1);

    const page = await rig.call<{ streamId: string; headSeq: number; events: PaymentEvent[] }>('GET', '/v1/events?after=1');
    expect(page.status).toBe(200);
    expect(page.body.streamId).toBe(rig.api.events.streamId);
    expect(page.body.events.map((e) => e.seq)).toEqual([2, 3, 4, 5, 6]);
    expect(page.body.events[0]!.data.payment.id).toBe(a.body.id);
    expect(page.body.headSeq).toBe(6);
  });

  it('a cursor older than the replay window: a reset event (SSE) or 410 cursor_expired (JSON); a cursor from before a restart: reset', async () => {
    const rig = await startApi({ api: { events: { capacity: 4 } } });
    for (let i = 0; i < 3; i++) await rig.call('POST', '/v1/payments', { body: { amount: 100 + i, asset: 'CNY', method: 'cash', tendered: 500 }, headers: { 'idempotency-key': newKey() } });
    expect(rig.api.events.headSeq).toBe(9);
    const expired = await rig.call('GET', '/v1/events?after=2');
    expect(expired.status).toBe(410);
    expect(errorCode(expired)).toBe('cursor_expired');
    const inWindow = await rig.call<{ events: { seq: number }[] }>('GET', '/v1/events?after=5');
    expect(inWindow.body.events.map((e) => e.seq)).toEqual([6, 7, 8, 9]);

    const stale = await open(`${rig.url}/v1/events`, rig.token.register, { 'last-event-id': `${rig.api.events.streamId}.2` });
    await until(() => stale.events.length === 1, 'a reset');
    expect(stale.events[0]!.event).toBe('reset');
    expect(JSON.parse(stale.events[0]!.data)).toMatchObject({ reason: 'cursor_expired', headSeq: 9 });
    expect(stale.events[0]!.id).toBe(`${rig.api.events.streamId}.9`);

    const otherRun = await open(`${rig.url}/v1/events`, rig.token.register, { 'last-event-id': '0123456789ab.3' });
    await until(() => otherRun.events.length === 1, 'a reset');
    expect(JSON.parse(otherRun.events[0]!.data)).toMatchObject({ reason: 'other_stream' });
    const ahead = await rig.call('GET', '/v1/events?after=500');
    expect(ahead.status).toBe(410);
  });

  it('heartbeats; the pairing code reaches the counter screen, not registers; device health reaches everyone', async () => {
    const rig = await startApi({ api: { heartbeatMs: 30 } });
    const register = await open(`${rig.url}/v1/events`, rig.token.register);
    const counter = await open(`${rig.url}/v1/events`, rig.token.counter);
    await until(() => register.comments.includes('heartbeat'), 'a heartbeat');
    rig.terminal.pairing.open();
    const code = rig.terminal.status().pairing.shown!.code;
    await until(() => counter.of('pairing.code').length === 1, 'the code on the counter stream');
    expect(counter.of<{ data: { code: string } }>('pairing.code')[0]!.data.code).toBe(code);
    rig.terminal.events.emit('device.health', { kind: 'printer', health: { state: 'degraded', reason: 'paper low', since: 1, detail: {} } });
    await until(() => register.of('device.health').length === 1, 'device health');
    expect(register.of('pairing.code')).toEqual([]);
    expect(register.events.some((e) => e.data.includes(code))).toBe(false);
    expect(register.of<{ data: unknown }>('device.health')[0]!.data).toMatchObject({ kind: 'printer', health: { reason: 'paper low' } });
  });

  it('needs a token like every route, and closes its streams when the server closes', async () => {
    const rig = await startApi();
    const anonymous = await rig.call('GET', '/v1/events', { token: null, headers: { accept: 'text/event-stream' } });
    expect(anonymous.status).toBe(401);
    const stream = await open(`${rig.url}/v1/events`, rig.token.counter);
    await until(() => rig.api.stats().streams === 1, 'open');
    await rig.api.close();
    await until(() => stream.closed, 'the stream ended');
  });
});
