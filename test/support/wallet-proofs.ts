import { Signer } from '../../src/crypto/ed25519.js';
import { sha256 } from '../../src/crypto/sha256.js';
import { fromHex } from '../../src/encoding/hex.js';
import type { RecordDraft } from '../../src/protocol/record.js';
import { paymentSigningInput } from '../../src/protocol/wallet/payment.js';
import { walletTapDetails } from '../../src/protocol/wallet/record-proof.js';
import { simulatorIssuers, type WalletIssuer } from '../../hw-sim/cards/issuer.js';

let orders = 0;

/** The key a test wallet signs with: fixed per wallet id, so a test can spend one wallet id from anywhere. */
export function testWalletSigner(walletHex: string): Signer {
  return Signer.fromSeed(sha256(`posd test wallet ${walletHex}`));
}

/**
 * A wallet_tap payment with a genuine offline proof (docs/journal.md section 4) for `terminal`,
 * certified by the simulator's issuer of its asset (which the acquirer simulator trusts), as if
 * the wallet had paid it over NFC.
 */
export function walletTapDraft(o: { terminal: string; amount: number; wallet: string; counter: number; asset?: 'CNY' | 'MAT'; issuer?: WalletIssuer; ref?: string; balanceAfter?: number; requestedAt?: number }): RecordDraft {
  const asset = o.asset ?? 'CNY';
  const issuer = o.issuer ?? simulatorIssuers()[asset];
  const signer = testWalletSigner(o.wallet);
  const walletId = fromHex(o.wallet, 16);
  const cert = issuer.certify(walletId, signer.publicKey, { perPaymentLimit: 1_000_000, balanceCap: 10_000_000, notAfter: 4_102_444_800_000 });
  const request = { amount: o.amount, asset, terminalId: o.terminal, nonce: sha256(`nonce ${o.wallet} ${o.counter} ${o.terminal}`), ref: o.ref ?? `order-w${++orders}`, requestedAt: o.requestedAt ?? 1_763_880_000_000 };
  const balanceAfter = o.balanceAfter ?? 100_000;
  const signature = signer.sign(paymentSigningInput(request, walletId, o.counter, balanceAfter));
  return {
    kind: 'payment',
    body: {
      asset,
      amount: o.amount,
      tender: 'wallet_tap',
      ref: request.ref,
      details: walletTapDetails({ walletId, counter: o.counter, certificateBody: cert.body, issuerSignature: cert.signature, nonce: request.nonce, requestedAt: request.requestedAt, balanceAfter, signature }),
    },
  };
}
