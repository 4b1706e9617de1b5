import { randomBytes } from 'node:crypto';
import { verify } from '../../crypto/ed25519.js';
import { toHex } from '../../encoding/hex.js';
import { WALLET_DOMAIN } from '../../protocol/wallet/domains.js';
import { confirmationStatement, encodeConfirmation, paymentSigningInput, type WalletPaymentAnswer, type WalletPaymentRequest } from '../../protocol/wallet/payment.js';
import { walletTapDetails } from '../../protocol/wallet/record-proof.js';
import type { Journal } from '../../terminal/ledger/journal.js';
import { PaymentError } from '../errors.js';
import { PaymentAborted } from '../engine.js';
import type { CustomerPrompt, Payment } from '../payment.js';
import type { CustomerInput, Tender, TenderContext } from '../tender.js';
import { checkCertificate, checkCounterFresh } from '../wallet-checks.js';
import { statusWordOf, type CardPort } from './card-port.js';
import { WalletDecline } from './errors.js';
import { requestPayment, selectOfflineWallet, sendConfirmation, type OfflineWallet } from './offline-session.js';

export interface WalletTapTenderOptions {
  /** The terminal's journal: its id is the payee, its payment book the wallet index, its key signs confirmations. */
  journal: Journal;
  /** Why wallet taps cannot be taken now (no NFC reader), or null. */
  available?: () => string | null;
  /**
   * The confirmation did not reach the wallet (the card left, the reader failed). The payment
   * stands; the wallet shows it unconfirmed until its holder taps again or it syncs.
   */
  onConfirmationNotDelivered?: (detail: { walletId: string; counter: number; seq: number; reason: string }) => void;
}

/**
 * An offline wallet tap ("dual offline", docs/wallet-apdu.md version 2): the wallet's
 * certificate is checked against the issuers the policy trusts, then the wallet is asked to pay
 * exactly this payment to this terminal (PAY); its signed answer is the payment. It is verified
 * (signature, counter freshness), journaled with the wallet spend in the same transaction, and
 * then the terminal's signed confirmation goes back to the wallet, best effort.
 *
 * A card that leaves before the wallet's signature arrives makes no payment: the payment keeps
 * waiting for another tap, and the next tap repeats the same request (same nonce, same time),
 * so a wallet that had already debited answers with the same signature and debits nothing more.
 * Once the signature is here, the payment stands whatever the card does next.
 */
export class WalletTapTender implements Tender {
  readonly method = 'wallet_tap' as const;

  constructor(private readonly options: WalletTapTenderOptions) {}

  available(): string | null {
    return this.options.available?.() ?? null;
  }

  prompt(): CustomerPrompt {
    return { kind: 'tap_wallet' };
  }

  /** Present so a cancel during a tap waits for it: once the wallet may have signed, the tap decides. */
  async cancel(): Promise<void> {}

  async accept(ctx: TenderContext, input: CustomerInput): Promise<void> {
    if (input.kind !== 'card') return;
    const card = input.card;
    let wallet: OfflineWallet;
    try {
      wallet = await onceMore(() => selectOfflineWallet(card));
    } catch (err) {
      if (err instanceof WalletDecline) return declineWith(ctx, err);
      return keepWaiting(ctx, statusWordOf(err) === 0x6a82 ? 'the card holds no posd wallet' : 'the card left before it could be read: tap again');
    }
    const payment = ctx.payment();
    try {
      checkCertificate(wallet, payment, ctx.policy, ctx.now());
      ctx.checkOffline(payment.amount, payment.asset);
    } catch (err) {
      return declineWith(ctx, err);
    }
    throwIfAborted(ctx);
    const request = this.requestFor(ctx, payment);
    let answer: WalletPaymentAnswer;
    try {
      // PAY is idempotent: asked again, the wallet repeats its signed answer and debits nothing more.
      answer = await onceMore(() => this.pay(card, wallet, request));
      checkCounterFresh(this.book, wallet.walletId, answer.counter);
    } catch (err) {
      if (err instanceof WalletDecline) return declineWith(ctx, err);
      // The wallet may have debited: the next tap of this payment must send the very same request.
      return keepWaiting(ctx, 'the card left before the wallet signed: no payment was taken, tap again', { walletNonce: toHex(request.nonce), walletRequestAt: request.requestedAt });
    }
    const walletHex = toHex(wallet.walletId);
    let approved: Payment;
    try {
      approved = ctx.succeed({
        details: { ...walletTapDetails({ ...wallet, counter: answer.counter, nonce: request.nonce, requestedAt: request.requestedAt, balanceAfter: answer.balanceAfter, signature: answer.signature }), ...itemCount(payment) },
        offline: true,
        facts: { wallet: walletHex, walletCounter: answer.counter, walletBalance: answer.balanceAfter },
        sameTransaction: (seq) => {
          checkCounterFresh(this.book, wallet.walletId, answer.counter);
          this.book.recordWalletSpend(walletHex, answer.counter, payment.id, seq);
        },
      });
    } catch (err) {
      if (err instanceof WalletDecline) return declineWith(ctx, err);
      throw err;
    }
    await this.confirm(card, wallet, answer.counter, approved.seq!);
  }

