import { Uses } from '../behaviours/behaviour-stack.js';
import type { PrinterBehaviour } from './behaviour.js';
import type { PrinterFault } from './printer-twin.js';

/** Behaviours a test puts in front of the printer twin to make it misbehave. */
export const printerFaults = {
  /** DLE EOT requests are read but never answered (a one-way printer, a broken cable's RX line), until removed. */
  ignoreStatusRequests(): PrinterBehaviour {
    return { name: 'ignore status requests', onStatusRequest: () => ({ answer: null }) };
  },

  /** The next status reply (or `times` replies) arrive as this byte instead (line noise, another protocol). */
  garbleStatus(byte: number, times = 1): PrinterBehaviour {
    const uses = new Uses(times, 'garbleStatus');
    return {
      name: `garble ${times} status repl(ies)`,
      get spent() {
        return uses.spent;
      },
      onToHost: (_printer, _bytes, kind) => (kind === 'status' && uses.take() ? Uint8Array.of(byte) : undefined),
    };
  },

  /** The fault strikes after this many more printed lines, before the next one (the cover opened mid-print...). */
  faultAfterLines(fault: PrinterFault, lines: number): PrinterBehaviour {
    if (!(Number.isInteger(lines) && lines >= 0)) throw new RangeError(`faultAfterLines: ${lines} lines`);
    let left = lines;
    let struck = false;
    return {
      name: `${fault} after ${lines} lines`,
      get spent() {
        return struck;
      },
      onPaperFeed(printer, feed) {
        if (struck) return undefined;
        if (left >= feed) {
          left -= feed;
          return undefined;
        }
        struck = true;
        printer.faultWhilePrinting(fault);
        return true;
      },
    };
  },

  /** The printer hears nothing the host sends (its RX line is cut), until removed. */
  stopListening(): PrinterBehaviour {
    return { name: 'stop listening', onHostBytes: () => true };
  },
};
