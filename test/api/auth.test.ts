import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { installGuard } from '../../src/api/http/auth/guard.js';
import { TokenStore } from '../../src/api/http/auth/token-store.js';
import { StatusSchema, TokenAnswer } from '../../src/api/http/schemas.js';
import { tempDir } from '../support/tmp.js';
import { errorCode, expectSchema, newKey, startApi } from './support.js';

const cashBody = { amount: 100, asset: 'CNY', method: 'cash', tendered: 100 };

describe('bearer tokens', () => {
  it('refuses a request without a token, with a malformed header, or with a token the terminal does not know (401, before reading the body)', async () => {
    const rig = await startApi();
    const none = await rig.call('POST', '/v1/payments', { token: null, body: cashBody, headers: { 'idempotency-key': newKey() } });
    expect(none.status).toBe(401);
    expect(errorCode(none)).toBe('unauthorized');
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    for (const authorization of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer a b', `Bearer ${'x'.repeat(500)}`, `Bearer posd_${'A'.repeat(43)}`]) {
      const bad = await rig.call('GET', '/v1/status', { token: null, headers: { authorization } });
      expect(bad.status, authorization.slice(0, 20)).toBe(401);
    }
    // 401 comes first: an unauthenticated body is not even parsed.
    const unread = await rig.call('POST', '/v1/payments', { token: null, raw: '{not json', headers: { 'content-type': 'application/json' } });
    expect(errorCode(unread)).toBe('unauthorized');
    expect(rig.terminal.payments.last()).toBeUndefined();
  });

  it('keeps only hashes on disk; tokens survive a restart; a revoked token stops working at once', async () => {
    const rig = await startApi();
    const file = readFileSync(join(rig.dataDir, 'api', 'tokens.json'), 'utf8');
    for (const token of Object.values(rig.token)) expect(file).not.toContain(token);
    expect(file).toContain('"sha256"');

    const reopened = TokenStore.open(join(rig.dataDir, 'api'));
    expect(reopened.verify(rig.token.register)?.scope).toBe('register');
    expect(reopened.verify(`${rig.token.register.slice(0, -1)}x`)).toBeUndefined();

    const list = await rig.call<{ tokens: { id: string; name: string }[] }>('GET', '/v1/tokens', { token: rig.token.technician });
    const register = list.body.tokens.find((t) => t.name === 'test register')!;
    const revoke = await rig.call('DELETE', `/v1/tokens/${register.id}`, { token: rig.token.technician });
    expect(revoke.status).toBe(200);
    const after = await rig.call('GET', '/v1/status');
    expect(after.status).toBe(401);
    expect(errorCode(after)).toBe('unauthorized');
    const again = await rig.call('DELETE', `/v1/tokens/${register.id}`, { token: rig.token.technician });
    expect(errorCode(again)).toBe('token_not_found');
  });

  it('any token revokes itself; only a technician revokes another', async () => {
    const rig = await startApi();
    const list = await rig.call<{ tokens: { id: string; scope: string }[] }>('GET', '/v1/tokens', { token: rig.token.counter });
    const technician = list.body.tokens.find((t) => t.scope === 'technician')!;
    const refused = await rig.call('DELETE', `/v1/tokens/${technician.id}`, { token: rig.token.counter });
    expect(refused.status).toBe(403);
    expect(errorCode(refused)).toBe('forbidden');
    const self = await rig.call('DELETE', '/v1/tokens/self', { token: rig.token.counter });
    expect(self.status).toBe(200);
    expect((await rig.call('GET', '/v1/status', { token: rig.token.counter })).status).toBe(401);
  });
});