  /** PAY, and the answer checked: a valid payment, signed by the certified key over exactly this request. */
  private async pay(card: CardPort, wallet: OfflineWallet, request: WalletPaymentRequest): Promise<WalletPaymentAnswer> {
    const answer = await requestPayment(card, request);
    if (answer.counter < 1 || answer.balanceAfter > wallet.certificate.balanceCap) {
      throw new WalletDecline('bad_wallet_answer', `the wallet answered counter ${answer.counter}, balance ${answer.balanceAfter}: not a valid payment`);
    }
    if (!verify(answer.signature, paymentSigningInput(request, wallet.walletId, answer.counter, answer.balanceAfter), wallet.publicKey)) {
      throw new WalletDecline('bad_wallet_signature', "the wallet's signature does not verify over this payment: a counterfeit wallet");
    }
    return answer;
  }

  private get book() {
    return this.options.journal.payments!;
  }

  /**
   * The request for this payment: the nonce and time of an earlier tap of it that may have
   * reached the wallet (kept with the payment when that tap ended), or fresh ones. Nothing needs
   * storing before PAY: until the wallet answers, nothing is taken, and a terminal that restarts
   * meanwhile ends the waiting payment anyway.
   */
  private requestFor(ctx: TenderContext, payment: Payment): WalletPaymentRequest {
    const earlierNonce = payment.facts.walletNonce;
    const earlierAt = payment.facts.walletRequestAt;
    const again = typeof earlierNonce === 'string' && typeof earlierAt === 'number';
    return {
      amount: payment.amount,
      asset: payment.asset,
      terminalId: this.options.journal.terminalId,
      nonce: again ? Uint8Array.from(Buffer.from(earlierNonce, 'hex')) : new Uint8Array(randomBytes(32)),
      ref: payment.ref,
      requestedAt: again ? earlierAt : ctx.now(),
    };
  }

  /** The terminal's signed confirmation to the wallet; the payment stands whether or not it arrives. */
  private async confirm(card: CardPort, wallet: OfflineWallet, counter: number, seq: number): Promise<void> {
    try {
      const journal = this.options.journal;
      const stored = journal.get(seq);
      if (!stored) return;
      const statement = confirmationStatement({ walletId: wallet.walletId, counter, terminalId: journal.terminalId, seq, recordHash: toHex(stored.hash) });
      const signed = journal.signStatement(WALLET_DOMAIN.confirmation, statement);
      await sendConfirmation(card, encodeConfirmation(statement, signed.keyId, signed.sig));
    } catch (err) {
      // Best effort: the card may have left; the journal holds the payment either way.
      this.options.onConfirmationNotDelivered?.({ walletId: toHex(wallet.walletId), counter, seq, reason: err instanceof Error ? err.message : String(err) });
    }
  }
}

/**
 * Runs an idempotent wallet command again once when its answer is unusable (malformed, or a
 * signature that does not verify). The PN532 has no sequence numbers: a command the driver
 * resent may be answered twice, and the spare answer then arrives as the next command's. A
 * genuine refusal, or a wallet that answers badly twice, stands.
 */
async function onceMore<T>(command: () => Promise<T>): Promise<T> {
  try {
    return await command();
  } catch (err) {
    if (!(err instanceof WalletDecline) || (err.code !== 'bad_wallet_answer' && err.code !== 'bad_wallet_signature')) throw err;
    return command();
  }
}

function itemCount(payment: Payment): { items?: number } {
  const items = payment.items.reduce((n, i) => n + i.quantity, 0);
  return items > 0 ? { items } : {};
}

/** Declines the payment with the refusal's code and words (a WalletDecline, or a named offline limit). */
function declineWith(ctx: TenderContext, err: unknown): void {
  if (err instanceof WalletDecline) {
    ctx.decline({ code: err.code, message: err.message });
    return;
  }
  if (err instanceof PaymentError && err.code === 'offline_limit') {
    const limit = String(err.detail?.limit ?? 'offline');
    ctx.move(ctx.payment().state, { facts: { offlineLimit: limit } });
    ctx.decline({ code: 'offline_limit', message: err.message });
    return;
  }
  throw err;
}

/** Nothing was taken: the payment waits for another tap (or ends canceled if a cancel came meanwhile). */
function keepWaiting(ctx: TenderContext, why: string, facts: Readonly<Record<string, string | number>> = {}): void {
  throwIfAborted(ctx);
  const payment = ctx.payment();
  if (payment.state === 'waiting_for_customer') ctx.move('waiting_for_customer', { facts: { ...facts, lastTap: why } });
}

function throwIfAborted(ctx: TenderContext): void {
  if (ctx.signal.aborted) throw ctx.signal.reason instanceof Error ? ctx.signal.reason : new PaymentAborted(String(ctx.signal.reason));
}
