import type { PrinterConditions } from '../escpos/status.js';
import type { LinkState } from '../transport/link.js';

/**
 * One word for what the terminal should show. Faults are ranked: an open cover hides a paper
 * sensor reading, paper out hides a bare offline flag. near_end still prints.
 */
export type PrinterState =
  | 'connecting'
  | 'ok'
  | 'near_end'
  | 'paper_out'
  | 'cover_open'
  | 'offline'
  | 'error'
  /** The link is open but the printer does not answer status queries. */
  | 'unresponsive'
  | 'disconnected'
  | 'closed';

export interface PrinterStatus {
  state: PrinterState;
  /** The last conditions the printer reported (undefined before the first answer). */
  conditions: PrinterConditions | undefined;
  link: LinkState;
  /** Jobs are held because of a fault. */
  paused: boolean;
  /** Jobs waiting or printing. */
  queued: number;
  /** The printer is pushing Automatic Status Back. */
  asb: boolean;
}

/** A condition that stops printing: the job waits, or is reprinted if it was under way. */
export function isBlocking(c: PrinterConditions): boolean {
  return c.offline || c.coverOpen || c.paperOut || c.error;
}

export function stateOf(link: LinkState, stopped: boolean, unresponsive: boolean, c: PrinterConditions | undefined): PrinterState {
  if (stopped || link === 'closed') return 'closed';
  if (link === 'connecting') return 'connecting';
  if (link === 'disconnected') return 'disconnected';
  if (unresponsive) return 'unresponsive';
  if (!c) return 'connecting';
  if (c.coverOpen) return 'cover_open';
  if (c.paperOut) return 'paper_out';
  if (c.error) return 'error';
  if (c.offline) return 'offline';
  if (c.paperNearEnd) return 'near_end';
  return 'ok';
}

export function sameConditions(a: PrinterConditions | undefined, b: PrinterConditions | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return (
    a.offline === b.offline &&
    a.coverOpen === b.coverOpen &&
    a.paperOut === b.paperOut &&
    a.paperNearEnd === b.paperNearEnd &&
    a.error === b.error &&
    a.autocutterError === b.autocutterError &&
    a.unrecoverableError === b.unrecoverableError &&
    a.drawerPin3High === b.drawerPin3High
  );
}
