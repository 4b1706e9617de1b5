import { fromHex, toHex } from '../encoding/hex.js';
import { certificateProblem, type WalletCertificate, type WalletIssuerKey } from '../protocol/wallet/certificate.js';
import type { PaymentBook } from '../terminal/ledger/payment-book.js';
import { WalletDecline } from './nfc-wallet/errors.js';
import type { PaymentPolicy } from './policy.js';

/** The issuer keys the policy trusts, for every asset, as the wallet protocol checks them. */
export function trustedIssuers(policy: PaymentPolicy): WalletIssuerKey[] {
  return policy.assets.flatMap((asset) => asset.issuerKeys.map((k) => ({ asset: asset.code, keyId: k.keyId, publicKey: fromHex(k.publicKey, 32), notAfter: k.notAfter })));
}

/** What a wallet presents of itself: its certificate and the issuer's signature on it. */
export interface PresentedCertificate {
  certificateBody: Uint8Array;
  certificate: WalletCertificate;
  issuerSignature: Uint8Array;
}

/**
 * The terminal's checks of a wallet certificate for a payment, before the wallet is asked for
 * anything: the asset, an issuer this terminal trusts and its signature, the certificate's end,
 * the wallet's per-payment limit. Throws WalletDecline naming the first that fails.
 */
export function checkCertificate(presented: PresentedCertificate, payment: { amount: number; asset: string }, policy: PaymentPolicy, now: number): void {
  const cert = presented.certificate;
  if (cert.asset !== payment.asset) throw new WalletDecline('wrong_asset', `this wallet pays in ${cert.asset}, the payment is in ${payment.asset}`);
  const problem = certificateProblem(presented.certificateBody, cert, presented.issuerSignature, trustedIssuers(policy), now);
  if (problem) throw new WalletDecline(problem.problem, problem.message);
  if (now > cert.notAfter) throw new WalletDecline('certificate_expired', `the wallet's certificate expired ${new Date(cert.notAfter).toISOString()}`);
  if (payment.amount > cert.perPaymentLimit) throw new WalletDecline('over_wallet_limit', `${payment.amount} is over the wallet's offline limit of ${cert.perPaymentLimit} per payment`);
}

/** A counter not above the highest this terminal recorded for the wallet is a replay or a clone. */
export function checkCounterFresh(book: PaymentBook, walletId: Uint8Array, counter: number): void {
  const wallet = toHex(walletId);
  const highest = book.highestWalletCounter(wallet);
  if (highest !== null && counter <= highest) {
    const spent = book.walletSpend(wallet, counter);
    throw new WalletDecline('replayed_counter', `wallet ${wallet} already paid here with counter ${spent ? counter : highest}${spent ? ` (record ${spent.seq})` : ''}: a replay or a cloned wallet`);
  }
}
