import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApiServer } from '../../src/api/http/index.js';
import { tailLog } from '../../src/app/service/log-tail.js';
import { redactConfig } from '../../src/app/service/redact.js';
import { TechnicianPin } from '../../src/app/service/technician-pin.js';
import { ConfigAnswer, DevicesAnswer, LogAnswer, QueueAnswer, SelfTestAnswer, SettleAnswer } from '../../src/api/http/service-schemas.js';
import { errorCode, expectSchema, newKey, startApi, type ApiRig } from './support.js';
import { tempDir } from '../support/tmp.js';

const PIN = '482916';

/** posd's API as posd.ts starts it: the PIN from the data directory, a log file, the redacted configuration. */
async function serviceRig(options: { devices?: boolean } = { devices: true }): Promise<ApiRig & { logFile: string }> {
  const dataDir = tempDir('posd-service-');
  const logFile = join(dataDir, 'posd.log');
  writeFileSync(logFile, `${['{"msg":"one"}', '{"msg":"two"}', '{"msg":"three"}'].join('\n')}\n`);
  const pins = new TechnicianPin(dataDir);
  const rig = await startApi({
    ...options,
    dataDir,
    api: {
      technicianPin: (pin) => (pins.check(pin), true),
      service: {
        log: (lines) => tailLog(lines, { file: logFile, journalctl: '/nonexistent/journalctl' }),
        config: () => ({ file: '/etc/posd/posd.json', config: redactConfig({ dataDir, api: { tls: { key: 'key.pem', cert: 'cert.pem' } }, acquirer: { url: 'http://u:pw@acq', publicKey: 'ab'.repeat(32) } }) }),
      },
    },
  });
  if (rig.sim) for (const device of Object.values(rig.terminal.devices)) await device.waitReady(5000);
  return { ...rig, logFile };
}

