import type { Behaviour } from '../behaviours/behaviour-stack.js';
import type { EscPosPrinterTwin } from './printer-twin.js';

/** What the printer sends the host: a DLE EOT reply, Automatic Status Back, a GS r reply, or raw bytes a test injects. */
export type PrinterOutputKind = 'status' | 'asb' | 'transmit-status' | 'raw';

/** One way of handling what happens at the printer; each hook returns undefined to let the next decide. */
export interface PrinterBehaviour extends Behaviour {
  /** Bytes from the host before the printer reads them. true: it never does. */
  onHostBytes?(printer: EscPosPrinterTwin, bytes: Uint8Array): true | undefined;
  /** A real-time status request (DLE EOT n): the answer to send, or null for none. */
  onStatusRequest?(printer: EscPosPrinterTwin, n: number): { answer: Uint8Array | null } | undefined;
  /** Bytes on their way to the host: a replacement, null to lose them, undefined to let them pass. */
  onToHost?(printer: EscPosPrinterTwin, bytes: Uint8Array, kind: PrinterOutputKind): Uint8Array | null | undefined;
  /**
   * The engine is about to print `lines` lines of paper. true: a fault struck first (the behaviour
   * called printer.faultWhilePrinting) and they are not printed.
   */
  onPaperFeed?(printer: EscPosPrinterTwin, lines: number): true | undefined;
}