describe('scopes', () => {
  it('each route takes the scopes it names: 403 for a token of another scope', async () => {
    const rig = await startApi();
    const cases: [string, string, keyof typeof rig.token, number][] = [
      ['GET', '/v1/tokens', 'register', 403],
      ['GET', '/v1/tokens', 'counter', 200],
      ['PUT', '/v1/profile', 'counter', 403],
      ['PUT', '/v1/profile', 'technician', 400], // past the guard: no profile in the body
      ['POST', '/v1/drawer/open', 'technician', 403],
      ['GET', '/v1/payments/last', 'technician', 403],
      ['GET', '/v1/status', 'register', 200],
      ['GET', '/v1/status', 'technician', 200],
    ];
    for (const [method, path, scope, status] of cases) {
      const answer = await rig.call(method, path, { token: rig.token[scope] });
      expect(answer.status, `${method} ${path} as ${scope}`).toBe(status);
      if (status === 403) expect(errorCode(answer)).toBe('forbidden');
    }
  });

  it('every route of the OpenAPI document is public on purpose or names its scopes', async () => {
    const rig = await startApi();
    const doc = (await rig.call<{ paths: Record<string, Record<string, { security?: unknown[]; description?: string }>> }>('GET', '/v1/openapi.json', { token: null })).body;
    const publicOnPurpose = ['POST /v1/pairings', 'POST /v1/pairings/register', 'POST /v1/pairings/counter', 'POST /v1/pairings/technician', 'GET /v1/health'];
    const unsecured: string[] = [];
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const name = `${method.toUpperCase()} ${path}`;
        if (operation.security) expect(operation.description, name).toMatch(/^Scopes: /);
        else unsecured.push(name);
      }
    }
    expect(unsecured.sort()).toEqual(publicOnPurpose.sort());
  });

  it('a route that names no scopes stops the server from starting', async () => {
    const app = Fastify();
    installGuard(app, TokenStore.open(tempDir()));
    expect(() => app.get('/v1/forgotten', async () => ({}))).toThrow(/names no scopes/);
  });

  it('the status shows the pairing code to the counter screen and the technician, never to a register', async () => {
    const rig = await startApi();
    rig.terminal.pairing.open();
    const code = rig.terminal.status().pairing.shown!.code;
    const counter = await rig.call<{ pairing: { code: string } }>('GET', '/v1/status', { token: rig.token.counter });
    expectSchema(StatusSchema, counter.body);
    expect(counter.body.pairing.code).toBe(code);
    const register = await rig.call<{ pairing: Record<string, unknown> }>('GET', '/v1/status');
    expectSchema(StatusSchema, register.body);
    expect(register.body.pairing).not.toHaveProperty('code');
    expect(JSON.stringify(register.body)).not.toContain(code);
    expect(register.body.pairing.expiresAt).toBeGreaterThan(Date.now());
  });
});

describe('pairing a register', () => {
  it('asks for a code (shown on the counter screen, never in the answer), types it, gets a register token that pays', async () => {
    const rig = await startApi();
    const ask = await rig.call<{ expiresAt: number; codeLength: number }>('POST', '/v1/pairings', { token: null });
    expect(ask.status).toBe(202);
    const shown = rig.terminal.status().pairing.shown!;
    expect(shown.code).toMatch(/^\d{6}$/);
    expect(ask.body).toEqual({ expiresAt: shown.expiresAt, codeLength: 6 });
    expect(JSON.stringify(ask.body)).not.toContain(shown.code);
    const askAgain = await rig.call<{ expiresAt: number }>('POST', '/v1/pairings', { token: null });
    expect(askAgain.body.expiresAt).toBe(shown.expiresAt);

    const paired = await rig.call<{ token: string; scope: string; name: string }>('POST', '/v1/pairings/register', { token: null, body: { code: shown.code, name: 'Till 2' } });
    expect(paired.status).toBe(201);
    expectSchema(TokenAnswer, paired.body);
    expect(paired.body).toMatchObject({ scope: 'register', name: 'Till 2' });
    const pay = await rig.call('POST', '/v1/payments', { token: paired.body.token, body: cashBody, headers: { 'idempotency-key': newKey() } });
    expect(pay.status).toBe(201);
    const tokens = await rig.call('GET', '/v1/tokens', { token: paired.body.token });
    expect(tokens.status).toBe(403);

    // Single use: the code is gone once used.
    const reuse = await rig.call('POST', '/v1/pairings/register', { token: null, body: { code: shown.code, name: 'Till 3' } });
    expect(reuse.status).toBe(422);
    expect(errorCode(reuse)).toBe('no_pairing_code');
  });

  it('locks pairing after five wrong codes (429 with retryAt and Retry-After), even for the right code, and drops the code shown', async () => {
    const rig = await startApi();
    await rig.call('POST', '/v1/pairings', { token: null });
    const code = rig.terminal.status().pairing.shown!.code;
    const wrong = code === '000000' ? '000001' : '000000';
    for (let i = 1; i <= 4; i++) {
      const answer = await rig.call('POST', '/v1/pairings/register', { token: null, body: { code: wrong, name: 'Mallory' } });
      expect(answer.status).toBe(403);
      expect(errorCode(answer)).toBe('bad_pairing_code');
    }
    const locked = await rig.call<{ error: { retryAt: number } }>('POST', '/v1/pairings/register', { token: null, body: { code: wrong, name: 'Mallory' } });
    expect(locked.status).toBe(429);
    expect(errorCode(locked)).toBe('pairing_locked');
    expect(locked.body.error.retryAt).toBeGreaterThan(Date.now());
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    const right = await rig.call('POST', '/v1/pairings/register', { token: null, body: { code, name: 'Till' } });
    expect(right.status).toBe(429);
    expect(rig.terminal.status().pairing).toMatchObject({ shown: null });
    const ask = await rig.call('POST', '/v1/pairings', { token: null });
    expect(ask.status).toBe(429);
    expect(rig.api.tokens.list().filter((t) => t.scope === 'register')).toHaveLength(1);
  });
});

