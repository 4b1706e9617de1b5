import { verify } from '../../crypto/ed25519.js';
import { toHex } from '../../encoding/hex.js';
import { decodeBase64Url, OFFLINE_QR_WINDOW, offlineQrSigningInput, parseOfflineQrToken, type OfflineQrToken } from '../../protocol/wallet/offline-qr.js';
import { offlineQrDetails } from '../../protocol/wallet/record-proof.js';
import { WalletDataError } from '../../protocol/wallet/tlv.js';
import type { PaymentBook } from '../../terminal/ledger/payment-book.js';
import { PaymentError } from '../errors.js';
import { WalletDecline } from '../nfc-wallet/errors.js';
import type { CustomerPrompt } from '../payment.js';
import type { CustomerInput, Tender, TenderContext } from '../tender.js';
import { checkCertificate, checkCounterFresh } from '../wallet-checks.js';

export interface OfflineQrTenderOptions {
  /** The wallet index (wallet id and counter) shared with wallet taps. */
  book: PaymentBook;
}

/**
 * The customer-presented offline payment QR (docs/wallet-apdu.md, "Offline payment QR"): a
 * wallet's signed token, checked with no network (issuer, certificate, window, cap, signature)
 * and taken once per wallet counter, the same index as wallet taps. It needs no one else, so it
 * runs within the scan: a token refused is a PaymentError('offline_qr_refused') naming why
 * (`detail.reason`), the scan is refused, and the payment keeps waiting for another code.
 */
export class OfflineQrTender implements Tender {
  readonly method = 'offline_qr' as const;

  constructor(private readonly options: OfflineQrTenderOptions) {}

  prompt(): CustomerPrompt {
    return { kind: 'scan_offline_qr' };
  }

  acceptNow(ctx: TenderContext, input: CustomerInput): void {
    if (input.kind !== 'offline_qr') return;
    const payment = ctx.payment();
    const now = ctx.now();
    let token: OfflineQrToken;
    try {
      token = parseOfflineQrToken(decodeBase64Url(input.payload.reveal()));
      checkToken(token, payment, ctx, now);
      checkCounterFresh(this.options.book, token.certificate.walletId, token.counter);
    } catch (err) {
      throw refusal(err);
    }
    ctx.checkOffline(payment.amount, payment.asset);
    const wallet = toHex(token.certificate.walletId);
    const items = payment.items.reduce((n, i) => n + i.quantity, 0);
    try {
      ctx.succeed({
        details: { ...offlineQrDetails({ ...token, walletId: token.certificate.walletId, issuerSignature: token.issuerSignature }), ...(items > 0 ? { items } : {}) },
        offline: true,
        facts: { wallet, walletCounter: token.counter, offlineQrCap: token.cap },
        sameTransaction: (seq) => {
          checkCounterFresh(this.options.book, token.certificate.walletId, token.counter);
          this.options.book.recordWalletSpend(wallet, token.counter, payment.id, seq);
        },
      });
    } catch (err) {
      if (err instanceof WalletDecline) throw refusal(err);
      throw err;
    }
  }
}

function checkToken(token: OfflineQrToken, payment: { amount: number; asset: string }, ctx: TenderContext, now: number): void {
  const cert = token.certificate;
  checkCertificate(token, payment, ctx.policy, now);
  if (token.notAfter < token.notBefore || token.notAfter - token.notBefore > OFFLINE_QR_WINDOW.maxWindowMs) {
    throw new WalletDecline('offline_qr_expired', `the QR states a window longer than ${OFFLINE_QR_WINDOW.maxWindowMs / 60_000} minutes`);
  }
  if (now < token.notBefore - OFFLINE_QR_WINDOW.skewMs) throw new WalletDecline('offline_qr_expired', 'the QR is not valid yet (check the clocks)');
  if (now > token.notAfter) throw new WalletDecline('offline_qr_expired', 'the QR has expired: ask the customer to show a new one');
  if (token.cap > cert.perPaymentLimit) throw new WalletDecline('over_wallet_limit', `the QR's cap ${token.cap} is over the wallet's limit of ${cert.perPaymentLimit} per payment`);
  if (payment.amount > token.cap) throw new WalletDecline('over_wallet_limit', `${payment.amount} is over the QR's spending cap of ${token.cap}`);
  const signed = offlineQrSigningInput({ walletId: cert.walletId, asset: cert.asset, counter: token.counter, cap: token.cap, notBefore: token.notBefore, notAfter: token.notAfter });
  if (!verify(token.signature, signed, cert.publicKey)) throw new WalletDecline('bad_wallet_signature', "the QR's wallet signature does not verify: a forged code");
}

function refusal(err: unknown): unknown {
  if (err instanceof WalletDataError) return new PaymentError('offline_qr_refused', `not a valid offline payment QR: ${err.message}`, { reason: 'bad_wallet_answer' });
  if (err instanceof WalletDecline) {
    const message = err.code === 'replayed_counter' ? `this offline QR was used before (${err.message}): ask the customer for a new one` : err.message;
    return new PaymentError('offline_qr_refused', message, { reason: err.code });
  }
  return err;
}
