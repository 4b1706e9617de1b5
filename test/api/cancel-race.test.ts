import { describe, expect, it } from 'vitest';
import type { Payment } from '../../src/payments/payment.js';
import type { Tender, TenderContext } from '../../src/payments/tender.js';
import { until } from '../support/wait.js';
import { errorCode, newKey, startApi } from './support.js';

/**
 * Not a payment method: a gate that holds a payment in `authorizing` until the test opens it,
 * then ends it as the authorisation says. It stands for "the acquirer is deciding", the one
 * moment a cancel must be refused, whatever method is authorising.
 */
class AuthorisationGate implements Tender {
  readonly method = 'merchant_qr' as const;
  private open: (outcome: 'declined' | 'failed') => void = () => undefined;
  private readonly decided = new Promise<'declined' | 'failed'>((resolve) => (this.open = resolve));

  prompt(): { kind: 'present' } {
    return { kind: 'present' };
  }

  async begin(ctx: TenderContext): Promise<void> {
    ctx.move('authorizing');
    const outcome = await this.decided;
    if (outcome === 'declined') ctx.decline({ code: 'declined_by_issuer', message: 'the issuer said no' });
  }

  decide(outcome: 'declined' | 'failed'): void {
    this.open(outcome);
  }
}

/** Not a payment method either: a tender busy for the customer (a QR shown, say) that stops when cancelled. */
class CustomerWait implements Tender {
  readonly method = 'merchant_qr' as const;
  prompt(): { kind: 'present' } {
    return { kind: 'present' };
  }
  async begin(ctx: TenderContext): Promise<void> {
    await ctx.sleep(600_000);
  }
  async cancel(): Promise<void> {}
}

describe('cancel while the method is working', () => {
  it('answers 202 cancel_requested; the final state (canceled) follows, and the long-poll sees it', async () => {
    const rig = await startApi({ assemble: { extraTenders: [new CustomerWait()] } });
    const created = await rig.call<Payment>('POST', '/v1/payments', { body: { amount: 990, asset: 'CNY', method: 'merchant_qr' }, headers: { 'idempotency-key': newKey() } });
    expect(created.body.state).toBe('waiting_for_customer');
    const cancel = await rig.call<Payment>('POST', `/v1/payments/${created.body.id}/cancel`);
    expect(cancel.status).toBe(202);
    expect(cancel.body.state).toBe('cancel_requested');
    const final = await rig.call<Payment>('GET', `/v1/payments/${created.body.id}?wait=60000&version=${cancel.body.version}`);
    expect(final.body.state).toBe('canceled');
  });
});

describe('cancel racing authorisation', () => {
  it('a cancel that arrives while the payment is authorising is 409 too_late; the authorisation decides the final state', async () => {
    const gate = new AuthorisationGate();
    const rig = await startApi({ assemble: { extraTenders: [gate] } });
    const created = await rig.call<Payment>('POST', '/v1/payments', { body: { amount: 2300, asset: 'CNY', method: 'merchant_qr' }, headers: { 'idempotency-key': newKey() } });
    expect(created.status).toBe(201);
    await until(() => rig.terminal.payments.get(created.body.id)?.state === 'authorizing', 'authorising');

    const cancel = await rig.call('POST', `/v1/payments/${created.body.id}/cancel`);
    expect(cancel.status).toBe(409);
    expect(errorCode(cancel)).toBe('too_late');
    expect(cancel.body).toMatchObject({ error: { retryable: false } });
    const during = await rig.call<Payment>('GET', `/v1/payments/${created.body.id}`);
    expect(during.body.state).toBe('authorizing');

    const polled = rig.call<Payment>('GET', `/v1/payments/${created.body.id}?wait=60000&version=${during.body.version}`);
    await until(() => rig.api.stats().waiting === 1, 'the register long-polls');
    gate.decide('declined');
    const final = await polled;
    expect(final.body).toMatchObject({ state: 'declined', outcome: { code: 'declined_by_issuer' } });
    const after = await rig.call<Payment>('POST', `/v1/payments/${created.body.id}/cancel`);
    expect(after.status).toBe(200);
    expect(after.body.state).toBe('declined');
  });
});
