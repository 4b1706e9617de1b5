import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ErrorSchema, PaymentList, PaymentSchema } from '../../src/api/http/schemas.js';
import type { Payment } from '../../src/payments/payment.js';
import { until } from '../support/wait.js';
import { errorCode, expectSchema, newKey, startApi, type ApiRig } from './support.js';

type PaymentAnswer = Payment & { final: boolean; remainingMs: number; receipt?: { fields: Record<string, unknown>; lines: string[]; columns: number; verification: string } };

const cash = (amount: number, extra: Record<string, unknown> = {}) => ({ amount, asset: 'CNY', method: 'cash', ...extra });

async function waitingCash(rig: ApiRig, key = newKey(), extra: Record<string, unknown> = {}): Promise<PaymentAnswer> {
  const created = await rig.call<PaymentAnswer>('POST', '/v1/payments', { body: cash(1250, extra), headers: { 'idempotency-key': key } });
  expect(created.status).toBe(201);
  expect(created.body.state).toBe('waiting_for_customer');
  return created.body;
}

describe('cash through the API, end to end on the simulated counter', () => {
  it('pays in one call: succeeded with the change, the receipt as fields, printed lines and QR text, printed and the drawer opened', async () => {
    const rig = await startApi({ devices: true });
    await until(() => ['printer', 'gpio'].every((k) => rig.terminal.deviceHealth()[k as 'printer']?.state === 'ready'), 'printer and GPIO ready', 10_000);
    const items = [
      { gtin: '6923450657713', name: '绿茶 Green tea', unitPrice: 350, quantity: 2 },
      { name: 'Noodles', unitPrice: 550, quantity: 1 },
    ];
    const answer = await rig.call<PaymentAnswer>('POST', '/v1/payments', { body: cash(1250, { tendered: 2000, items }), headers: { 'idempotency-key': newKey() } });
    expect(answer.status).toBe(201);
    expectSchema(PaymentSchema, answer.body);
    expect(answer.headers.get('location')).toBe(`/v1/payments/${answer.body.id}`);
    expect(answer.body).toMatchObject({ state: 'succeeded', final: true, method: 'cash', amount: 1250, facts: { tendered: 2000, change: 750 }, remainingMs: 0 });
    expect(answer.body.seq).toBeGreaterThan(0);
    const receipt = answer.body.receipt!;
    expect(receipt.fields).toMatchObject({ merchant: 'Test shop', city: 'Hangzhou', terminal: rig.terminal.id, seq: answer.body.seq, method: 'cash', amount: 1250, tendered: 2000, change: 750, offline: false });
    expect(receipt.fields.items).toEqual([
      { name: '绿茶 Green tea', unitPrice: 350, quantity: 2, amount: 700 },
      { name: 'Noodles', unitPrice: 550, quantity: 1, amount: 550 },
    ]);
    expect(receipt.verification).not.toBe('');

    // The lines are what the printer got: every text line appears on the twin's paper, in order.
    await until(() => rig.sim!.twins.printer.text().includes('Noodles'), 'the receipt printed');
    const paper = rig.sim!.twins.printer.text().split('\n').map((l) => l.trim()).filter((l) => l !== '');
    let at = 0;
    for (const line of receipt.lines.map((l) => l.trim()).filter((l) => l !== '' && l !== '[QR]')) {
      const found = paper.indexOf(line, at);
      expect(found, `printed: ${line}\npaper:\n${paper.join('\n')}`).toBeGreaterThanOrEqual(0);
      at = found + 1;
    }
    // The verification payload is the QR the printer printed.
    const printedQr = rig.sim!.twins.printer.paper.filter((item) => item.kind === 'qr').map((item) => Buffer.from((item as { data: Uint8Array }).data).toString('utf8'));
    expect(printedQr).toContain(receipt.verification);
    await until(() => rig.sim!.twins.gpio.drawer!.isOpen, 'the drawer opened for cash');

    const again = await rig.call<PaymentAnswer>('GET', `/v1/payments/${answer.body.id}`);
    expect(again.body.receipt).toEqual(receipt);
  });

  it('pays in two calls: a waiting cash payment, too little cash refused (still waiting), then enough', async () => {
    const rig = await startApi();
    const waiting = await waitingCash(rig);
    expect(waiting.prompt).toEqual({ kind: 'cash' });
    const short = await rig.call('POST', `/v1/payments/${waiting.id}/cash`, { body: { tendered: 1000 } });
    expect(short.status).toBe(422);
    expect(errorCode(short)).toBe('insufficient_cash');
    expect((await rig.call<PaymentAnswer>('GET', `/v1/payments/${waiting.id}`)).body.state).toBe('waiting_for_customer');
    const paid = await rig.call<PaymentAnswer>('POST', `/v1/payments/${waiting.id}/cash`, { body: { tendered: 1300 } });
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ id: waiting.id, state: 'succeeded', facts: { tendered: 1300, change: 50 } });
    const late = await rig.call('POST', `/v1/payments/${waiting.id}/cash`, { body: { tendered: 1300 } });
    expect(errorCode(late)).toBe('not_waiting');
    expect(late.status).toBe(422);
  });

  it('takes the counter screen\'s token too, and 404s a payment that does not exist', async () => {
    const rig = await startApi();
    const answer = await rig.call<PaymentAnswer>('POST', '/v1/payments', { token: rig.token.counter, body: cash(100, { tendered: 100 }), headers: { 'idempotency-key': newKey() } });
    expect(answer.body.state).toBe('succeeded');
    const missing = await rig.call('GET', '/v1/payments/pay_00000000000000000000');
    expect(missing.status).toBe(404);
    expect(errorCode(missing)).toBe('payment_not_found');
    expectSchema(ErrorSchema, missing.body);
  });
});

