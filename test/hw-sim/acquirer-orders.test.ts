import { describe, expect, it } from 'vitest';
import { keyIdOf, Signer } from '../../src/crypto/ed25519.js';
import { toHex } from '../../src/encoding/hex.js';
import { signRequest, type AuthorizeRequest, type RequestContent } from '../../src/protocol/authorization.js';
import { authorizationPath } from '../../src/protocol/authorization-routes.js';
import { enrolKey, startAcquirer } from '../support/acquirer.js';

const terminal = Signer.generate();
const as = (signer: Signer, terminalId = signer.keyId) => ({
  terminal: terminalId,
  publicKey: toHex(signer.publicKey),
  sign: (domain: string, text: string) => ({ keyId: signer.keyId, sig: signer.sign(domain + text) }),
  now: Date.now(),
});

async function post(url: string, path: string, body: string): Promise<{ status: number; text: string }> {
  const res = await fetch(new URL(path, url), { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: res.status, text: await res.text() };
}

function authorizeBody(ref: string, amount: number, signer = terminal, terminalId = signer.keyId): string {
  const content: RequestContent<AuthorizeRequest> = { op: 'authorize', ref, method: 'code', scheme: 'wechat', code: `13${String(Date.now()).slice(-10)}${String(amount).padStart(4, '0')}00`, amount, asset: 'CNY' };
  return signRequest<AuthorizeRequest>(content, as(signer, terminalId)).body;
}

describe('acquirer simulator: the order desk over HTTP', () => {
  it('answers the same request with the kept answer byte for byte, and the same ref with another request 409', async () => {
    const sim = await startAcquirer();
    enrolKey(sim, terminal.publicKey);
    const path = authorizationPath('authorize', { terminal: terminal.keyId, ref: 'order-1' });
    const body = authorizeBody('order-1', 500);
    const first = await post(sim.url, path, body);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ type: 'order', status: 'paid', amount: 500, ref: 'order-1' });
    const again = await post(sim.url, path, body);
    expect(again).toEqual(first);
    const other = await post(sim.url, path, authorizeBody('order-1', 600));
    expect(other.status).toBe(409);
    expect(JSON.parse(other.text)).toMatchObject({ error: 'idempotency_conflict' });
    expect(sim.orders.store.ordersOf(terminal.keyId)).toHaveLength(1);
  });

  it('refuses a bad signature, a key that is not the terminal\'s, an extra member and a path that disagrees with the body', async () => {
    const sim = await startAcquirer();
    enrolKey(sim, terminal.publicKey);
    const path = (ref: string, id = terminal.keyId) => authorizationPath('authorize', { terminal: id, ref });
    await post(sim.url, path('warm-up'), authorizeBody('warm-up', 100));

    const forged = JSON.parse(authorizeBody('order-2', 500)) as Record<string, unknown>;
    forged.amount = 5;
    expect((await post(sim.url, path('order-2'), JSON.stringify(forged))).status).toBe(401);

    const stranger = Signer.generate();
    const claimed = await post(sim.url, path('order-3'), authorizeBody('order-3', 500, stranger, terminal.keyId));
    expect(claimed.status).toBe(401);
    expect(JSON.parse(claimed.text)).toMatchObject({ error: 'unknown_key' });
    expect(keyIdOf(stranger.publicKey)).not.toBe(terminal.keyId);

    const extra = { ...(JSON.parse(authorizeBody('order-4', 500)) as Record<string, unknown>), tip: 1 };
    expect((await post(sim.url, path('order-4'), JSON.stringify(extra))).status).toBe(400);
    expect((await post(sim.url, path('order-5'), authorizeBody('order-6', 500))).status).toBe(400);
    expect(sim.orders.store.ordersOf(terminal.keyId).map((o) => o.ref)).toEqual(['warm-up']);
  });

  it('takes orders only from terminals it enrolled: a stranger is refused, not registered on first contact', async () => {
    const sim = await startAcquirer();
    const stranger = Signer.generate();
    const refused = await post(sim.url, authorizationPath('authorize', { terminal: stranger.keyId, ref: 'order-1' }), authorizeBody('order-1', 500, stranger));
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.text)).toMatchObject({ error: 'not_enrolled' });
    expect(sim.orders.store.ordersOf(stranger.keyId)).toHaveLength(0);
    enrolKey(sim, stranger.publicKey);
    expect((await post(sim.url, authorizationPath('authorize', { terminal: stranger.keyId, ref: 'order-1' }), authorizeBody('order-1', 500, stranger))).status).toBe(200);
  });
});
