import { CodedError } from './coded-error.js';

/**
 * The one table from an error's code to what the faces do with it: posctl's exit status, the
 * HTTP status of the local API, and whether trying the same thing again later can succeed.
 * Codes are grouped by kind; a code means the same thing in every error class that uses it.
 * src/app checks at compile time that every code of every error class is in this table.
 */
export type ErrorKind =
  /** The request or input itself is wrong: fix it, do not retry. */
  | 'bad_input'
  /** Well-formed, but the rules refuse it (over a limit, already refunded, declined). */
  | 'refused'
  /** Something named does not exist. */
  | 'not_found'
  /** It clashes with what already happened (same key, other body; a second writer; too late). */
  | 'conflict'
  /** Someone else holds what is needed right now: retry shortly. */
  | 'busy'
  /** A device, the acquirer or the network is not available: retry later. */
  | 'unavailable'
  /** Stored data contradicts its signatures or itself: a technician must look; never retry blindly. */
  | 'integrity'
  /** The disk is full or the store failed. */
  | 'storage'
  /** A fault in posd itself. */
  | 'internal'
  /** No credentials, or credentials posd does not know (the local API's bearer token). */
  | 'unauthenticated'
  /** Known credentials that may not do this (a token of another scope, a wrong pairing code). */
  | 'forbidden'
  /** Too many attempts: refused until the time the answer names (never retry blindly). */
  | 'throttled'
  /** What was asked for is no longer kept (an event cursor older than the replay window). */
  | 'gone'
  /** posd does not do this yet. */
  | 'not_implemented';

export interface Disposition {
  kind: ErrorKind;
  /** posctl: 1 = the thing checked or asked for is refused or bad, 2 = could not run, 3 = unavailable, try again later. */
  exit: 1 | 2 | 3;
  http: number;
  retryable: boolean;
}

const BY_KIND: Record<ErrorKind, Disposition> = {
  bad_input: { kind: 'bad_input', exit: 2, http: 400, retryable: false },
  refused: { kind: 'refused', exit: 1, http: 422, retryable: false },
  not_found: { kind: 'not_found', exit: 1, http: 404, retryable: false },
  conflict: { kind: 'conflict', exit: 1, http: 409, retryable: false },
  busy: { kind: 'busy', exit: 3, http: 409, retryable: true },
  unavailable: { kind: 'unavailable', exit: 3, http: 503, retryable: true },
  integrity: { kind: 'integrity', exit: 1, http: 503, retryable: false },
  storage: { kind: 'storage', exit: 3, http: 507, retryable: false },
  internal: { kind: 'internal', exit: 2, http: 500, retryable: false },
  unauthenticated: { kind: 'unauthenticated', exit: 2, http: 401, retryable: false },
  forbidden: { kind: 'forbidden', exit: 1, http: 403, retryable: false },
  throttled: { kind: 'throttled', exit: 3, http: 429, retryable: false },
  gone: { kind: 'gone', exit: 1, http: 410, retryable: false },
  not_implemented: { kind: 'not_implemented', exit: 2, http: 501, retryable: false },
};

/** Codes whose HTTP status says more than their kind's. */
const HTTP_OF_CODE: Readonly<Partial<Record<string, number>>> = {
  body_too_large: 413,
  unsupported_media_type: 415,
};