describe('idempotency', () => {
  it('the same key and body answer the same payment; the same key with another body is 409 idempotency_conflict', async () => {
    const rig = await startApi();
    const key = newKey();
    const first = await rig.call<PaymentAnswer>('POST', '/v1/payments', { body: cash(880, { tendered: 1000 }), headers: { 'idempotency-key': key } });
    expect(first.status).toBe(201);
    const same = await rig.call<PaymentAnswer>('POST', '/v1/payments', { body: cash(880, { tendered: 1000 }), headers: { 'idempotency-key': key } });
    expect(same.status).toBe(200);
    expect(same.headers.get('idempotent-replayed')).toBe('true');
    expect(same.body.id).toBe(first.body.id);
    expect(same.body.seq).toBe(first.body.seq);
    const inBody = await rig.call<PaymentAnswer>('POST', '/v1/payments', { body: cash(880, { tendered: 1000, idempotencyKey: key }) });
    expect(inBody.body.id).toBe(first.body.id);

    const other = await rig.call('POST', '/v1/payments', { body: cash(990, { tendered: 1000 }), headers: { 'idempotency-key': key } });
    expect(other.status).toBe(409);
    expect(errorCode(other)).toBe('idempotency_conflict');
    expect((other.body as { error: { retryable: boolean } }).error.retryable).toBe(false);
    expect(rig.terminal.status().headSeq).toBe(first.body.seq);
  });

  it('requires a key, and the header and the member must agree', async () => {
    const rig = await startApi();
    const none = await rig.call('POST', '/v1/payments', { body: cash(100, { tendered: 100 }) });
    expect(none.status).toBe(400);
    expect(errorCode(none)).toBe('missing_idempotency_key');
    const both = await rig.call('POST', '/v1/payments', { body: cash(100, { tendered: 100, idempotencyKey: 'a-1' }), headers: { 'idempotency-key': 'b-2' } });
    expect(both.status).toBe(400);
    expect(both.body).toMatchObject({ error: { code: 'invalid_request', field: 'idempotencyKey' } });
    expect(rig.terminal.payments.last()).toBeUndefined();
  });
});

describe('one payment at a time', () => {
  it('a second payment while one waits is 409 busy (retryable, naming the one in progress); its own key still answers it', async () => {
    const rig = await startApi();
    const key = newKey();
    const waiting = await waitingCash(rig, key);
    const busy = await rig.call('POST', '/v1/payments', { body: cash(500, { tendered: 500 }), headers: { 'idempotency-key': newKey() } });
    expect(busy.status).toBe(409);
    expect(busy.body).toMatchObject({ error: { code: 'busy', retryable: true, paymentId: waiting.id } });
    const replay = await rig.call<PaymentAnswer>('POST', '/v1/payments', { body: cash(1250), headers: { 'idempotency-key': key } });
    expect(replay.status).toBe(200);
    expect(replay.body.id).toBe(waiting.id);
    const status = await rig.call<{ payment: { id: string; state: string } }>('GET', '/v1/status');
    expect(status.body.payment).toMatchObject({ id: waiting.id, state: 'waiting_for_customer' });
  });
});