describe('technician routes (/v1/service)', () => {
  it('are for technician tokens only', async () => {
    const rig = await serviceRig({ devices: false });
    for (const [method, path] of [['GET', '/v1/service/devices'], ['POST', '/v1/service/tests/printer'], ['GET', '/v1/service/queue'], ['GET', '/v1/service/config'], ['GET', '/v1/service/log']] as const) {
      expect(errorCode(await rig.call(method, path, { token: rig.token.register }))).toBe('forbidden');
      expect(errorCode(await rig.call(method, path, { token: rig.token.counter }))).toBe('forbidden');
      expect(errorCode(await rig.call(method, path, { token: null }))).toBe('unauthorized');
    }
  });

  it('report every device with its state, paper, link and firmware', async () => {
    const rig = await serviceRig();
    const answer = await rig.call<{ devices: { kind: string; state: string; paper: string | null; firmware: string | null; link: string | null }[] }>('GET', '/v1/service/devices', { token: rig.token.technician });
    expect(answer.status).toBe(200);
    expectSchema(DevicesAnswer, answer.body);
    const byKind = Object.fromEntries(answer.body.devices.map((d) => [d.kind, d]));
    expect(Object.keys(byKind).sort()).toEqual(['gpio', 'nfc', 'printer', 'scanner']);
    expect(byKind.printer).toMatchObject({ state: 'ready', paper: 'ok', link: 'open' });
    expect(byKind.nfc!.firmware).toMatch(/^PN532 v1\.6$/);
  });

  it('print a test page, and fail it with the reason when the paper is out', async () => {
    const rig = await serviceRig();
    const ok = await rig.call<{ ok: boolean; code: string | null }>('POST', '/v1/service/tests/printer', { token: rig.token.technician });
    expectSchema(SelfTestAnswer, ok.body);
    expect(ok.body).toMatchObject({ test: 'printer', ok: true, code: null });
    expect(rig.sim!.twins.printer!.text()).toContain('TEST PAGE');

    rig.sim!.twins.printer!.setFault('paper_out', true);
    await waitForHealth(rig, 'printer', 'failed');
    const out = await rig.call<{ ok: boolean; code: string; reason: string }>('POST', '/v1/service/tests/printer', { token: rig.token.technician });
    expect(out.status).toBe(200);
    expect(out.body).toMatchObject({ ok: false, code: 'paper_out' });
    expect(out.body.reason).toMatch(/paper/i);
  });

  it('take one scan for the scan test, which does not reach the sale', async () => {
    const rig = await serviceRig();
    const seenBySale: string[] = [];
    rig.terminal.events.on('sale.refused', ({ reason }) => seenBySale.push(reason));
    rig.terminal.events.on('sale.item', () => seenBySale.push('item'));
    const waiting = rig.call<{ ok: boolean; detail: { text: string; kind: string } }>('POST', '/v1/service/tests/scanner', { token: rig.token.technician, body: { timeoutS: 10 } });
    await until(() => isHeld(rig));
    await rig.sim!.twins.scanner!.scan('6923450657713');
    const answer = await waiting;
    expectSchema(SelfTestAnswer, answer.body);
    expect(answer.body).toMatchObject({ ok: true, detail: { text: '6923450657713', kind: 'product' } });
    expect(rig.terminal.sale.current().isEmpty).toBe(true);
    expect(seenBySale).toEqual([]);
  });

  it('time out a scan test with a reason, and refuse a second one while the first waits (409 busy)', async () => {
    const rig = await serviceRig();
    const first = rig.call<{ ok: boolean; code: string }>('POST', '/v1/service/tests/scanner', { token: rig.token.technician, body: { timeoutS: 1 } });
    await until(() => isHeld(rig));
    const second = await rig.call('POST', '/v1/service/tests/scanner', { token: rig.token.technician, body: { timeoutS: 1 } });
    expect(second.status).toBe(409);
    expect(errorCode(second)).toBe('busy');
    expect((await first).body).toMatchObject({ ok: false, code: 'timeout' });
    expect(errorCode(await rig.call('POST', '/v1/service/tests/scanner', { token: rig.token.technician, body: { timeoutS: 0 } }))).toBe('invalid_request');
    expect(errorCode(await rig.call('POST', '/v1/service/tests/scanner', { token: rig.token.technician, body: { timeoutS: 1e9 } }))).toBe('invalid_request');
  });

  it('show the UID and type of a card in the field', async () => {
    const rig = await serviceRig();
    const waiting = rig.call<{ ok: boolean; detail: { uid: string; type: string } }>('POST', '/v1/service/tests/nfc', { token: rig.token.technician, body: { timeoutS: 10 } });
    await until(() => isHeld(rig, 'nfc'));
    rig.sim!.twins.nfc!.enterField(rig.sim!.cards.tag);
    const answer = await waiting;
    expectSchema(SelfTestAnswer, answer.body);
    expect(answer.body.ok).toBe(true);
    expect(answer.body.detail.type).toBe('type2');
    expect(answer.body.detail.uid).toMatch(/^[0-9a-f]{8,20}$/);
  });

  it('a wallet tapped for the tap test does not pay, and a scan test waits for no payment in progress (409 busy)', async () => {
    const rig = await serviceRig();
    const waiting = rig.call<{ ok: boolean; detail: { type: string } }>('POST', '/v1/service/tests/nfc', { token: rig.token.technician, body: { timeoutS: 10 } });
    const seenBySale: string[] = [];
    rig.terminal.events.on('sale.refused', ({ reason }) => seenBySale.push(reason));
    rig.terminal.events.on('payment.updated', (p) => seenBySale.push(p.id));
    await until(() => isHeld(rig, 'nfc'));
    rig.sim!.twins.nfc!.enterField(rig.sim!.cards.wallet!);
    expect((await waiting).body).toMatchObject({ ok: true, detail: { type: 'iso-dep' } });
    expect(seenBySale).toEqual([]);

    const payment = await rig.call<{ id: string }>('POST', '/v1/payments', { body: { idempotencyKey: newKey(), amount: 500, asset: 'CNY', method: 'cash' } });
    expect(payment.status).toBeLessThan(300);
    const busy = await rig.call('POST', '/v1/service/tests/scanner', { token: rig.token.technician, body: { timeoutS: 1 } });
    expect(busy.status).toBe(409);
    expect(errorCode(busy)).toBe('busy');
    expect(rig.terminal.service.waiting()).toEqual([]);
  });

  it('run the GPIO round: each light, the buzzer, the drawer', async () => {
    const rig = await serviceRig();
    const answer = await rig.call<{ ok: boolean; detail: { lights: Record<string, string>; buzzer: string; drawer: string } }>('POST', '/v1/service/tests/gpio', { token: rig.token.technician });
    expectSchema(SelfTestAnswer, answer.body);
    expect(answer.body.ok).toBe(true);
    expect(answer.body.detail).toMatchObject({ lights: { ready: 'lit', offline: 'lit', fault: 'lit' }, buzzer: 'played', drawer: 'pulsed' });
  });

  it('reach the acquirer with its latency, and fail with the reason when it is down', async () => {
    const rig = await serviceRig();
    const up = await rig.call<{ ok: boolean; detail: { latencyMs: number } }>('POST', '/v1/service/tests/acquirer', { token: rig.token.technician });
    expectSchema(SelfTestAnswer, up.body);
    expect(up.body.ok).toBe(true);
    expect(typeof up.body.detail.latencyMs).toBe('number');
    await rig.sim!.acquirer!.close();
    const down = await rig.call<{ ok: boolean; code: string; reason: string }>('POST', '/v1/service/tests/acquirer', { token: rig.token.technician });
    expect(down.body).toMatchObject({ ok: false, code: 'unreachable' });
    expect(down.body.reason).toContain('ECONNREFUSED');
  });

  it('a terminal without devices or acquirer answers not_configured for each test', async () => {
    const rig = await serviceRig({ devices: false });
    for (const test of ['printer', 'scanner', 'nfc', 'gpio', 'acquirer']) {
      const answer = await rig.call<{ ok: boolean; code: string }>('POST', `/v1/service/tests/${test}`, { token: rig.token.technician, body: {} });
      expect(answer.body).toMatchObject({ ok: false, code: 'not_configured' });
    }
  });

  it('show the queue and settle it', async () => {
    const rig = await serviceRig();
    // The acquirer answers every request with a server error: the payment waits in the queue.
    await rig.sim!.acquirer!.setFault({ mode: 'error500' });
    const payment = await rig.call<{ id: string }>('POST', '/v1/payments', { body: { idempotencyKey: newKey(), amount: 1250, asset: 'CNY', method: 'cash' } });
    expect(payment.status).toBeLessThan(300);
    await rig.call('POST', `/v1/payments/${payment.body.id}/cash`, { body: { tendered: 2000 } });
    const queue = await rig.call<{ deadLetters: unknown[]; pendingReversals: unknown[] }>('GET', '/v1/service/queue', { token: rig.token.technician });
    expectSchema(QueueAnswer, queue.body);
    expect(queue.body.deadLetters).toEqual([]);
    expect(queue.body.pendingReversals).toEqual([]);
    const refused = await rig.call<{ ok: boolean; code: string; reason: string }>('POST', '/v1/service/settle', { token: rig.token.technician, body: { attempts: 1 } });
    expectSchema(SettleAnswer, refused.body);
    expect(refused.body).toMatchObject({ ok: false, code: 'server_error' });
    expect(refused.body.reason).toMatch(/500/);
    await rig.sim!.acquirer!.setFault(undefined);
    const settled = await rig.call<{ ok: boolean; queue: { unsettledCount: number } }>('POST', '/v1/service/settle', { token: rig.token.technician });
    expectSchema(SettleAnswer, settled.body);
    expect(settled.body, JSON.stringify(settled.body)).toMatchObject({ ok: true });
    expect(settled.body.queue.unsettledCount).toBe(0);
  });

  it("give posd's log tail and its configuration with the secrets replaced", async () => {
    const rig = await serviceRig({ devices: false });
    const log = await rig.call<{ source: string; lines: string[] }>('GET', '/v1/service/log?lines=2', { token: rig.token.technician });
    expectSchema(LogAnswer, log.body);
    expect(log.body).toEqual({ source: rig.logFile, lines: ['{"msg":"two"}', '{"msg":"three"}'] });
    expect(errorCode(await rig.call('GET', '/v1/service/log?lines=0', { token: rig.token.technician }))).toBe('invalid_request');
    const config = await rig.call<{ config: { api: { tls: { key: string; cert: string } }; acquirer: { url: string; publicKey: string } } }>('GET', '/v1/service/config', { token: rig.token.technician });
    expectSchema(ConfigAnswer, config.body);
    expect(config.body.config.api.tls).toEqual({ key: '[redacted]', cert: 'cert.pem' });
    expect(config.body.config.acquirer).toEqual({ url: 'http://u:[redacted]@acq', publicKey: 'ab'.repeat(32) });
  });
});

