import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { createApiServer } from '../../src/api/http/index.js';
import { StatusSchema } from '../../src/api/http/schemas.js';
import { assemble } from '../../src/app/index.js';
import { UI_CONTENT_SECURITY_POLICY } from '../../src/api/http/static-ui.js';
import { fromHex } from '../../src/encoding/hex.js';
import { DEMO_PRODUCTS } from '../../hw-sim/demo/shelf.js';
import { decodeQrFromPng } from '../hw-sim/printer/qr-decode.js';
import { enrolKey } from '../support/acquirer.js';
import { tempDir } from '../support/tmp.js';
import { until } from '../support/wait.js';
import { errorCode, expectSchema, newKey, startApi } from './support.js';

/** A built UI in a temporary folder: the page and one hashed asset. */
function fakeUi(): string {
  const dir = tempDir('posd-ui-files-');
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><script type="module" src="/ui/assets/index-AbCdEf12.js"></script>');
  writeFileSync(join(dir, 'assets', 'index-AbCdEf12.js'), 'console.log("counter")');
  writeFileSync(join(dir, 'secret.txt'), 'not served: not a web file type');
  return dir;
}

const [WATER, , NOODLES] = DEMO_PRODUCTS;

describe('the counter screen files', () => {
  it('GET / and /ui/ answer the page without a token, with a CSP that forbids inline script, and always revalidated', async () => {
    const rig = await startApi({ api: { uiDir: fakeUi() } });
    for (const path of ['/', '/ui/']) {
      const res = await fetch(`${rig.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(await res.text()).toContain('/ui/assets/index-AbCdEf12.js');
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toBe(UI_CONTENT_SECURITY_POLICY);
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('hashed assets are cached for good; anything else under /ui/ is a 404, never a file outside the folder', async () => {
    const rig = await startApi({ api: { uiDir: fakeUi() } });
    const asset = await fetch(`${rig.url}/ui/assets/index-AbCdEf12.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toContain('text/javascript');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    for (const path of ['/ui/assets/nothing-12345678.js', '/ui/secret.txt', '/ui/../package.json', '/ui/%2e%2e/package.json', '/ui/assets/..%2f..%2fpackage.json', '/ui/index.html']) {
      const res = await fetch(`${rig.url}${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.text()).not.toContain('"name": "posd"');
    }
    for (const url of ['/ui/../package.json', '/ui/assets/../../secret.txt', '/ui/..%2F..%2Fpackage.json']) {
      const raw = await rig.api.app.inject({ method: 'GET', url });
      expect(raw.statusCode, url).toBe(404);
      expect(raw.body).not.toContain('"name": "posd"');
    }
  });

  it('the API stays behind its tokens, and a foreign Host gets nothing, page included', async () => {
    const rig = await startApi({ api: { uiDir: fakeUi() } });
    expect((await rig.call('GET', '/v1/status', { token: null })).status).toBe(401);
    expect((await rig.call('GET', '/v1/sale', { token: null })).status).toBe(401);
    const rebound = await rig.api.app.inject({ method: 'GET', url: '/', headers: { host: 'evil.example:8737' } });
    expect(rebound.statusCode).toBe(403);
    expect(rebound.body).not.toContain('<script');
  });

  it('without a built UI, / says how to build it (not a blank page)', async () => {
    const rig = await startApi({ api: { uiDir: tempDir('posd-no-ui-') } });
    const res = await fetch(`${rig.url}/`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run build');
  });
});

describe('the basket (GET, pay, empty) and the merchant QR as modules', () => {
  it('answers the basket rung up at the counter, pays it by cash in one call, and is empty after', async () => {
    const rig = await startApi({ devices: true, assemble: { products: DEMO_PRODUCTS } });
    const empty = await rig.call('GET', '/v1/sale', { token: rig.token.counter });
    expect(empty.body).toEqual({ items: [], count: 0, total: 0, asset: null });
    rig.terminal.sale.scan(WATER!.gtin);
    rig.terminal.sale.scan(NOODLES!.gtin);
    rig.terminal.sale.scan(WATER!.gtin);
    const sale = await rig.call<{ items: { gtin: string; quantity: number }[]; total: number; count: number; asset: string }>('GET', '/v1/sale', { token: rig.token.counter });
    expect(sale.body).toMatchObject({ count: 3, total: 2 * WATER!.price + NOODLES!.price, asset: 'CNY' });
    expect(sale.body.items).toEqual([
      { gtin: WATER!.gtin, name: WATER!.name, unitPrice: WATER!.price, quantity: 2 },
      { gtin: NOODLES!.gtin, name: NOODLES!.name, unitPrice: NOODLES!.price, quantity: 1 },
    ]);
    const paid = await rig.call<{ state: string; amount: number; items: unknown[]; facts: { change: number } }>('POST', '/v1/sale/pay', { token: rig.token.counter, body: { method: 'cash', tendered: 2000 } });
    expect(paid.status).toBe(201);
    expect(paid.body).toMatchObject({ state: 'succeeded', amount: sale.body.total, facts: { change: 2000 - sale.body.total } });
    expect(paid.body.items).toHaveLength(2);
    expect((await rig.call('GET', '/v1/sale', { token: rig.token.counter })).body).toMatchObject({ count: 0, total: 0 });
  });

  it('refuses to pay an empty basket (422 empty_sale) and to empty one being paid (409 busy); empties one that is not', async () => {
    const rig = await startApi({ devices: true, assemble: { products: DEMO_PRODUCTS } });
    const nothing = await rig.call('POST', '/v1/sale/pay', { token: rig.token.counter });
    expect(nothing.status).toBe(422);
    expect(errorCode(nothing)).toBe('empty_sale');
    rig.terminal.sale.scan(NOODLES!.gtin);
    const waiting = await rig.call<{ id: string; state: string; method: string }>('POST', '/v1/sale/pay', { token: rig.token.counter, body: { method: 'cash' } });
    expect(waiting.body).toMatchObject({ state: 'waiting_for_customer', method: 'cash' });
    const busy = await rig.call('DELETE', '/v1/sale', { token: rig.token.counter });
    expect(busy.status).toBe(409);
    expect(errorCode(busy)).toBe('busy');
    await rig.call('POST', `/v1/payments/${waiting.body.id}/cancel`, { token: rig.token.counter });
    await until(() => rig.terminal.payments.current() === undefined, 'the payment canceled');
    const cleared = await rig.call('DELETE', '/v1/sale', { token: rig.token.counter });
    expect(cleared.body).toMatchObject({ count: 0, items: [] });
    const bad = await rig.call('POST', '/v1/sale/pay', { token: rig.token.counter, body: { method: 'cheque' } });
    expect(bad.status).toBe(400);
    expect(errorCode(bad)).toBe('invalid_request');
  });

  it('is for registers and the counter, not the technician', async () => {
    const rig = await startApi();
    expect((await rig.call('GET', '/v1/sale', { token: rig.token.register })).status).toBe(200);
    const technician = await rig.call('GET', '/v1/sale', { token: rig.token.technician });
    expect(technician.status).toBe(403);
    expect(errorCode(technician)).toBe('forbidden');
  });

  it('draws the merchant QR of a waiting payment as modules that decode to its payload; 422 for one without a QR', async () => {
    const rig = await startApi({ devices: true, assemble: { products: DEMO_PRODUCTS } });
    enrolKey(rig.sim!.acquirer!, fromHex(rig.terminal.publicKey, 32));
    const cash = await rig.call<{ id: string }>('POST', '/v1/payments', { token: rig.token.counter, body: { amount: 500, asset: 'CNY', method: 'cash' }, headers: { 'idempotency-key': newKey() } });
    const noQr = await rig.call('GET', `/v1/payments/${cash.body.id}/qr`, { token: rig.token.counter });
    expect(noQr.status).toBe(422);
    expect(errorCode(noQr)).toBe('not_waiting');
    await rig.call('POST', `/v1/payments/${cash.body.id}/cancel`, { token: rig.token.counter });
    expect(errorCode(await rig.call('GET', '/v1/payments/pay_nothing/qr', { token: rig.token.counter }))).toBe('payment_not_found');

    const qrPayment = await rig.call<{ id: string }>('POST', '/v1/payments', { token: rig.token.counter, body: { amount: 800, asset: 'CNY', method: 'merchant_qr' }, headers: { 'idempotency-key': newKey() } });
    await until(() => rig.terminal.payments.get(qrPayment.body.id)?.prompt?.kind === 'show_qr', 'the QR order created', 10_000);
    const qr = await rig.call<{ payload: string; size: number; rows: string[]; expiresAt: number }>('GET', `/v1/payments/${qrPayment.body.id}/qr`, { token: rig.token.counter });
    expect(qr.status).toBe(200);
    const prompt = rig.terminal.payments.get(qrPayment.body.id)!.prompt as { payload: string; expiresAt: number };
    expect(qr.body).toMatchObject({ payload: prompt.payload, expiresAt: prompt.expiresAt });
    expect(qr.body.rows).toHaveLength(qr.body.size);
    expect(qr.body.rows.every((row) => row.length === qr.body.size && /^[01]+$/.test(row))).toBe(true);
    expect(decodeQrFromPng(modulesToPng(qr.body.rows))?.text).toBe(prompt.payload);
  });
});

describe('status for the counter screen', () => {
  it('carries the provisioning state (null when not configured) and the offline payments not yet settled', async () => {
    const rig = await startApi({ devices: true });
    const status = await rig.call<{ provisioning: unknown; offline: { count: number; byAsset: object; sinceSettlementMs: number } }>('GET', '/v1/status', { token: rig.token.counter });
    expectSchema(StatusSchema, status.body);
    expect(status.body.provisioning).toBeNull();
    expect(status.body.offline).toMatchObject({ count: 0, byAsset: {} });
    expect(status.body.offline.sinceSettlementMs).toBeGreaterThanOrEqual(0);
  });

  it('while unprovisioned: the enrolment code and key fingerprint to match', async () => {
    const dataDir = tempDir('posd-unprovisioned-');
    const pos = await assemble({ dataDir, merchant: { name: 'Shop' }, devices: {}, provisioning: { acquirerRootKey: 'ab'.repeat(32) } });
    const api = await createApiServer(pos, { dataDir, port: 0 });
    try {
      const url = await api.listen();
      const token = api.tokens.issue('counter', 'test').token;
      const res = await fetch(`${url}/v1/status`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await res.json()) as { provisioning: { state: string; pairing: { code: string; fingerprint: string } } };
      expectSchema(StatusSchema, body);
      expect(body.provisioning.state).toBe('unprovisioned');
      expect(body.provisioning.pairing).toEqual(pos.provisioning!.pairing());
      expect(body.provisioning.pairing.code).toMatch(/^[0-9]{8}$/);
    } finally {
      await api.close();
      await pos.stop();
    }
  });
});

/** QR modules as a PNG (4 px a module, a quiet zone of 4), for a QR decoder. */
function modulesToPng(rows: string[]): Buffer {
  const scale = 4;
  const quiet = 4;
  const side = (rows.length + 2 * quiet) * scale;
  const png = new PNG({ width: side, height: side });
  png.data.fill(255);
  rows.forEach((row, y) => {
    for (let x = 0; x < row.length; x++) {
      if (row[x] !== '1') continue;
      for (let dy = 0; dy < scale; dy++)
        for (let dx = 0; dx < scale; dx++) {
          const i = (((y + quiet) * scale + dy) * side + (x + quiet) * scale + dx) * 4;
          png.data[i] = png.data[i + 1] = png.data[i + 2] = 0;
        }
    }
  });
  return PNG.sync.write(png);
}
