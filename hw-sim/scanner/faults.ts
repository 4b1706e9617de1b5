import { Uses } from '../behaviours/behaviour-stack.js';
import type { ScannerBehaviour } from './behaviour.js';

/** Behaviours a test puts in front of the scanner twin to make it misbehave. */
export const scannerFaults = {
  /** The next report(s) or chunk(s) of a scan are lost (a flaky cable, a USB hub dropping a packet). */
  dropReports(times = 1): ScannerBehaviour {
    const uses = new Uses(times, 'dropReports');
    return {
      name: `drop ${times} report(s)`,
      get spent() {
        return uses.spent;
      },
      onToHost: () => (uses.take() ? null : undefined),
    };
  },

  /** The next report(s) or chunk(s) of a scan arrive as these bytes instead. */
  replaceReports(bytes: Uint8Array, times = 1): ScannerBehaviour {
    const uses = new Uses(times, 'replaceReports');
    return {
      name: `replace ${times} report(s)`,
      get spent() {
        return uses.spent;
      },
      onToHost: () => (uses.take() ? Uint8Array.from(bytes) : undefined),
    };
  },

  /** Scans put nothing on the wire (the scanner reads but its data line is dead), until removed. */
  stopSending(): ScannerBehaviour {
    return { name: 'stop sending', onToHost: () => null };
  },
};
