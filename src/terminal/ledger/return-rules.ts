import type { ReturnKind, SignedRecord } from '../../protocol/record.js';
import { JournalError } from './errors.js';

/**
 * What may be returned against a payment: a void or a reversal takes back the whole amount and
 * only while nothing else was returned; refunds may be partial, never beyond what was paid.
 */
export function checkReturn(
  kind: ReturnKind,
  body: { of: number; asset: string; amount: number },
  payment: SignedRecord | undefined,
  earlier: readonly { kind: string; amount: number }[],
): void {
  if (!payment || payment.kind !== 'payment') {
    throw new JournalError('unknown_payment', `${kind} refers to record ${body.of}, which is not a payment`);
  }
  if (payment.body.asset !== body.asset) {
    throw new JournalError('asset_mismatch', `${kind} is in ${body.asset} but payment ${body.of} was in ${payment.body.asset}`);
  }
  const returned = earlier.reduce((sum, r) => sum + r.amount, 0);
  const whole = earlier.find((r) => r.kind === 'void' || r.kind === 'reversal');
  if (whole) throw new JournalError('already_returned', `payment ${body.of} was already ${whole.kind === 'void' ? 'voided' : 'reversed'}`);
  if (kind !== 'refund') {
    if (returned > 0) throw new JournalError('already_returned', `payment ${body.of} was already partly refunded; refund the rest instead of a ${kind}`);
    if (body.amount !== payment.body.amount) {
      throw new JournalError('exceeds_payment', `a ${kind} takes back the whole payment (${payment.body.amount}), not ${body.amount}`);
    }
    return;
  }
  const left = payment.body.amount - returned;
  if (body.amount > left) {
    throw new JournalError('exceeds_payment', `refund of ${body.amount} exceeds what is left of payment ${body.of} (${left} of ${payment.body.amount})`);
  }
}
