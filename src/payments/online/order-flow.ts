import type { OrderAnswer, Reason } from '../../protocol/authorization.js';
import type { Details } from '../../protocol/record.js';
import { PaymentAborted } from '../engine.js';
import { isFinal, type Outcome, type Payment, type PaymentState } from '../payment.js';
import type { PaymentPatch, TenderContext } from '../tender.js';
import type { OnlineAcquirer } from './authorization-client.js';
import { OnlineError } from './errors.js';

/** Schemes take reversals for about a week (WeChat: 7 days); after that a person must look. */
export const REVERSAL_WINDOW_MS = 7 * 24 * 3600_000;

/** Stores a state if it can; false when the store refused (a full disk): the caller goes on regardless. */
export function tryMove(ctx: TenderContext, state: PaymentState, patch?: PaymentPatch): boolean {
  try {
    ctx.move(state, patch);
    return true;
  } catch {
    return false;
  }
}

/** When the order was sent to the acquirer (stored with `authorizing`); the payment's creation before that. */
export function orderAt(payment: Payment): number {
  return typeof payment.facts.orderAt === 'number' ? payment.facts.orderAt : payment.createdAt;
}

/** A decline or refusal as the payment shows it: the scheme's reason, its own code kept in the words. */
export function outcomeOf(reason: Reason | null, fallback: Outcome): Outcome {
  if (!reason) return fallback;
  const scheme = reason.schemeCode ? ` (${reason.schemeCode})` : '';
  return { code: reason.code, message: `${reason.message}${scheme}` };
}

/** Whether an abort is a cancel the cashier asked for (not the engine stopping). */
export function cancelRequested(ctx: TenderContext, err: unknown): boolean {
  return err instanceof PaymentAborted && ctx.payment().state === 'cancel_requested';
}

/**
 * What the online methods (scanned code, merchant QR) share once an order exists at the
 * acquirer: recording a paid order (the journal record carries the acquirer's proof), closing it
 * on a cancel, and reversing it when its outcome is lost. The customer is charged at most once:
 * nothing here ever sends a second order; an unknown outcome ends in a reversal of the same ref.
 */
export class OrderFlow {
  constructor(private readonly acquirer: OnlineAcquirer) {}

  /** Queries the order; undefined when no usable answer came back (the caller keeps its schedule). */
  async query(ctx: TenderContext, signal?: AbortSignal): Promise<OrderAnswer | undefined> {
    try {
      return await this.acquirer.query(ctx.payment().ref, signal);
    } catch (err) {
      if (err instanceof OnlineError) return undefined;
      throw err;
    }
  }

  /**
   * A paid order: the journal record (with the acquirer's proof) and `succeeded` in one
   * transaction. If the order does not match the payment, or the record cannot be written (a full
   * disk), the customer must not stay charged: the order is reversed.
   */
  async paid(ctx: TenderContext, answer: OrderAnswer, details: Details, facts: Readonly<Record<string, string | number | boolean>> = {}): Promise<void> {
    const payment = ctx.payment();
    if (answer.amount !== payment.amount || answer.asset !== payment.asset || answer.proof === null || answer.acquirerRef === null || answer.paidAt === null) {
      return this.reverse(ctx, { code: 'order_mismatch', message: `the acquirer reports order ${payment.ref} paid as ${answer.amount} ${answer.asset}, not ${payment.amount} ${payment.asset}` });
    }
    try {
      ctx.succeed({
        details: { ...details, acquirer: answer.acquirer, acquirerRef: answer.acquirerRef, paidAt: answer.paidAt, proof: answer.proof },
        offline: false,
        facts: { ...facts, acquirerRef: answer.acquirerRef, paidAt: answer.paidAt },
      });
    } catch (err) {
      if (ctx.payment().state === 'succeeded') return;
      await this.reverse(ctx, { code: 'journal_failed', message: `the payment could not be recorded (${(err as Error).message}): it is reversed` });
    }
  }

