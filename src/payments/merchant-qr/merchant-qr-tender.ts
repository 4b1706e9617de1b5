import type { OrderAnswer } from '../../protocol/authorization.js';
import type { Details } from '../../protocol/record.js';
import type { CustomerPrompt, Payment } from '../payment.js';
import type { PaymentPolicy } from '../policy.js';
import type { Tender, TenderContext } from '../tender.js';
import type { OnlineAcquirer } from '../online/authorization-client.js';
import { OnlineError } from '../online/errors.js';
import { cancelRequested, OrderFlow, outcomeOf, tryMove } from '../online/order-flow.js';
import { merchantQrPayload } from './payload.js';

/**
 * The shop's dynamic QR (EMVCo MPM): the order is created at the acquirer with the payload, the
 * payload is shown to the customer (prompt `show_qr`, with its expiry), and the acquirer is polled
 * until the customer's app paid it, it expired, or the cashier cancelled it. Expiry and cancel
 * close the order at the acquirer first: if the customer paid meanwhile, the payment succeeds.
 */
export class MerchantQrTender implements Tender {
  readonly method = 'merchant_qr' as const;
  private readonly flow: OrderFlow;

  constructor(
    private readonly acquirer: OnlineAcquirer,
    private readonly policy: () => PaymentPolicy,
  ) {
    this.flow = new OrderFlow(acquirer);
  }

  /** The payload is fixed by the payment (ref, amount) and the merchant data; it stays payable until createdAt + merchantQrExpiryMs. */
  prompt(payment: Payment): CustomerPrompt {
    const policy = this.policy();
    let payload = '';
    try {
      payload = merchantQrPayload(policy.merchant, payment);
    } catch {
      // Merchant data or an amount the QR cannot carry: begin() declines the payment, saying why.
    }
    return { kind: 'show_qr', payload, expiresAt: Math.min(payment.deadline, payment.createdAt + policy.timings.merchantQrExpiryMs) };
  }

  async begin(ctx: TenderContext): Promise<void> {
    const payment = ctx.payment();
    const shown = this.shown(payment);
    if (shown.payload === '') {
      let why = 'the shop QR cannot be made';
      try {
        merchantQrPayload(this.policy().merchant, payment);
      } catch (err) {
        why = `the shop QR cannot be made: ${(err as Error).message}`;
      }
      ctx.decline({ code: 'bad_qr', message: why });
      return;
    }
    ctx.move('waiting_for_customer', { facts: { orderAt: ctx.now(), qrExpiresAt: shown.expiresAt } });
    let created: OrderAnswer | undefined;
    for (let attempt = 0; attempt < 3 && !created; attempt++) {
      try {
        created = await this.acquirer.createQr(payment.ref, { amount: payment.amount, asset: payment.asset, payload: shown.payload, expiresAt: shown.expiresAt });
      } catch (err) {
        if (!(err instanceof OnlineError)) throw err;
        if (err.processed === false && err.code === 'rejected') {
          ctx.decline({ code: 'acquirer_refused', message: `the acquirer did not take the order: ${err.message}` });
          return;
        }
        if (ctx.signal.aborted) break;
        await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
      }
    }
    if (!created) {
      // The order may exist: close it, so nobody can pay a QR the counter no longer shows.
      return this.end(ctx, { code: 'acquirer_unreachable', message: 'the shop QR could not be set up with the acquirer' }, 'declined');
    }
    ctx.move(ctx.payment().state, { facts: { qrOrder: true, ...(created.acquirerRef ? { acquirerRef: created.acquirerRef } : {}) } });
    await this.watch(ctx, created);
  }

  async cancel(ctx: TenderContext): Promise<void> {
    await this.flow.cancel(ctx, this.details());
  }

  async recover(ctx: TenderContext): Promise<void> {
    const payment = ctx.payment();
    if (payment.state === 'reversing') return this.flow.reverse(ctx, payment.outcome ?? { code: 'terminal_restarted', message: 'the terminal restarted while reversing' });
    if (payment.state === 'cancel_requested') return this.flow.cancel(ctx, this.details());
    if (payment.facts.qrOrder !== true && payment.facts.orderAt === undefined) {
      ctx.move('expired', { prompt: null, outcome: { code: 'terminal_restarted', message: 'the terminal restarted before the shop QR was set up' } });
      return;
    }
    return this.watch(ctx, await this.flow.query(ctx));
  }

