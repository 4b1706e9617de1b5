import { CodedError } from '../../errors/coded-error.js';

export type ReturnErrorCode =
  /** The refund or void request is malformed: key, amount, reason, payment reference. */
  | 'bad_return_request'
  /** No payment with that id or journal seq. */
  | 'payment_not_found'
  /** The idempotency key was used before for another refund or void. */
  | 'idempotency_conflict'
  /** More than what is left of the payment (refunds already made, or in progress, count). */
  | 'exceeds_payment'
  /** A void after something was returned, or a second void. */
  | 'already_returned'
  /** A void after settlement (refund instead), or of an offline payment. */
  | 'not_voidable'
  /** A refund the method cannot take now (an offline payment not yet settled). */
  | 'not_refundable'
  /** The payment needs the acquirer and none is configured. */
  | 'acquirer_unavailable';

export class ReturnError extends CodedError<ReturnErrorCode> {
  override readonly name = 'ReturnError';
}
