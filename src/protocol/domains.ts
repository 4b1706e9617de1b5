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
} as const;

/** The `prev` of the genesis record: 32 zero bytes. */
export const GENESIS_PREV = '0'.repeat(64);
