import type { HealthState } from '../device.js';
import type { PrinterConditions } from '../escpos/status.js';
import type { LinkState } from '../transport/link.js';

/**
 * One word for what the printer reports, more detailed than its health (it is `detail.condition`).
 * Faults are ranked: an open cover hides a paper sensor reading, paper out hides a bare offline
 * flag. near_end still prints.
 */
export type PrinterCondition =
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

/** The printer's part of its health record. */
export type PrinterDetail = {
  readonly condition: PrinterCondition;
  /** The last conditions the printer reported (null before the first answer). */
  readonly conditions: PrinterConditions | null;
  readonly link: LinkState;
  /** Jobs are held because of a fault. */
  readonly paused: boolean;
  /** Jobs waiting or printing. */
  readonly queued: number;
  /** The printer is pushing Automatic Status Back. */
  readonly asb: boolean;
  readonly profile: string;
};

/** A condition that stops printing: the job waits, or is reprinted if it was under way. */
export function isBlocking(c: PrinterConditions): boolean {
  return c.offline || c.coverOpen || c.paperOut || c.error;
}

export function conditionOf(link: LinkState, stopped: boolean, unresponsive: boolean, c: PrinterConditions | undefined): PrinterCondition {
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

export interface PrinterFacts {
  condition: PrinterCondition;
  conditions: PrinterConditions | undefined;
  uri: string;
  /** Why the link is not open, in a technician's words (from the link). */
  linkFailure: string | undefined;
  /** The baud rate the link runs at, when it is a serial line. */
  baudRate: number | undefined;
  /** The profile promises Automatic Status Back, it was asked for, and none came. */
  asbUnconfirmed: boolean;
  profileId: string;
}

/** What the printer's condition means for the terminal, and what a person should do about it. */
export function printerHealth(facts: PrinterFacts): { state: HealthState; reason: string | null } {
  switch (facts.condition) {
    case 'closed':
      return { state: 'stopped', reason: null };
    case 'connecting':
    case 'disconnected':
      return { state: 'connecting', reason: facts.linkFailure ?? null };
    case 'unresponsive':
      return {
        state: 'connecting',
        reason:
          `the printer on ${facts.uri} answers nothing to status queries (DLE EOT): check that it is switched on, ` +
          `and that it runs at ${facts.baudRate === undefined ? 'the configured baud rate' : `${facts.baudRate} baud`} (the URI's ?baud=)`,
      };
    case 'cover_open':
      return { state: 'failed', reason: 'the printer cover is open: close it; waiting receipts then print' };
    case 'paper_out':
      return { state: 'failed', reason: 'the printer is out of paper: load a new roll; an interrupted receipt is printed again whole' };
    case 'error':
      return { state: 'failed', reason: errorReason(facts.conditions) };
    case 'offline':
      return { state: 'failed', reason: 'the printer is offline (paper being fed by hand, or waiting for its FEED button): it prints again once online' };
    case 'near_end':
      return { state: 'degraded', reason: 'the paper roll is nearly used up: replace it soon' };
    case 'ok':
      return facts.asbUnconfirmed
        ? {
            state: 'degraded',
            reason:
              `the printer did not confirm Automatic Status Back (GS a), which profile ${facts.profileId} promises: ` +
              'its status is polled instead; check that the profile matches the model',
          }
        : { state: 'ready', reason: null };
  }
}

function errorReason(c: PrinterConditions | undefined): string {
  if (c?.autocutterError) return 'the printer reports an autocutter error: clear the paper jam at the cutter, then close the cover';
  if (c?.unrecoverableError) return 'the printer reports an unrecoverable error: switch it off and on again; if that does not help, it needs service';
  return 'the printer reports an error (e.g. the print head overheated): it may recover by itself; otherwise switch it off and on again';
}