describe('technician pairing with the console PIN', () => {
  it('is not_configured (422) until a PIN is set, then issues a technician token for the right PIN', async () => {
    const rig = await serviceRig({ devices: false });
    const none = await rig.call('POST', '/v1/pairings/technician', { token: null, body: { pin: PIN } });
    expect(none.status).toBe(422);
    expect(errorCode(none)).toBe('not_configured');
    new TechnicianPin(rig.dataDir).set(PIN);
    const paired = await rig.call<{ token: string; scope: string }>('POST', '/v1/pairings/technician', { token: null, body: { pin: PIN, name: 'field tech' } });
    expect(paired.status).toBe(201);
    expect(paired.body.scope).toBe('technician');
    expect((await rig.call('GET', '/v1/service/queue', { token: paired.body.token })).status).toBe(200);
  });

  it('locks out after five wrong PINs (429 with retryAt), and the lockout outlives posd', async () => {
    const rig = await serviceRig({ devices: false });
    new TechnicianPin(rig.dataDir).set(PIN);
    for (let i = 0; i < 4; i++) expect(errorCode(await rig.call('POST', '/v1/pairings/technician', { token: null, body: { pin: '000000' } }))).toBe('bad_technician_pin');
    const locked = await rig.call<{ error: { retryAt: number } }>('POST', '/v1/pairings/technician', { token: null, body: { pin: '000000' } });
    expect(locked.status).toBe(429);
    expect(errorCode(locked)).toBe('too_many_attempts');
    expect(locked.body.error.retryAt).toBeGreaterThan(Date.now() + 14 * 60_000);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(800);
    // The right PIN is refused too while locked, and a new posd (a new API on the same data directory) still refuses it.
    expect(errorCode(await rig.call('POST', '/v1/pairings/technician', { token: null, body: { pin: PIN } }))).toBe('too_many_attempts');
    await rig.api.close();
    const again = await createApiServer(rig.terminal, { dataDir: rig.dataDir, port: 0, technicianPin: (pin) => (new TechnicianPin(rig.dataDir).check(pin), true) });
    try {
      const url = await again.listen();
      const res = await fetch(`${url}/v1/pairings/technician`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pin: PIN }) });
      expect(res.status).toBe(429);
    } finally {
      await again.close();
    }
  });
});

function isHeld(rig: ApiRig, input: 'scanner' | 'nfc' = 'scanner'): boolean {
  return rig.terminal.service.waiting().includes(input);
}

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function waitForHealth(rig: ApiRig, kind: 'printer', state: string): Promise<void> {
  await until(() => rig.terminal.deviceHealth()[kind]?.state === state);
}
