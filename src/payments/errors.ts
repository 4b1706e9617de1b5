import { CodedError } from '../errors/coded-error.js';

export type PaymentErrorCode =
  /** Another payment is in progress on this terminal: finish or cancel it first. */
  | 'busy'
  /** The idempotency key was used before with a different request. */
  | 'idempotency_conflict'
  /** No payment with that id or key. */
  | 'payment_not_found'
  /** The payment is being authorised (or is final): a cancel can no longer stop it. */
  | 'too_late'
  /** The request is malformed: amount, asset, key, method, items. */
  | 'bad_payment_request'
  /** This method is not available now (not allowed for the asset, its device missing, not online). */
  | 'method_unavailable'
  /** The terminal has no valid profile: it takes no payments until provisioned. */
  | 'not_provisioned'
  /** The journal failed its integrity check: no payment until a technician looks. */
  | 'terminal_out_of_service'
  /** An offline limit would be passed: per payment, stored amount, stored count, or age since settlement. */
  | 'offline_limit'
  /** A payment code was presented before: codes are single use, even after a failed payment. */
  | 'code_used'
  /** Cash handed over is less than the amount. */
  | 'insufficient_cash'
  /** The payment is not waiting for this kind of input. */
  | 'not_waiting'
  /** An offline payment QR that cannot be taken (used before, expired, forged, over its cap...): `detail.reason` names why. */
  | 'offline_qr_refused'
  /** A lost authorisation is still to be reversed at the acquirer (it could not be reached). */
  | 'reversal_pending';

export class PaymentError extends CodedError<PaymentErrorCode> {
  override readonly name = 'PaymentError';
  constructor(
    code: PaymentErrorCode,
    message: string,
    /** For offline_limit: which limit. */
    readonly detail?: Readonly<Record<string, string | number>>,
  ) {
    super(code, message);
  }
}
