/**
 * The only ways terminal/ reaches devices. The daemon hands it adapters over real drivers;
 * tests hand it whatever they like. Each port is optional at the counter: a terminal without
 * a printer still takes payments (the journal is the record; the receipt can be reprinted).
 */

/** A label on the left, a value on the right. */
export interface ReceiptRow {
  label: string;
  value: string;
  /** Printed bold and large. */
  emphasis?: boolean;
}

/** What goes on a receipt (or a report), independent of any printer's commands. */
export interface ReceiptContent {
  /** Centred lines at the top: merchant name first (large), then address, phone, city. */
  header: readonly string[];
  /** Bold centred lines under the header: what the paper is (sales receipt, refund, Z report), the copy, a reprint mark. */
  titles?: readonly string[];
  /** Rows before the items: time, terminal, record number, order reference. */
  info?: readonly ReceiptRow[];
  /** One row per item: text on the left, amount on the right; `detail` (quantity x unit price) under it. */
  items: readonly { text: string; amount: string; detail?: string }[];
  /** Totals block; `emphasis` prints large. */
  totals: readonly { label: string; amount: string; emphasis?: boolean }[];
  /** Rows after the totals: how it was paid, the masked payer, the acquirer's reference, a return's reason. */
  payment?: readonly ReceiptRow[];
  /** Titled groups of rows (reports: per asset, per method). */
  sections?: readonly { title: string; rows: readonly ReceiptRow[] }[];
  /** Printed reversed, to be noticed: the offline marker. */
  notices?: readonly string[];
  /** Small lines at the bottom: zone, how to verify. */
  footer: readonly string[];
  /** Printed as a QR code under the footer. */
  qr?: string;
  /** Open the cash drawer through the printer's kick-out connector when printed. */
  openDrawer?: boolean;
}

export interface ReceiptOutput {
  /** The printer prints Chinese (GB18030); without it receipts are in English alone. Default true. */
  readonly chinese?: boolean;
  /** Resolves once the whole receipt is printed (after any pause for paper or cover). */
  print(receipt: ReceiptContent): Promise<void>;
}

export type BeepName = 'scan' | 'approved' | 'declined' | 'error';

export interface Indicators {
  beep(name: BeepName): void;
  setOffline(offline: boolean): void;
  setFault(fault: boolean): void;
  /** Opens the cash drawer (GPIO relay). */
  kickDrawer(): Promise<void>;
}

export interface ScanInput {
  on(event: 'scan', listener: (scan: { text: string; symbology: string | undefined }) => void): unknown;
}
