import type { OrderAnswer } from '../../protocol/authorization.js';
import type { Details } from '../../protocol/record.js';
import type { CustomerPrompt } from '../payment.js';
import type { CustomerInput, Tender, TenderContext } from '../tender.js';
import type { OnlineAcquirer } from '../online/authorization-client.js';
import { OnlineError } from '../online/errors.js';
import { cancelRequested, orderAt, OrderFlow, outcomeOf, tryMove } from '../online/order-flow.js';

/**
 * A customer's payment code, scanned at the counter (WeChat, Alipay, UnionPay, e-CNY, EMV
 * consumer-presented QR), authorised online as the schemes run it: authorise; "user paying"
 * (the payer confirms on the phone) -> poll at the policy's intervals; a system error, no answer
 * or a lost answer -> query the same order; still unknown at the deadline -> reverse it, never a
 * second order under a new reference. The code is single use (the engine marks it used) and is
 * never stored: the record keeps its mask.
 */
export class ScannedCodeTender implements Tender {
  readonly method = 'code' as const;
  private readonly flow: OrderFlow;

  constructor(private readonly acquirer: OnlineAcquirer) {
    this.flow = new OrderFlow(acquirer);
  }

  prompt(): CustomerPrompt {
    return { kind: 'scan_code' };
  }

  async accept(ctx: TenderContext, input: CustomerInput): Promise<void> {
    if (input.kind !== 'code') return;
    const payment = ctx.payment();
    // Stored before anything is sent: after a crash, recover() finds it and asks the acquirer by ref.
    ctx.move('authorizing', { prompt: null, facts: { scheme: input.scheme, code: input.code.masked, orderAt: ctx.now() } });
    let answer: OrderAnswer | undefined;
    try {
      answer = await this.acquirer.authorize(payment.ref, { scheme: input.scheme, code: input.code.reveal(), amount: payment.amount, asset: payment.asset });
    } catch (err) {
      if (!(err instanceof OnlineError)) throw err;
      if (err.processed === false) {
        ctx.decline({ code: err.code === 'unreachable' ? 'acquirer_unreachable' : 'acquirer_refused', message: `the acquirer did not take the payment: ${err.message}` });
        return;
      }
      // No answer, a lost one or a system error: the outcome is unknown; follow() queries the same order.
    }
    await this.follow(ctx, answer);
  }

  async cancel(ctx: TenderContext): Promise<void> {
    await this.flow.cancel(ctx, this.details(ctx));
  }

  async recover(ctx: TenderContext): Promise<void> {
    const payment = ctx.payment();
    switch (payment.state) {
      case 'created':
      case 'waiting_for_customer':
        ctx.move('expired', { prompt: null, outcome: { code: 'terminal_restarted', message: 'the terminal restarted before the customer paid' } });
        return;
      case 'reversing':
        return this.flow.reverse(ctx, payment.outcome ?? { code: 'terminal_restarted', message: 'the terminal restarted while reversing' });
      case 'cancel_requested':
        return this.flow.cancel(ctx, this.details(ctx));
      default: {
        const answer = await this.flow.query(ctx);
        // Never seen by the acquirer, or still on its way from before the crash: a reversal makes sure it never charges.
        if (answer?.status === 'not_found') {
          return this.flow.reverse(ctx, { code: 'terminal_restarted', message: 'the terminal restarted while authorising; the acquirer had no order' });
        }
        return this.follow(ctx, answer);
      }
    }
  }

  async reverse(ctx: TenderContext): Promise<void> {
    await this.flow.reverse(ctx, ctx.payment().outcome ?? { code: 'unknown_outcome', message: 'the outcome was lost' });
  }

  /** Acts on answers until the payment is final: polls while unknown or the payer confirms, reverses at the deadline. */
  private async follow(ctx: TenderContext, first: OrderAnswer | undefined): Promise<void> {
    const { pollIntervalsMs, pollDeadlineMs } = ctx.policy.timings;
    const deadline = orderAt(ctx.payment()) + pollDeadlineMs;
    let answer = first;
    for (let poll = 0; ; poll++) {
      if (answer && (await this.settled(ctx, answer))) return;
      const left = deadline - ctx.now();
      if (left <= 0) break;
      try {
        await ctx.sleep(Math.min(pollIntervalsMs[Math.min(poll, pollIntervalsMs.length - 1)] ?? 3000, left));
        answer = await this.flow.query(ctx, ctx.signal);
      } catch (err) {
        if (cancelRequested(ctx, err)) return this.flow.cancel(ctx, this.details(ctx));
        throw err;
      }
      if (ctx.payment().state === 'cancel_requested') return this.flow.cancel(ctx, this.details(ctx));
    }
    const state = ctx.payment().state;
    await this.flow.reverse(
      ctx,
      state === 'user_paying'
        ? { code: 'payer_timeout', message: 'the payer did not confirm in time' }
        : { code: 'unknown_outcome', message: 'no answer from the acquirer by the deadline' },
    );
  }

  /** Applies one answer; true when the payment reached a final state (or is reversing). */
  private async settled(ctx: TenderContext, answer: OrderAnswer): Promise<boolean> {
    switch (answer.status) {
      case 'paid':
        await this.flow.paid(ctx, answer, this.details(ctx, answer));
        return true;
      case 'declined':
      case 'closed':
      case 'expired':
        ctx.decline(outcomeOf(answer.reason, { code: answer.status, message: `the order was ${answer.status}` }));
        return true;
      case 'reversed':
        tryMove(ctx, 'reversing', { prompt: null });
        ctx.move('reversed', { outcome: { code: 'reversed', message: 'the acquirer had reversed the order: the customer is not charged' } });
        return true;
      case 'voided':
        ctx.move('reversing', { prompt: null });
        ctx.move('needs_attention', { outcome: { code: 'order_mismatch', message: `the acquirer reports order ${answer.ref} voided before it was recorded` } });
        return true;
      case 'user_paying':
        if (ctx.payment().state === 'authorizing') ctx.move('user_paying', { prompt: null, facts: { userPaying: true } });
        return false;
      case 'not_found':
      case 'open':
        return false;
    }
  }

  private details(ctx: TenderContext, answer?: OrderAnswer): Details {
    const facts = ctx.payment().facts;
    const scheme = answer?.scheme ?? (typeof facts.scheme === 'string' ? facts.scheme : undefined);
    return { ...(scheme ? { scheme } : {}), ...(typeof facts.code === 'string' ? { code: facts.code } : {}) };
  }
}