describe('deadlines', () => {
  it('the register sets how long the customer has (timeoutMs) and every answer carries the deadline and the time left', async () => {
    const rig = await startApi();
    const waiting = await waitingCash(rig, newKey(), { timeoutMs: 30_000 });
    expect(waiting.deadline - waiting.createdAt).toBe(30_000);
    expect(waiting.remainingMs).toBeGreaterThan(0);
    expect(waiting.remainingMs).toBeLessThanOrEqual(30_000);
    const read = await rig.call<PaymentAnswer>('GET', `/v1/payments/${waiting.id}`);
    expect(read.body.deadline).toBe(waiting.deadline);
    await rig.call('POST', `/v1/payments/${waiting.id}/cancel`);
    const byDefault = await waitingCash(rig);
    expect(byDefault.deadline - byDefault.createdAt).toBe(180_000);
    const tooLong = await rig.call('POST', '/v1/payments', { body: cash(100, { timeoutMs: 3_600_000 }), headers: { 'idempotency-key': newKey() } });
    expect(tooLong.body).toMatchObject({ error: { code: 'invalid_request', field: 'timeoutMs' } });
  });
});

describe('cancel', () => {
  it('cancels a waiting payment (again: the same answer), and refuses a succeeded one as too late', async () => {
    const rig = await startApi();
    const waiting = await waitingCash(rig);
    const canceled = await rig.call<PaymentAnswer>('POST', `/v1/payments/${waiting.id}/cancel`);
    expect(canceled.status).toBe(200);
    expect(canceled.body).toMatchObject({ state: 'canceled', final: true });
    const again = await rig.call<PaymentAnswer>('POST', `/v1/payments/${waiting.id}/cancel`);
    expect(again.body.state).toBe('canceled');
    expect(again.body.version).toBe(canceled.body.version);

    const paid = await rig.call<PaymentAnswer>('POST', '/v1/payments', { body: cash(100, { tendered: 100 }), headers: { 'idempotency-key': newKey() } });
    const late = await rig.call('POST', `/v1/payments/${paid.body.id}/cancel`);
    expect(late.status).toBe(409);
    expect(errorCode(late)).toBe('too_late');
    expect((await rig.call<PaymentAnswer>('GET', `/v1/payments/${paid.body.id}`)).body.state).toBe('succeeded');
  });
});

describe('lost answers: recovery by key, the last payment', () => {
  it('a payment whose answer never reached the register is found by its key; an unknown key is an explicit 404', async () => {
    const rig = await startApi();
    const key = newKey();
    // The register sends the payment and the connection dies before the answer arrives.
    await new Promise<void>((resolve) => {
      const body = JSON.stringify(cash(4200, { tendered: 5000 }));
      const req = httpRequest(`${rig.url}/v1/payments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${rig.token.register}`, 'content-type': 'application/json', 'idempotency-key': key, 'content-length': Buffer.byteLength(body) },
      });
      req.on('error', () => resolve());
      req.end(body, () => {
        req.destroy();
        resolve();
      });
    });
    await until(() => rig.terminal.payments.byKey(key) !== undefined, 'the terminal took the payment');

    const found = await rig.call<PaymentAnswer>('GET', `/v1/payments?idempotencyKey=${key}`);
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({ idempotencyKey: key, state: 'succeeded', amount: 4200, facts: { change: 800 } });
    const retried = await rig.call<PaymentAnswer>('POST', '/v1/payments', { body: cash(4200, { tendered: 5000 }), headers: { 'idempotency-key': key } });
    expect(retried.body.id).toBe(found.body.id);
    expect(rig.terminal.status().headSeq).toBe(found.body.seq);

    const unknown = await rig.call('GET', `/v1/payments?idempotencyKey=${newKey()}`);
    expect(unknown.status).toBe(404);
    expect(errorCode(unknown)).toBe('payment_not_found');
    expect((unknown.body as { error: { message: { en: string } } }).error.message.en).toContain('safe');

    const last = await rig.call<PaymentAnswer>('GET', '/v1/payments/last');
    expect(last.body.id).toBe(found.body.id);
    const list = await rig.call('GET', '/v1/payments?limit=5');
    expectSchema(PaymentList, list.body);
  });

  it('the last payment on a terminal that has taken none is a 404', async () => {
    const rig = await startApi();
    const none = await rig.call('GET', '/v1/payments/last');
    expect(none.status).toBe(404);
    expect(errorCode(none)).toBe('payment_not_found');
  });
});

