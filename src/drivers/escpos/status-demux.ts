import { ASB_LENGTH, decodeAsb, isAsbFirstByte, isPlainStatusByte, isRealTimeStatusByte, type AsbStatus } from './status.js';

export const XON = 0x11;
export const XOFF = 0x13;

/** One thing the printer said, as told apart on the line by bit pattern. */
export type PrinterMessage =
  /** A reply to DLE EOT n (0xx1xx10); the caller knows which n it asked. */
  | { kind: 'realtime'; byte: number }
  /** A 4-byte Automatic Status Back message (first byte 0xx1xx00, then three 0xx0xxxx). */
  | { kind: 'asb'; bytes: Uint8Array; status: AsbStatus }
  /** A single 0xx0xxxx byte outside an ASB message: the reply to GS r n. */
  | { kind: 'transmit'; byte: number }
  /** XON / XOFF flow control; may arrive between the bytes of an ASB message. */
  | { kind: 'flow'; byte: number }
  /** Bytes that fit no pattern, or an ASB message cut short. */
  | { kind: 'garbage'; bytes: Uint8Array; reason: 'unknown_byte' | 'truncated_asb' };

/**
 * Splits the printer-to-host byte stream into status messages. Pure and incremental: feed it chunks
 * as they arrive; an ASB message may span chunks. A byte that cannot continue an ASB message ends
 * it as garbage and is then read afresh, so one lost byte costs one message, not the stream.
 */
export class StatusDemux {
  private readonly asb = new Uint8Array(ASB_LENGTH);
  private asbFill = 0;

  push(chunk: Uint8Array): PrinterMessage[] {
    const out: PrinterMessage[] = [];
    let garbageStart = -1;
    const flushGarbage = (end: number): void => {
      if (garbageStart < 0) return;
      out.push({ kind: 'garbage', bytes: Uint8Array.from(chunk.subarray(garbageStart, end)), reason: 'unknown_byte' });
      garbageStart = -1;
    };
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === XON || b === XOFF) {
        flushGarbage(i);
        out.push({ kind: 'flow', byte: b });
        continue;
      }
      if (this.asbFill > 0) {
        if (isPlainStatusByte(b)) {
          this.asb[this.asbFill++] = b;
          if (this.asbFill === ASB_LENGTH) {
            const bytes = this.asb.slice();
            this.asbFill = 0;
            out.push({ kind: 'asb', bytes, status: decodeAsb(bytes) });
          }
          continue;
        }
        out.push({ kind: 'garbage', bytes: this.asb.slice(0, this.asbFill), reason: 'truncated_asb' });
        this.asbFill = 0;
      }
      if (isRealTimeStatusByte(b)) {
        flushGarbage(i);
        out.push({ kind: 'realtime', byte: b });
      } else if (isAsbFirstByte(b)) {
        flushGarbage(i);
        this.asb[0] = b;
        this.asbFill = 1;
      } else if (isPlainStatusByte(b)) {
        flushGarbage(i);
        out.push({ kind: 'transmit', byte: b });
      } else if (garbageStart < 0) {
        garbageStart = i;
      }
    }
    flushGarbage(chunk.length);
    return out;
  }

  /** Drops a partial ASB message (the line went away); returns how many bytes were dropped. */
  reset(): number {
    const dropped = this.asbFill;
    this.asbFill = 0;
    return dropped;
  }
}