  /**
   * The cashier cancelled while the customer could still pay: close the order. Closed -> canceled;
   * paid meanwhile -> the payment succeeded and the cancel came too late; no answer -> reversal.
   */
  async cancel(ctx: TenderContext, details: Details): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      let answer: OrderAnswer;
      try {
        answer = await this.acquirer.close(ctx.payment().ref);
      } catch (err) {
        if (!(err instanceof OnlineError)) throw err;
        if (err.processed === false && err.code === 'rejected') break;
        await pause(200 * (attempt + 1));
        continue;
      }
      switch (answer.status) {
        case 'paid':
          return this.paid(ctx, answer, details, { cancelTooLate: true });
        case 'closed':
        case 'not_found':
        case 'expired':
          ctx.move('canceled', { prompt: null, outcome: { code: 'canceled', message: 'canceled before the customer paid' } });
          return;
        case 'declined':
          ctx.decline(outcomeOf(answer.reason, { code: 'declined', message: 'declined' }));
          return;
        case 'reversed':
          ctx.move('reversing', { prompt: null });
          ctx.move('reversed', { outcome: { code: 'canceled', message: 'canceled; the order was reversed' } });
          return;
        default:
          break;
      }
      break;
    }
    await this.reverse(ctx, { code: 'cancel_unconfirmed', message: 'the acquirer did not confirm the cancel: the order is reversed' });
  }

  /**
   * Moves the payment to `reversing` (stored: the durable queue) and, once the scheme allows it
   * (reverseNotBeforeMs after the order), sends the reversal. Without an answer it stays
   * `reversing` for settlement's priority step to send again.
   */
  async reverse(ctx: TenderContext, cause: Outcome): Promise<void> {
    const payment = ctx.payment();
    if (payment.state !== 'reversing') {
      tryMove(ctx, 'reversing', { prompt: null, outcome: cause, facts: { reversalCause: cause.code } });
    }
    const due = orderAt(payment) + ctx.policy.timings.reverseNotBeforeMs;
    const wait = due - ctx.now();
    // Not ctx.sleep: a cancel already aborted this payment's signal, and a reversal must still go out.
    if (wait > 0) await pause(wait);
    if (isFinal(ctx.payment().state)) return;
    await this.sendReversal(ctx, payment);
  }

  /** One reversal attempt (settlement's queue calls this through the engine). */
  async sendReversal(ctx: TenderContext, before: Payment = ctx.payment()): Promise<void> {
    let answer: OrderAnswer;
    try {
      answer = await this.acquirer.reverse(before.ref);
    } catch (err) {
      if (!(err instanceof OnlineError)) throw err;
      const attempts = Number(ctx.payment().facts.reversalAttempts ?? 0) + 1;
      if (err.code === 'rejected' || ctx.now() - orderAt(before) > REVERSAL_WINDOW_MS) {
        tryMove(ctx, 'needs_attention', { outcome: { code: 'reversal_failed', message: `the reversal of order ${before.ref} was not taken (${err.message}): check with the acquirer` } });
        return;
      }
      tryMove(ctx, 'reversing', { facts: { reversalAttempts: attempts, reversalError: err.message.slice(0, 200) } });
      return;
    }
    if (answer.status === 'reversed') {
      const cause = ctx.payment().outcome ?? before.outcome;
      const charged = answer.refunded > 0 ? ' and the customer refunded' : '; the customer is not charged';
      tryMove(ctx, 'reversed', { outcome: { code: cause?.code ?? 'reversed', message: `${cause?.message ?? 'the outcome was lost'}; reversed at the acquirer${charged}` } });
      return;
    }
    tryMove(ctx, 'needs_attention', { outcome: { code: 'reversal_failed', message: `the acquirer did not reverse order ${before.ref} (it is ${answer.status}): check with the acquirer` } });
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref?.());
}
