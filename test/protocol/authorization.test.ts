import { describe, expect, it } from 'vitest';
import { Signer } from '../../src/crypto/ed25519.js';
import { canonicalJson } from '../../src/encoding/canonical-json.js';
import { toHex } from '../../src/encoding/hex.js';
import {
  AnswerError,
  paymentProofText,
  requestFingerprint,
  signAnswer,
  signRequest,
  verifyOrderAnswer,
  verifyRequestSignature,
  type AuthorizeRequest,
  type OrderAnswer,
  type QueryRequest,
} from '../../src/protocol/authorization.js';
import { authorizationPath } from '../../src/protocol/authorization-routes.js';

const terminal = Signer.fromSeed(new Uint8Array(32).fill(3));
const acquirer = Signer.fromSeed(new Uint8Array(32).fill(9));
const identity = (now: number) => ({ terminal: terminal.keyId, publicKey: toHex(terminal.publicKey), sign: (domain: string, text: string) => ({ keyId: terminal.keyId, sig: terminal.sign(domain + text) }), now });

function authorize(now = 1_763_880_000_000, amount = 550) {
  return signRequest<AuthorizeRequest>({ op: 'authorize', ref: 'ab12cd34lxyz0001', method: 'code', scheme: 'wechat', code: '134567890123456700', amount, asset: 'CNY' }, identity(now));
}

function answerTo(request: AuthorizeRequest, patch: Partial<OrderAnswer> = {}): OrderAnswer {
  return signAnswer<OrderAnswer>(
    {
      v: 1,
      type: 'order',
      op: 'authorize',
      terminal: request.terminal,
      ref: request.ref,
      request: requestFingerprint(request as unknown as Record<string, unknown>),
      at: 1,
      status: 'paid',
      method: 'code',
      amount: 550,
      asset: 'CNY',
      scheme: 'wechat',
      acquirerRef: 'sim0001',
      paidAt: 1,
      refunded: 0,
      expiresAt: null,
      reason: null,
      proof: null,
      ...patch,
    },
    acquirer,
  );
}

function errorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as AnswerError).code;
  }
  return undefined;
}

describe('the authorisation protocol', () => {
  it('signs a request as canonical JSON under its own domain; the fingerprint leaves the envelope out', () => {
    const a = authorize(1000);
    const b = authorize(2000);
    expect(a.body).toBe(canonicalJson(JSON.parse(a.body)));
    expect(verifyRequestSignature(a.request as unknown as Record<string, unknown>)).toBe(true);
    expect(verifyRequestSignature({ ...a.request, amount: 551 } as unknown as Record<string, unknown>)).toBe(false);
    expect(verifyRequestSignature({ ...a.request, publicKey: toHex(acquirer.publicKey) } as unknown as Record<string, unknown>)).toBe(false);
    expect(a.request.sig).not.toBe(b.request.sig);
    expect(requestFingerprint(a.request as unknown as Record<string, unknown>)).toBe(requestFingerprint(b.request as unknown as Record<string, unknown>));
    expect(requestFingerprint(authorize(1000, 551).request as unknown as Record<string, unknown>)).not.toBe(requestFingerprint(a.request as unknown as Record<string, unknown>));
    expect(authorizationPath('refund', { terminal: 'abcd', ref: 'r1', key: 'k:1' })).toBe('/v1/terminals/abcd/orders/r1/refunds/k%3A1');
  });

  it('takes only an answer signed by the acquirer, of the protocol shape, to this very request', () => {
    const { request } = authorize();
    expect(verifyOrderAnswer(answerTo(request), acquirer.publicKey, request).status).toBe('paid');
    expect(errorCode(() => verifyOrderAnswer(answerTo(request), terminal.publicKey, request))).toBe('wrong_key');
    expect(errorCode(() => verifyOrderAnswer({ ...answerTo(request), amount: 1 }, acquirer.publicKey, request))).toBe('bad_signature');
    expect(errorCode(() => verifyOrderAnswer({ ...answerTo(request), sig: undefined }, acquirer.publicKey, request))).toBe('malformed');
    const other = authorize(1000, 700).request;
    expect(errorCode(() => verifyOrderAnswer(answerTo(other), acquirer.publicKey, request))).toBe('mismatch');
    expect(errorCode(() => verifyOrderAnswer(answerTo(request, { op: 'query' }), acquirer.publicKey, request))).toBe('mismatch');
    const { sig: _sig, acquirer: _acquirer, ...unsigned } = answerTo(request);
    expect(errorCode(() => verifyOrderAnswer(signAnswer({ ...unsigned, extra: 1 } as never, acquirer), acquirer.publicKey, request))).toBe('malformed');
    const query = signRequest<QueryRequest>({ op: 'query', ref: request.ref, nonce: '0'.repeat(32) }, identity(5)).request;
    expect(errorCode(() => verifyOrderAnswer(answerTo(request, { op: 'query' }), acquirer.publicKey, query))).toBe('mismatch');
  });

  it('the payment proof is the domain and the canonical statement', () => {
    expect(paymentProofText({ terminal: 't', ref: 'r', method: 'code', amount: 5, asset: 'CNY', acquirerRef: 'a', paidAt: 1, acquirer: 'k' })).toBe(
      'posd/payment-proof/v1\n{"acquirer":"k","acquirerRef":"a","amount":5,"asset":"CNY","method":"code","paidAt":1,"ref":"r","terminal":"t"}',
    );
  });
});