/** Every error code posd uses, by kind. */
export const ERROR_CODES = {
  // input that is malformed, whoever sent it
  invalid_record: 'bad_input',
  bad_amount: 'bad_input',
  unknown_asset: 'bad_input',
  too_large: 'bad_input',
  too_long: 'bad_input',
  not_object: 'bad_input',
  bad_version: 'bad_input',
  unknown_kind: 'bad_input',
  bad_field: 'bad_input',
  missing_field: 'bad_input',
  unexpected_field: 'bad_input',
  malformed: 'bad_input',
  malformed_response: 'unavailable',
  bad_config: 'bad_input',
  bad_uri: 'bad_input',
  bad_argument: 'bad_input',
  bad_command: 'bad_input',
  bad_pattern: 'bad_input',
  bad_table: 'bad_input',
  ambiguous_rules: 'bad_input',
  bad_hex: 'bad_input',
  not_canonical: 'bad_input',
  truncated_tag: 'bad_input',
  long_tag: 'bad_input',
  truncated_length: 'bad_input',
  bad_length: 'bad_input',
  truncated_value: 'bad_input',
  too_deep: 'bad_input',
  bad_tlv: 'bad_input',
  bad_fci: 'bad_input',
  bad_response: 'bad_input',
  bad_frame: 'unavailable',
  bad_image: 'bad_input',
  bad_barcode_data: 'bad_input',
  bad_status_byte: 'bad_input',
  control_character: 'bad_input',
  unencodable_text: 'bad_input',
  too_wide: 'bad_input',
  unknown_profile: 'bad_input',
  usage: 'bad_input',
  unsupported_uri: 'bad_input',
  bad_settings: 'bad_input',
  bad_catalog: 'bad_input',
  // what a scanner sent that is no scan: nothing to retry, the next scan is another input
  bad_report_length: 'bad_input',
  rollover: 'bad_input',
  unsupported_key: 'bad_input',
  human_typing: 'bad_input',
  too_short: 'bad_input',
  unknown_report: 'bad_input',
  bad_byte_count: 'bad_input',
  symbology_changed: 'bad_input',
  incomplete: 'bad_input',
  non_printable: 'bad_input',
  bad_encoding: 'bad_input',
  no_journal: 'bad_input',
  bad_day: 'bad_input',
  bad_key: 'bad_input',
  // payments: requests and scans
  bad_payment_request: 'bad_input',
  bad_return_request: 'bad_input',
  bad_crc: 'bad_input',
  // the local API (src/api/http): requests, credentials, pairing
  invalid_request: 'bad_input',
  missing_idempotency_key: 'bad_input',
  bad_json: 'bad_input',
  body_too_large: 'bad_input',
  unsupported_media_type: 'bad_input',
  route_not_found: 'not_found',
  token_not_found: 'not_found',
  unauthorized: 'unauthenticated',
  forbidden: 'forbidden',
  not_loopback: 'forbidden',
  bad_host: 'forbidden',
  bad_pairing_code: 'forbidden',
  bad_counter_ticket: 'forbidden',
  bad_technician_pin: 'forbidden',
  no_pairing_code: 'refused',
  pairing_locked: 'throttled',
  too_many_attempts: 'throttled',
  cursor_expired: 'gone',
  not_implemented: 'not_implemented',
  too_many_connections: 'unavailable',
  no_drawer: 'unavailable',
  // refused by the rules
  not_found: 'not_found',
  no_receipt: 'not_found',
  unknown_payment: 'not_found',
  payment_not_found: 'not_found',
  asset_mismatch: 'refused',
  exceeds_payment: 'refused',
  already_returned: 'refused',
  total_overflow: 'refused',
  not_allowed: 'refused',
  rejected: 'refused',
  unsupported: 'refused',
  unsupported_chip: 'unavailable',
  not_configured: 'refused',
  pin_unsupported: 'refused',
  empty_sale: 'refused',
  insufficient_cash: 'refused',
  // payments: refused by the rules
  offline_limit: 'refused',
  code_used: 'refused',
  not_waiting: 'refused',
  not_voidable: 'refused',
  not_refundable: 'refused',
  mixed_assets: 'refused',
  empty: 'refused',
  status: 'refused',
  chaining_limit: 'refused',
  not_iso_dep: 'refused',
  // provisioning (docs/provisioning.md)
  not_provisioned: 'refused',
  profile_expired: 'refused',
  unsettled: 'refused',
  wrong_terminal: 'refused',
  rollback: 'refused',
  expired: 'refused',
  bad_endorsement: 'integrity',
  bad_rotation: 'integrity',
  already_provisioned: 'conflict',
  // offline wallet payments (taps and offline QR) refused: the payment is declined or the code refused
  wallet_unsupported: 'refused',
  bad_wallet_answer: 'refused',
  bad_wallet_data: 'bad_input',
  wrong_asset: 'refused',
  unknown_issuer: 'refused',
  issuer_key_expired: 'refused',
  bad_certificate: 'refused',
  certificate_expired: 'refused',
  over_wallet_limit: 'refused',
  insufficient_offline_balance: 'refused',
  counter_exhausted: 'refused',
  bad_wallet_signature: 'refused',
  replayed_counter: 'refused',
  offline_qr_expired: 'refused',
  wallet_refused: 'refused',
  offline_qr_refused: 'refused',
  bad_wallet_proof: 'integrity',
  // clashes
  idempotency_conflict: 'conflict',
  concurrent_writer: 'conflict',
  writer_running: 'conflict',
  unbalanced: 'unavailable',
  mismatch: 'conflict',
  too_late: 'conflict',
  day_closed: 'conflict',
  wrong_key: 'integrity',
  key_mismatch: 'integrity',
  // retry shortly
  busy: 'busy',
  // not available now
  unreachable: 'unavailable',
  timeout: 'unavailable',
  server_error: 'unavailable',
  bad_ack: 'unavailable',
  not_open: 'unavailable',
  write_failed: 'unavailable',
  open_timeout: 'unavailable',
  not_ready: 'unavailable',
  closed: 'unavailable',
  stopped: 'unavailable',
  disconnected: 'unavailable',
  status_timeout: 'unavailable',
  ack_timeout: 'unavailable',
  response_timeout: 'unavailable',
  error_frame: 'unavailable',
  chip_error: 'unavailable',
  target_lost: 'unavailable',
  link_down: 'unavailable',
  aborted: 'unavailable',
  no_card: 'unavailable',
  card_lost: 'unavailable',
  reader_unavailable: 'unavailable',
  exchange_failed: 'unavailable',
  plugin_missing: 'unavailable',
  plugin_failed: 'unavailable',
  io_failed: 'unavailable',
  interrupted: 'unavailable',
  not_settling: 'unavailable',
  no_printer: 'unavailable',
  // payments: the method or the acquirer not available now
  method_unavailable: 'unavailable',
  terminal_out_of_service: 'unavailable',
  acquirer_unavailable: 'unavailable',
  reversal_pending: 'unavailable',
  lost_answer: 'unavailable',
  system_error: 'unavailable',
  bad_answer: 'unavailable',
  // stored data contradicts itself
  integrity_failed: 'integrity',
  derived_mismatch: 'integrity',
  unreadable_record: 'integrity',
  missing_record: 'integrity',
  bad_record: 'integrity',
  tail_cut: 'integrity',
  corrupt: 'integrity',
  bad_signature: 'integrity',
  key_missing: 'integrity',
  bad_payment_proof: 'integrity',
  // storage
  disk_full: 'storage',
  storage_error: 'storage',
} as const satisfies Record<string, ErrorKind>;

export type KnownErrorCode = keyof typeof ERROR_CODES;

/** What to do with an error: by its code when it is a CodedError posd knows, otherwise internal. */
export function dispositionOf(error: unknown): Disposition {
  if (error instanceof CodedError) {
    const kind = (ERROR_CODES as Record<string, ErrorKind | undefined>)[error.code];
    if (kind) return withHttpOf(error.code, BY_KIND[kind]);
  }
  return BY_KIND.internal;
}

export function dispositionOfCode(code: KnownErrorCode): Disposition {
  return withHttpOf(code, BY_KIND[ERROR_CODES[code]]);
}

function withHttpOf(code: string, disposition: Disposition): Disposition {
  const http = HTTP_OF_CODE[code];
  return http === undefined ? disposition : { ...disposition, http };
}
