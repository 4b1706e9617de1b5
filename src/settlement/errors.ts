import { CodedError } from '../errors/coded-error.js';
export type SettlementErrorCode =
  /** The acquirer could not be reached or the connection broke: retry the same batch. */
  | 'unreachable'
  | 'timeout'
  /** The acquirer answered, but not with something usable (5xx, not JSON, bad or foreign signature): retry. */
  | 'server_error'
  | 'malformed_response'
  | 'bad_ack'
  /** The acquirer refused the request itself (4xx): retrying the same bytes will not help. */
  | 'rejected'
  | 'idempotency_conflict'
  | 'unbalanced'
  | 'busy';

export class SettlementError extends CodedError<SettlementErrorCode> {
  override readonly name = 'SettlementError';

  get retryable(): boolean {
    return !(this.code === 'rejected' || this.code === 'idempotency_conflict');
  }
}
