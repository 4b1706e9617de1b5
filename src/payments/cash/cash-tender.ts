import { PaymentError } from '../errors.js';
import type { CustomerPrompt } from '../payment.js';
import type { CustomerInput, Tender, TenderContext } from '../tender.js';

/**
 * Cash: the cashier enters what the customer handed over; the change is computed, the payment
 * journaled at once (it needs no one else), and the drawer opens on the approval.
 */
export class CashTender implements Tender {
  readonly method = 'cash' as const;
  prompt(): CustomerPrompt {
    return { kind: 'cash' };
  }

  /** Cash handed over with the request completes it within the call. */
  beginNow(ctx: TenderContext): void {
    const tendered = ctx.payment().facts.tendered;
    if (typeof tendered === 'number') this.take(ctx, tendered);
  }

  acceptNow(ctx: TenderContext, input: CustomerInput): void {
    if (input.kind === 'cash') this.take(ctx, input.tendered);
  }

  /** Throws PaymentError('insufficient_cash') before anything is written. */
  check(amount: number, tendered: number): void {
    if (!Number.isSafeInteger(tendered) || tendered < 1) throw new PaymentError('bad_payment_request', 'cash tendered must be a positive whole number of minor units');
    if (tendered < amount) throw new PaymentError('insufficient_cash', `cash ${tendered} is less than the total ${amount}`);
  }

  private take(ctx: TenderContext, tendered: number): void {
    const payment = ctx.payment();
    this.check(payment.amount, tendered);
    const change = tendered - payment.amount;
    const items = payment.items.reduce((n, i) => n + i.quantity, 0);
    ctx.succeed({ details: { tendered, change, ...(items > 0 ? { items } : {}) }, offline: false, facts: { tendered, change } });
  }
}
