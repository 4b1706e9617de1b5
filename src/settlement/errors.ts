import { CodedError } from '../errors/coded-error.js';
import { dispositionOfCode } from '../errors/error-table.js';
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
  | 'busy'
  /** The journal cannot back what settlement needs (a batch no longer rebuilds, a record is missing or edited): a technician must look. */
  | 'integrity_failed'
  /** The terminal's own storage failed while settling (a full disk, a database error): nothing to blame the acquirer for. */
  | 'disk_full'
  | 'storage_error'
  /** The journal was opened read-only before any settlement: there is nothing to settle from. */
  | 'not_settling';

export class SettlementError extends CodedError<SettlementErrorCode> {
  override readonly name = 'SettlementError';

  get retryable(): boolean {
    return dispositionOfCode(this.code).retryable;
  }
}
