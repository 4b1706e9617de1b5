import { CodedError } from '../errors/coded-error.js';

export type ProvisioningFailureCode =
  /** The terminal has no profile: it takes no payments until it is provisioned. */
  | 'not_provisioned'
  /** The profile has expired: offline payments stop (online ones continue only if the profile says so). */
  | 'profile_expired'
  /** The profile does not allow this (e.g. offline payments switched off). */
  | 'not_allowed'
  /** Enrolment asked of a terminal that already holds a profile (reset it first). */
  | 'already_provisioned'
  /** Reset or decommission refused while records are unsettled, a batch is open or dead letters wait. */
  | 'unsettled'
  /** No acquirer root key (or URL) configured. */
  | 'not_configured'
  /** The acquirer could not be reached, did not answer in time, or answered something unusable. */
  | 'unreachable'
  | 'timeout'
  | 'malformed_response'
  /** The acquirer refused (4xx); its error code and message are in the message. */
  | 'rejected';

/** A provisioning step that cannot be done now (the documents' own failures are ProvisioningError, src/protocol). */
export class ProvisioningFailure extends CodedError<ProvisioningFailureCode> {
  override readonly name = 'ProvisioningFailure';
  /** For `unsettled`: every reason, one per line. */
  readonly details: readonly string[];
  /** For `rejected`: the HTTP status and the acquirer's error code. */
  readonly status: number | undefined;
  readonly wireError: string | undefined;

  constructor(
    code: ProvisioningFailureCode,
    message: string,
    options?: { cause?: unknown; details?: readonly string[]; status?: number; error?: string },
  ) {
    super(code, message, options);
    this.details = options?.details ?? [];
    this.status = options?.status;
    this.wireError = options?.error;
  }
}
