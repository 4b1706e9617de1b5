/**
 * The only ways terminal/ reaches devices. The daemon hands it adapters over real drivers;
 * tests hand it whatever they like. Each port is optional at the counter: a terminal without
 * a printer still takes payments (the journal is the record; the receipt can be reprinted).
 */

/** What goes on a receipt, independent of any printer's commands. */
export interface ReceiptContent {
  /** Centred lines at the top: merchant name first. */
  header: readonly string[];
  /** One line per item: text on the left, amount on the right. */
  items: readonly { text: string; amount: string }[];
  /** Totals block; `emphasis` prints large. */
  totals: readonly { label: string; amount: string; emphasis?: boolean }[];
  /** Small lines at the bottom: terminal, record, time. */
  footer: readonly string[];
  /** Printed as a QR code under the footer. */
  qr?: string;
  /** Open the cash drawer through the printer's kick-out connector when printed. */
  openDrawer?: boolean;
}

export interface ReceiptOutput {
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
