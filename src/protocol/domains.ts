import { WALLET_DOMAIN } from './wallet/domains.js';

/**
 * Every signature in posd covers a domain string followed by canonical JSON, so a signature
 * made for one kind of structure can never be replayed as another.
 */
export const DOMAIN = {
  record: 'posd/journal-record/v1\n',
  keyRotation: 'posd/key-rotation/v1\n',
  ack: 'posd/settlement-ack/v1\n',
  /** The statement a receipt's QR code carries (docs/receipt-qr.md), signed when the receipt is printed. */
  receipt: 'posd/receipt/v1\n',
  // Provisioning (docs/provisioning.md).
  profile: 'posd/terminal-profile/v1\n',
  keyEndorsement: 'posd/key-endorsement/v1\n',
  enrolment: 'posd/enrolment/v1\n',
  release: 'posd/reset-release/v1\n',
  decommission: 'posd/decommission/v1\n',
  pairingCode: 'posd/pairing-code/v1\n',
} as const;

/** The `prev` of the genesis record: 32 zero bytes. */
export const GENESIS_PREV = '0'.repeat(64);

/** Domains of the authorisation protocol's signatures (docs/authorization-protocol.md section 4). */
export const AUTHORIZATION_DOMAIN = {
  /** Terminal -> acquirer: every request, signed with the terminal's key (journal.signStatement). */
  request: 'posd/payment-request/v1\n',
  /** Acquirer -> terminal: every answer. */
  answer: 'posd/acquirer-answer/v1\n',
  /** Acquirer: a paid order's proof, kept in the journal record's details. */
  proof: 'posd/payment-proof/v1\n',
} as const;

/** The domains a terminal signs statements in with its journal key (nothing the journal itself signs). */
export const TERMINAL_STATEMENT_DOMAINS: readonly string[] = [DOMAIN.enrolment, DOMAIN.decommission, DOMAIN.receipt, WALLET_DOMAIN.confirmation, AUTHORIZATION_DOMAIN.request];