describe('the counter screen and the technician', () => {
  it('the counter screen pairs from loopback with the ticket in the data directory; the ticket is single use and renewed', async () => {
    const rig = await startApi();
    const ticket = readFileSync(rig.api.counterTicketFile, 'utf8').trim();
    const wrong = await rig.call('POST', '/v1/pairings/counter', { token: null, body: { ticket: `${ticket}x` } });
    expect(wrong.status).toBe(403);
    expect(errorCode(wrong)).toBe('bad_counter_ticket');
    const paired = await rig.call<{ token: string; scope: string }>('POST', '/v1/pairings/counter', { token: null, body: { ticket } });
    expect(paired.status).toBe(201);
    expect(paired.body.scope).toBe('counter');
    expect((await rig.call('GET', '/v1/tokens', { token: paired.body.token })).status).toBe(200);
    const reused = await rig.call('POST', '/v1/pairings/counter', { token: null, body: { ticket } });
    expect(errorCode(reused)).toBe('bad_counter_ticket');
    const renewed = readFileSync(rig.api.counterTicketFile, 'utf8').trim();
    expect(renewed).not.toBe(ticket);

    const fromLan = await rig.api.app.inject({ method: 'POST', url: '/v1/pairings/counter', remoteAddress: '192.168.1.50', payload: { ticket: renewed } });
    expect(fromLan.statusCode).toBe(403);
    expect(fromLan.json()).toMatchObject({ error: { code: 'not_loopback' } });
    expect(readFileSync(rig.api.counterTicketFile, 'utf8').trim()).toBe(renewed);
  });

  it('technician tokens need the console PIN: 501 until the console hands posd its check; then wrong PINs lock', async () => {
    const without = await startApi();
    const notYet = await without.call('POST', '/v1/pairings/technician', { token: null, body: { pin: '246810' } });
    expect(notYet.status).toBe(501);
    expect(errorCode(notYet)).toBe('not_implemented');

    const rig = await startApi({ api: { technicianPin: (pin) => pin === '246810' } });
    const ok = await rig.call<{ scope: string; token: string }>('POST', '/v1/pairings/technician', { token: null, body: { pin: '246810', name: 'Li Wei' } });
    expect(ok.status).toBe(201);
    expect(ok.body.scope).toBe('technician');
    for (let i = 0; i < 5; i++) expect(errorCode(await rig.call('POST', '/v1/pairings/technician', { token: null, body: { pin: '111111' } }))).toBe('bad_technician_pin');
    const locked = await rig.call('POST', '/v1/pairings/technician', { token: null, body: { pin: '246810' } });
    expect(locked.status).toBe(429);
    expect(errorCode(locked)).toBe('too_many_attempts');
  });
});
