import type { ScanSink } from './scan-sink.js';
import { decodeScanBytes } from './scan-text.js';
import type { SilenceOptions, SilenceWitness } from './silence.js';

export interface SerialTiming {
  /** A line without a terminator ends after this long without a byte (scanners set to no suffix). */
  silenceMs: number;
  /** Longest accepted line in bytes. */
  maxLineBytes: number;
}

export const defaultSerialTiming: Readonly<SerialTiming> = Object.freeze({
  silenceMs: 50,
  maxLineBytes: 8192,
});

const CR = 0x0d;
const LF = 0x0a;

/**
 * Splits a serial scanner's byte stream into scans. A line ends at CR, at LF, or after a
 * silence; the LF of a CR LF pair is swallowed (the line is already out at the CR, so a CR LF
 * scanner costs no extra latency). Empty lines are ignored. A line with noise in it is rejected
 * as a whole and the parser starts afresh after the next terminator or silence. With
 * `silenceSeenBy: 'tick'` only `tick` ends a line by silence: bytes that arrive after a stall of
 * the host's event loop continue the line they belong to.
 */
export class SerialLineAssembler {
  private readonly buffer: Uint8Array;
  private length = 0;
  private overflow = false;
  private afterCr = false;
  private lastAt = 0;
  private readonly silenceSeenBy: SilenceWitness;

  constructor(
    private readonly timing: SerialTiming = defaultSerialTiming,
    options: SilenceOptions = {},
  ) {
    this.buffer = new Uint8Array(timing.maxLineBytes);
    this.silenceSeenBy = options.silenceSeenBy ?? 'timestamps';
  }

  push(chunk: Uint8Array, at: number, sink: ScanSink): void {
    if (this.silenceSeenBy === 'timestamps') this.tick(at, sink);
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === LF && this.afterCr) {
        this.afterCr = false;
        continue;
      }
      this.afterCr = b === CR;
      if (b === CR || b === LF) {
        this.endLine('suffix', at, sink);
      } else if (this.length < this.buffer.length) {
        this.buffer[this.length++] = b;
      } else {
        this.overflow = true;
        this.length++;
      }
    }
    this.lastAt = at;
  }

  tick(now: number, sink: ScanSink): void {
    if (this.length > 0 && now - this.lastAt >= this.timing.silenceMs) this.endLine('silence', this.lastAt, sink);
  }

  deadline(): number | undefined {
    return this.length > 0 ? this.lastAt + this.timing.silenceMs : undefined;
  }

  /** Drops a partial line; returns its length, or undefined if none was in progress. */
  reset(): number | undefined {
    const dropped = this.length > 0 ? this.length : undefined;
    this.length = 0;
    this.overflow = false;
    this.afterCr = false;
    return dropped;
  }

  private endLine(endedBy: 'suffix' | 'silence', at: number, sink: ScanSink): void {
    const length = this.length;
    const overflow = this.overflow;
    this.length = 0;
    this.overflow = false;
    if (length === 0) return;
    if (overflow) {
      sink.reject('too_long', `line longer than ${this.timing.maxLineBytes} bytes`, length, at);
      return;
    }
    const decoded = decodeScanBytes(this.buffer.subarray(0, length));
    if (!decoded.ok) {
      sink.reject(decoded.code, `line has ${decoded.code === 'non_printable' ? 'control bytes' : 'invalid UTF-8'} (garbage on the line?)`, length, at);
      return;
    }
    sink.scan({ text: decoded.text, symbology: undefined, endedBy, at });
  }
}
