import type { Behaviour } from '../behaviours/behaviour-stack.js';
import type { ScannerTwin } from './scanner-twin.js';

/** One way of handling what happens at the scanner; each hook returns undefined to let the next decide. */
export interface ScannerBehaviour extends Behaviour {
  /** Bytes the host writes to the scanner (LED reports, triggers, serial commands). true: the scanner never sees them. */
  onHostBytes?(scanner: ScannerTwin, bytes: Uint8Array): true | undefined;
  /** A report (HID) or chunk (serial) of a scan on its way: a replacement, null to lose it, undefined to let it pass. */
  onToHost?(scanner: ScannerTwin, bytes: Uint8Array): Uint8Array | null | undefined;
}