  async reverse(ctx: TenderContext): Promise<void> {
    await this.flow.reverse(ctx, ctx.payment().outcome ?? { code: 'unknown_outcome', message: 'the outcome was lost' });
  }

  /** Polls until paid, expired or cancelled. */
  private async watch(ctx: TenderContext, first: OrderAnswer | undefined): Promise<void> {
    const interval = ctx.policy.timings.pollIntervalsMs[0] ?? 2000;
    const expiresAt = this.shown(ctx.payment()).expiresAt;
    let answer = first;
    for (;;) {
      if (answer && (await this.settled(ctx, answer))) return;
      const left = expiresAt - ctx.now();
      if (left <= 0) break;
      try {
        await ctx.sleep(Math.min(interval, left));
        answer = await this.flow.query(ctx, ctx.signal);
      } catch (err) {
        if (cancelRequested(ctx, err)) return this.flow.cancel(ctx, this.details());
        throw err;
      }
      if (ctx.payment().state === 'cancel_requested') return this.flow.cancel(ctx, this.details());
    }
    await this.end(ctx, { code: 'expired', message: 'the customer did not pay the shop QR in time' }, 'expired');
  }

  /** Closes the order and ends the payment: paid meanwhile -> succeeded; no answer -> reversal. */
  private async end(ctx: TenderContext, outcome: { code: string; message: string }, state: 'expired' | 'declined'): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      let answer: OrderAnswer;
      try {
        answer = await this.acquirer.close(ctx.payment().ref);
      } catch (err) {
        if (!(err instanceof OnlineError)) throw err;
        await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
        continue;
      }
      if (answer.status === 'paid') return this.flow.paid(ctx, answer, this.details(answer));
      if (answer.status === 'closed' || answer.status === 'expired' || answer.status === 'not_found' || answer.status === 'declined') {
        ctx.move(state, { prompt: null, outcome });
        return;
      }
      break;
    }
    await this.flow.reverse(ctx, { code: 'close_unconfirmed', message: `${outcome.message}; the acquirer did not confirm the order closed` });
  }

  private async settled(ctx: TenderContext, answer: OrderAnswer): Promise<boolean> {
    switch (answer.status) {
      case 'paid':
        await this.flow.paid(ctx, answer, this.details(answer));
        return true;
      case 'declined':
        ctx.decline(outcomeOf(answer.reason, { code: 'declined', message: "the customer's app was declined" }));
        return true;
      case 'closed':
      case 'expired':
        ctx.move('expired', { prompt: null, outcome: outcomeOf(answer.reason, { code: 'expired', message: 'the shop QR expired' }) });
        return true;
      case 'reversed':
        tryMove(ctx, 'reversing', { prompt: null });
        ctx.move('reversed', { outcome: { code: 'reversed', message: 'the acquirer had reversed the order: the customer is not charged' } });
        return true;
      case 'user_paying':
        if (ctx.payment().state === 'waiting_for_customer') ctx.move('user_paying', { facts: { userPaying: true } });
        return false;
      case 'voided':
        ctx.move('cancel_requested');
        ctx.move('reversing', { prompt: null });
        ctx.move('needs_attention', { outcome: { code: 'order_mismatch', message: `the acquirer reports order ${answer.ref} voided before it was recorded` } });
        return true;
      case 'not_found':
      case 'open':
        return false;
    }
  }

  private shown(payment: Payment): { payload: string; expiresAt: number } {
    if (payment.prompt?.kind === 'show_qr') return payment.prompt;
    const prompt = this.prompt(payment) as Extract<CustomerPrompt, { kind: 'show_qr' }>;
    return { payload: prompt.payload, expiresAt: typeof payment.facts.qrExpiresAt === 'number' ? payment.facts.qrExpiresAt : prompt.expiresAt };
  }

  private details(answer?: OrderAnswer): Details {
    return answer?.scheme ? { scheme: answer.scheme } : {};
  }
}
