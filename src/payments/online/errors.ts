import { CodedError } from '../../errors/coded-error.js';

export type OnlineErrorCode =
  /** No connection could be made: the request was not sent. */
  | 'unreachable'
  /** No answer within the time allowed: the acquirer may or may not have acted. */
  | 'timeout'
  /** The connection broke before the whole answer arrived: the acquirer may have acted. */
  | 'lost_answer'
  /** The acquirer answered 5xx. */
  | 'server_error'
  /** The acquirer (the scheme behind it) reported a system error: the outcome is unknown, query it. */
  | 'system_error'
  /** An answer that is not signed by the acquirer, malformed, or answers another request. */
  | 'bad_answer'
  /** The acquirer refused the request itself (4xx): it did nothing. */
  | 'rejected'
  /** The same order reference or refund key was used with another request. */
  | 'idempotency_conflict';

/**
 * A request to the acquirer that got no usable answer. `processed` says what is known: false when
 * the acquirer certainly did nothing (refused, or never reached), null when it may have acted.
 */
export class OnlineError extends CodedError<OnlineErrorCode> {
  override readonly name = 'OnlineError';
  constructor(
    code: OnlineErrorCode,
    message: string,
    readonly processed: false | null,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}