describe('long-poll', () => {
  it('a waiting GET answers when the payment changes; with a version it already passed, at once; a final payment at once', async () => {
    const rig = await startApi();
    const waiting = await waitingCash(rig);
    const polled = rig.call<PaymentAnswer>('GET', `/v1/payments/${waiting.id}?wait=60000&version=${waiting.version}`);
    await until(() => rig.api.stats().waiting === 1, 'the GET is waiting');
    await rig.call('POST', `/v1/payments/${waiting.id}/cash`, { body: { tendered: 2000 } });
    const changed = await polled;
    expect(changed.status).toBe(200);
    expect(changed.body.state).toBe('succeeded');

    const passed = await rig.call<PaymentAnswer>('GET', `/v1/payments/${waiting.id}?wait=60000&version=0`);
    expect(passed.body.state).toBe('succeeded');
    const final = await rig.call<PaymentAnswer>('GET', `/v1/payments/${waiting.id}?wait=60000`);
    expect(final.body.final).toBe(true);
  });

  it('a waiting GET answers with the unchanged payment when its time is up', async () => {
    const rig = await startApi();
    const waiting = await waitingCash(rig);
    const polled = await rig.call<PaymentAnswer>('GET', `/v1/payments/${waiting.id}?wait=50`);
    expect(polled.status).toBe(200);
    expect(polled.body.version).toBe(waiting.version);
  });
});

describe('reprint and drawer', () => {
  it('reprints on the printer twin and opens the drawer; without them, says so (503), and a payment without a receipt is refused', async () => {
    const rig = await startApi({ devices: true });
    await until(() => ['printer', 'gpio'].every((k) => rig.terminal.deviceHealth()[k as 'printer']?.state === 'ready'), 'printer and GPIO ready', 10_000);
    const paid = await rig.call<PaymentAnswer>('POST', '/v1/payments', { body: cash(300, { tendered: 300, items: [{ name: 'Buns', unitPrice: 300, quantity: 1 }] }), headers: { 'idempotency-key': newKey() } });
    await until(() => rig.sim!.twins.printer.text().split('Buns').length === 2, 'first receipt');
    const reprint = await rig.call('POST', `/v1/payments/${paid.body.id}/reprint`);
    expect(reprint.status).toBe(200);
    expect(reprint.body).toEqual({ printed: true });
    expect(rig.sim!.twins.printer.text().split('Buns').length).toBe(3);

    await until(() => rig.sim!.twins.gpio.drawer!.isOpen, 'the drawer opened for cash');
    await rig.sim!.twins.gpio.drawer!.pushShut();
    expect(rig.sim!.twins.gpio.drawer!.isOpen).toBe(false);
    // Within the relay's recovery time after the cash kick, a kick is coalesced (no second pulse): ask until it pulses.
    let drawer = await rig.call<{ done: boolean; outcome: string }>('POST', '/v1/drawer/open', { body: { reason: 'change for a note' } });
    while (drawer.body.outcome === 'coalesced') drawer = await rig.call('POST', '/v1/drawer/open', { body: { reason: 'change for a note' } });
    expect(drawer.status).toBe(200);
    expect(drawer.body).toEqual({ done: true, outcome: 'pulsed' });
    await until(() => rig.sim!.twins.gpio.drawer!.isOpen, 'the drawer opened (no sale)');
    const noBody = await rig.call('POST', '/v1/drawer/open', { token: rig.token.counter });
    expect(noBody.status).toBe(200);

    const bare = await startApi();
    const bareCash = await bare.call<PaymentAnswer>('POST', '/v1/payments', { body: cash(300, { tendered: 300 }), headers: { 'idempotency-key': newKey() } });
    const noPrinter = await bare.call('POST', `/v1/payments/${bareCash.body.id}/reprint`);
    expect(noPrinter.status).toBe(503);
    expect(errorCode(noPrinter)).toBe('no_printer');
    const noDrawer = await bare.call('POST', '/v1/drawer/open');
    expect(noDrawer.status).toBe(503);
    expect(errorCode(noDrawer)).toBe('no_drawer');
    const waiting = await waitingCash(rig);
    const noReceipt = await rig.call('POST', `/v1/payments/${waiting.id}/reprint`);
    expect(errorCode(noReceipt)).toBe('not_waiting');
  });
});
