import { describe, expect, it } from 'vitest';
import { Signer } from '../../src/crypto/ed25519.js';
import { fromHex, toHex } from '../../src/encoding/hex.js';
import { ChainVerifier, VerifyFailure } from '../../src/protocol/chain-verifier.js';
import type { PaymentBody, RecordDraft } from '../../src/protocol/record.js';
import { RecordFormatError, validateBody } from '../../src/protocol/record-validate.js';
import { issuerKey } from '../../src/protocol/wallet/certificate.js';
import { offlineQrSigningInput } from '../../src/protocol/wallet/offline-qr.js';
import { offlineQrDetails } from '../../src/protocol/wallet/record-proof.js';
import { simulatorIssuers, WalletIssuer } from '../../hw-sim/cards/issuer.js';
import { ChainBuilder } from '../support/chain.js';
import { testWalletSigner, walletTapDraft } from '../support/wallet-proofs.js';

const issuers = simulatorIssuers();
const TRUSTED = [issuerKey('CNY', issuers.CNY.publicKey), issuerKey('MAT', issuers.MAT.publicKey)];
const WALLET = 'ab'.repeat(16);
/** ChainBuilder's records carry wall times from 1_763_880_000_000 (plus their seq). */
const AT = 1_763_880_000_000;

function verifyChain(drafts: ((terminal: string) => RecordDraft)[], walletIssuers?: typeof TRUSTED) {
  const chain = new ChainBuilder(Signer.fromSeed(new Uint8Array(32).fill(5)));
  for (const draft of drafts) chain.add(draft(chain.terminal));
  const verifier = new ChainVerifier(walletIssuers ? { walletIssuers } : {});
  for (const text of chain.texts) verifier.push(text);
  return verifier.finish();
}

function failure(run: () => unknown): VerifyFailure {
  try {
    run();
  } catch (err) {
    if (err instanceof VerifyFailure) return err;
    throw err;
  }
  throw new Error('no failure');
}

function withDetails(draft: RecordDraft, change: (body: PaymentBody) => PaymentBody): RecordDraft {
  return { kind: 'payment', body: change(draft.body as PaymentBody) } as RecordDraft;
}

function qrDraft(terminal: string, o: { amount: number; cap: number; notBefore: number; notAfter: number; counter?: number; issuer?: WalletIssuer }): RecordDraft {
  void terminal;
  const signer = testWalletSigner(WALLET);
  const walletId = fromHex(WALLET, 16);
  const cert = (o.issuer ?? issuers.CNY).certify(walletId, signer.publicKey, { perPaymentLimit: 50_000, balanceCap: 200_000, notAfter: 4_102_444_800_000 });
  const counter = o.counter ?? 3;
  const signature = signer.sign(offlineQrSigningInput({ walletId, asset: 'CNY', counter, cap: o.cap, notBefore: o.notBefore, notAfter: o.notAfter }));
  return {
    kind: 'payment',
    body: { asset: 'CNY', amount: o.amount, tender: 'offline_qr', ref: 'qr-1', details: offlineQrDetails({ walletId, counter, certificateBody: cert.body, issuerSignature: cert.signature, cap: o.cap, notBefore: o.notBefore, notAfter: o.notAfter, signature }) },
  };
}

