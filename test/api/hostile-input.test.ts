import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BODY_LIMIT } from '../../src/api/http/index.js';
import { ErrorSchema } from '../../src/api/http/schemas.js';
import { errorCode, expectSchema, newKey, startApi, type ApiRig } from './support.js';

const good = { amount: 1250, asset: 'CNY', method: 'cash', tendered: 2000 };

async function post(rig: ApiRig, raw: string, headers: Record<string, string> = {}) {
  return rig.call('POST', '/v1/payments', { raw, headers: { 'content-type': 'application/json', 'idempotency-key': newKey(), ...headers } });
}

describe('validation names the field', () => {
  it('wrong types, missing and unknown members, out-of-range numbers: 400 invalid_request with the field', async () => {
    const rig = await startApi();
    const cases: [unknown, string][] = [
      [{ ...good, amount: '1250' }, 'amount'],
      [{ ...good, amount: 12.5 }, 'amount'],
      [{ ...good, amount: -1 }, 'amount'],
      [{ ...good, amount: 1e300 }, 'amount'],
      [{ asset: 'CNY', method: 'cash' }, 'amount'],
      [{ ...good, asset: 'cny' }, 'asset'],
      [{ ...good, method: 'cheque' }, 'method'],
      [{ ...good, surprise: true }, 'surprise'],
      [{ ...good, items: [{ name: 'Tea', unitPrice: 1250, quantity: '1' }] }, 'items[0].quantity'],
      [{ ...good, items: [{ name: 'Tea', unitPrice: 1250, quantity: 1, colour: 'red' }] }, 'items[0].colour'],
      [{ ...good, items: Array.from({ length: 201 }, () => ({ name: 'x', unitPrice: 1, quantity: 1 })) }, 'items'],
      [{ ...good, timeoutMs: 1 }, 'timeoutMs'],
      [[good], '(body)'],
      ['a string', '(body)'],
    ];
    for (const [body, field] of cases) {
      const answer = await rig.call('POST', '/v1/payments', { body, headers: { 'idempotency-key': newKey() } });
      expect(answer.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expectSchema(ErrorSchema, answer.body);
      expect(answer.body, JSON.stringify(body).slice(0, 80)).toMatchObject({ error: { code: 'invalid_request', field } });
    }
    const sums = await rig.call('POST', '/v1/payments', { body: { ...good, items: [{ name: 'Tea', unitPrice: 100, quantity: 1 }] }, headers: { 'idempotency-key': newKey() } });
    expect(errorCode(sums)).toBe('bad_payment_request');
    expect(rig.terminal.payments.last()).toBeUndefined();
  });

  it('query strings and paths: bounded numbers, no allocation by a number sent', async () => {
    const rig = await startApi();
    const created = await rig.call<{ id: string }>('POST', '/v1/payments', { body: good, headers: { 'idempotency-key': newKey() } });
    for (const [path, field] of [
      [`/v1/payments/${created.body.id}?wait=abc`, 'wait'],
      [`/v1/payments/${created.body.id}?wait=60001`, 'wait'],
      [`/v1/payments/${created.body.id}?wait=1e20`, 'wait'],
      [`/v1/payments/${created.body.id}?wait=99999999999999999999999`, 'wait'],
      [`/v1/payments/${created.body.id}?what=1`, 'what'],
      ['/v1/payments?limit=100000000', 'limit'],
      ['/v1/payments?limit=-1', 'limit'],
      ['/v1/payments?idempotencyKey=%F0%9F%92%A9', 'idempotencyKey'],
      ['/v1/events?after=-5', 'after'],
      [`/v1/payments/${'a'.repeat(65)}`, 'id'],
    ] as const) {
      const answer = await rig.call('GET', path);
      expect(answer.status, path).toBe(400);
      expect(answer.body, path).toMatchObject({ error: { code: 'invalid_request', field } });
    }
  });
});

describe('hostile input never gets a 500', () => {
  it('bad JSON, __proto__ and constructor members, deep nesting, lone surrogates: 400 bad_json, nothing polluted', async () => {
    const rig = await startApi();
    const cases: [string, string][] = [
      ['{"amount":', 'truncated'],
      ['{"amount": 1250, "asset": "CNY",}', 'trailing comma'],
      ['', 'empty'],
      ['{"__proto__": {"polluted": true}, "amount": 1250, "asset": "CNY"}', '__proto__'],
      ['{"constructor": {"prototype": {"polluted": true}}, "amount": 1250, "asset": "CNY"}', 'constructor.prototype'],
      [`${'['.repeat(20_000)}${']'.repeat(20_000)}`, 'deep arrays'],
      [`${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`, 'deep objects'],
      [`{"amount":1250,"asset":"CNY","method":"cash","tendered":2000,"items":[{"name":"\\ud800","unitPrice":1250,"quantity":1}]}`, 'lone surrogate'],
      [`{"amount":1250,"asset":"CNY","method":"cash","tendered":2000,"items":[{"name":"\\udc00x","unitPrice":1250,"quantity":1}]}`, 'lone low surrogate'],
      [`{"\\ud800":1}`, 'lone surrogate in a member name'],
      [`{"amount":1e400,"asset":"CNY"}`, 'a number beyond double'],
      [`{"amount":${'9'.repeat(5000)},"asset":"CNY"}`, 'five thousand digits'],
      ['null', 'null'],
      ['123', 'a number'],
    ];
    for (const [raw, what] of cases) {
      const answer = await post(rig, raw);
      expect(answer.status, what).toBeGreaterThanOrEqual(400);
      expect(answer.status, what).toBeLessThan(500);
      expectSchema(ErrorSchema, answer.body);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(errorCode(await post(rig, '{"__proto__": {"x": 1}}'))).toBe('bad_json');
    expect(errorCode(await post(rig, `${'['.repeat(20_000)}${']'.repeat(20_000)}`))).toBe('bad_json');
    expect((await post(rig, `{"items":[{"name":"\\ud800"}]}`)).body).toMatchObject({ error: { code: 'bad_json', field: 'items[0].name' } });
    expect(rig.terminal.payments.last()).toBeUndefined();
  });

  it('oversized bodies (413), wrong content types (415), oversized headers, foreign Host names (403), unknown routes (404)', async () => {
    const rig = await startApi();
    const big = await post(rig, JSON.stringify({ ...good, items: [{ name: 'x'.repeat(BODY_LIMIT), unitPrice: 1, quantity: 1 }] }));
    expect(big.status).toBe(413);
    expect(errorCode(big)).toBe('body_too_large');
    for (const type of ['text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const answer = await post(rig, JSON.stringify(good), { 'content-type': type });
      expect(answer.status, type).toBe(415);
      expect(errorCode(answer)).toBe('unsupported_media_type');
    }
    const hugeHeader = await rig.call('GET', '/v1/status', { headers: { 'x-filler': 'y'.repeat(20_000) } });
    expect(hugeHeader.status).toBe(431);
    const nowhere = await rig.call('GET', '/v1/nowhere');
    expect(nowhere.status).toBe(404);
    expect(errorCode(nowhere)).toBe('route_not_found');
    for (const host of ['evil.example', 'posd.attacker.test:8737', '127.0.0.1.nip.io']) {
      const rebound = await rig.api.app.inject({ method: 'POST', url: '/v1/pairings', headers: { host } });
      expect(rebound.statusCode, host).toBe(403);
      expect(rebound.json()).toMatchObject({ error: { code: 'bad_host' } });
    }
    for (const host of ['127.0.0.1:8737', 'localhost', '[::1]:8737', '192.168.1.20']) {
      expect((await rig.api.app.inject({ method: 'GET', url: '/v1/health', headers: { host } })).statusCode, host).toBe(200);
    }
    const wrongMethod = await rig.call('PATCH', '/v1/payments');
    expect(wrongMethod.status).toBe(404);
    expect(rig.terminal.payments.last()).toBeUndefined();
  });

  it('any JSON value as a payment request: never a 500, always the one error envelope or a payment', async () => {
    const rig = await startApi();
    const member = fc.oneof(
      fc.constantFrom('amount', 'asset', 'method', 'items', 'tendered', 'timeoutMs', 'offline', 'idempotencyKey', '__proto__', 'constructor', 'toString'),
      fc.string({ maxLength: 8 }),
    );
    const value = fc.letrec((tie) => ({
      leaf: fc.oneof(fc.integer(), fc.double(), fc.string({ maxLength: 20, unit: 'binary' }), fc.boolean(), fc.constant(null), fc.constantFrom(1250, 'CNY', 'cash', 2000)),
      node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('leaf'), fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(member, tie('node'), { maxKeys: 5 })),
    })).node;
    await fc.assert(
      fc.asyncProperty(fc.dictionary(member, value, { maxKeys: 8 }), async (body) => {
        const answer = await rig.call('POST', '/v1/payments', { raw: JSON.stringify(body), headers: { 'content-type': 'application/json', 'idempotency-key': newKey() } });
        expect(answer.status).toBeLessThan(500);
        if (answer.status >= 400) expectSchema(ErrorSchema, answer.body);
        const active = rig.terminal.payments.current();
        if (active) rig.terminal.payments.cancel(active.id);
      }),
      { numRuns: 200 },
    );
  });
});
