import { afterEach, describe, expect, it } from 'vitest';
import { Signer } from '../../src/crypto/ed25519.js';
import { toHex } from '../../src/encoding/hex.js';
import { AuthorizationClient } from '../../src/payments/online/authorization-client.js';
import { AcquirerLink } from '../../src/provisioning/acquirer-link.js';
import { AcquirerClient } from '../../src/settlement/acquirer-client.js';
import { hostileAcquirer, type Misbehaviour } from './hostile-acquirer.js';

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});

async function acquirerThat(behaviour: Misbehaviour): Promise<string> {
  const server = await hostileAcquirer(() => behaviour);
  servers.push(server);
  return server.url;
}

/** The typed error a call failed with: its class name and code. */
async function failure(call: Promise<unknown>): Promise<{ name: string; code: string }> {
  const err = (await call.then(
    () => {
      throw new Error('the call succeeded');
    },
    (e: unknown) => e,
  )) as { name: string; code: string };
  return { name: err.name, code: err.code };
}

const HUGE: Misbehaviour = { kind: 'huge', bytes: 40 * 1024 * 1024 };
const CUT: Misbehaviour = { kind: 'cut', text: '{"v":1,"status":"appr', length: 200 };
const NOT_JSON_502: Misbehaviour = { kind: 'text', status: 502, text: '<html>Bad Gateway</html>' };
const NOT_JSON_200: Misbehaviour = { kind: 'text', status: 200, text: 'OK' };

describe("each acquirer client turns a broken or hostile answer into its own typed error", () => {
  const settle = (url: string) => new AcquirerClient(url, { timeoutMs: 5000, maxResponseBytes: 64 * 1024 }).post('/v1/settlement/batches', '{}');
  it.each([
    ['an answer past the size limit', HUGE, 'malformed_response'],
    ['an answer cut short', CUT, 'unreachable'],
    ['a 502 page that is not JSON', NOT_JSON_502, 'server_error'],
    ['a 200 that is not JSON', NOT_JSON_200, 'malformed_response'],
    ['409', { kind: 'json', status: 409, body: { error: 'conflict', message: 'other body' } } as Misbehaviour, 'idempotency_conflict'],
    ['400', { kind: 'json', status: 400, body: { error: 'bad_request' } } as Misbehaviour, 'rejected'],
  ])('settlement: %s is %s', async (_what, behaviour, code) => {
    expect(await failure(settle(await acquirerThat(behaviour)))).toEqual({ name: 'SettlementError', code });
  });

  const signer = Signer.generate();
  const authorize = (url: string) =>
    new AuthorizationClient({
      url,
      acquirerPublicKey: Signer.generate().publicKey,
      terminalId: 'term-1',
      publicKey: () => toHex(signer.publicKey),
      sign: (_domain, text) => ({ keyId: signer.keyId, sig: signer.sign(text) }),
      timeoutMs: () => 5000,
    }).authorize('ref-1', { scheme: 'wechat', code: '134567890123456789', amount: 100, asset: 'CNY' });
  it.each([
    // An authorisation whose answer is lost may have been approved: lost_answer makes posd query, never charge twice.
    ['an answer cut short', CUT, 'lost_answer'],
    ['an answer past the size limit', HUGE, 'bad_answer'],
    ['a 502 page that is not JSON', NOT_JSON_502, 'server_error'],
    ['a 200 that is not JSON', NOT_JSON_200, 'bad_answer'],
    ['503 system_error', { kind: 'json', status: 503, body: { error: 'system_error' } } as Misbehaviour, 'system_error'],
    ['403', { kind: 'json', status: 403, body: { error: 'not_enrolled' } } as Misbehaviour, 'rejected'],
  ])('authorisation: %s is %s', async (_what, behaviour, code) => {
    expect(await failure(authorize(await acquirerThat(behaviour)))).toEqual({ name: 'OnlineError', code });
  });

  const provision = (url: string) => new AcquirerLink(url, { timeoutMs: 5000, maxResponseBytes: 64 * 1024 }).get('/v1/acquirer');
  it.each([
    ['an answer cut short', CUT, 'unreachable'],
    ['an answer past the size limit', HUGE, 'malformed_response'],
    ['a 502 page that is not JSON', NOT_JSON_502, 'unreachable'],
    ['a 200 that is not JSON', NOT_JSON_200, 'malformed_response'],
    ['404', { kind: 'json', status: 404, body: { error: 'unknown_terminal', message: 'no such terminal' } } as Misbehaviour, 'rejected'],
  ])('provisioning: %s is %s', async (_what, behaviour, code) => {
    expect(await failure(provision(await acquirerThat(behaviour)))).toEqual({ name: 'ProvisioningFailure', code });
  });
});