describe('the offline proof of a wallet payment record (docs/journal.md section 4)', () => {
  it('verifies a genuine wallet_tap and offline_qr proof, with the issuer keys and without them', () => {
    const drafts = [(t: string) => walletTapDraft({ terminal: t, amount: 650, wallet: WALLET, counter: 1 }), (t: string) => qrDraft(t, { amount: 500, cap: 800, notBefore: AT - 1000, notAfter: AT + 60_000 })];
    expect(verifyChain(drafts, TRUSTED)).toMatchObject({ walletProofs: 2, walletCertificatesUnverified: 0 });
    expect(verifyChain(drafts)).toMatchObject({ walletProofs: 2, walletCertificatesUnverified: 2 });
  });

  it.each([
    ['the amount changed after the wallet signed', (d: RecordDraft) => withDetails(d, (b) => ({ ...b, amount: b.amount + 1 })), /signature does not verify/],
    ['another order reference', (d: RecordDraft) => withDetails(d, (b) => ({ ...b, ref: 'order-x' })), /signature does not verify/],
    ['another counter', (d: RecordDraft) => withDetails(d, (b) => ({ ...b, details: { ...b.details, counter: 2 } })), /signature does not verify/],
    ['another balance', (d: RecordDraft) => withDetails(d, (b) => ({ ...b, details: { ...b.details, balance: 1 } })), /signature does not verify/],
    ['an altered certificate signature', (d: RecordDraft) => withDetails(d, (b) => ({ ...b, details: { ...b.details, certSig: `${'0'.repeat(126)}01` } })), /does not verify under CNY issuer key/],
  ])('refuses a wallet_tap with %s (bad_wallet_proof)', (_name, tamper, message) => {
    const err = failure(() => verifyChain([(t) => tamper(walletTapDraft({ terminal: t, amount: 650, wallet: WALLET, counter: 1 }))], TRUSTED));
    expect(err.code).toBe('bad_wallet_proof');
    expect(err.reason).toMatch(message);
    expect(err.seq).toBe(1);
  });

  it('refuses a wallet_tap paid to another terminal (the payee is in the signature)', () => {
    const err = failure(() => verifyChain([() => walletTapDraft({ terminal: 'f'.repeat(16), amount: 650, wallet: WALLET, counter: 1 })]));
    expect(err).toMatchObject({ code: 'bad_wallet_proof', reason: expect.stringMatching(/signature does not verify/) });
  });

  it('refuses a certificate from an issuer it does not trust, and one issued by the other asset\'s issuer', () => {
    const rogue = WalletIssuer.generate('CNY');
    expect(failure(() => verifyChain([(t) => walletTapDraft({ terminal: t, amount: 650, wallet: WALLET, counter: 1, issuer: rogue })], TRUSTED)).reason).toMatch(/no CNY issuer key/);
    expect(failure(() => verifyChain([(t) => walletTapDraft({ terminal: t, amount: 650, wallet: WALLET, counter: 1 })], [issuerKey('MAT', issuers.CNY.publicKey)])).reason).toMatch(/no CNY issuer key/);
  });

  it('refuses an offline_qr charged over its cap, outside its window, or with a window too long', () => {
    const cases: [Parameters<typeof qrDraft>[1], RegExp][] = [
      [{ amount: 900, cap: 800, notBefore: AT - 1000, notAfter: AT + 60_000 }, /over the token's spending cap/],
      [{ amount: 500, cap: 800, notBefore: AT - 120_000, notAfter: AT - 60_000 }, /outside the token's window/],
      [{ amount: 500, cap: 800, notBefore: AT - 1000, notAfter: AT + 11 * 60_000 }, /window is longer than 10 minutes/],
    ];
    for (const [qr, message] of cases) expect(failure(() => verifyChain([(t) => qrDraft(t, qr)], TRUSTED)).reason).toMatch(message);
  });

  it.each([
    ['a proof member missing', (b: PaymentBody) => ({ ...b, details: Object.fromEntries(Object.entries(b.details).filter(([k]) => k !== 'nonce')) }), 'body.details.nonce'],
    ['a member not of the proof', (b: PaymentBody) => ({ ...b, details: { ...b.details, scheme: 'x' } }), 'body.details.scheme'],
    ['a certificate for another wallet', (b: PaymentBody) => ({ ...b, details: { ...b.details, wallet: 'cd'.repeat(16) } }), 'body.details.cert'],
    ['a certificate for another asset', (b: PaymentBody) => ({ ...b, asset: 'MAT' }), 'body.details.cert'],
    ['a counter of 0', (b: PaymentBody) => ({ ...b, details: { ...b.details, counter: 0 } }), 'body.details.counter'],
    ['a reference that is not ASCII', (b: PaymentBody) => ({ ...b, ref: '订单-1' }), 'body.ref'],
    ['a certificate that does not parse', (b: PaymentBody) => ({ ...b, details: { ...b.details, cert: `${b.details.cert as string}00` } }), 'body.details.cert'],
  ])('the record format refuses %s', (_name, change, path) => {
    const body = change(walletTapDraft({ terminal: '1'.repeat(16), amount: 650, wallet: WALLET, counter: 1 }).body as PaymentBody);
    let caught: unknown;
    try {
      validateBody('payment', body, {});
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(RecordFormatError);
    expect((caught as RecordFormatError).path).toBe(path);
  });

  it('keeps every proof member within the details limits (16 members, 256 characters)', () => {
    const body = walletTapDraft({ terminal: '1'.repeat(16), amount: 650, wallet: WALLET, counter: 1, asset: 'MAT' }).body as PaymentBody;
    expect(Object.keys(body.details).length).toBeLessThanOrEqual(16);
    for (const value of Object.values(body.details)) if (typeof value === 'string') expect(value.length).toBeLessThanOrEqual(256);
    expect(toHex(fromHex(body.details.cert as string)).length).toBe(200);
  });
});
