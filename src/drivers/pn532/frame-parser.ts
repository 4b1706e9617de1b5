import { TFI_ERROR } from './frame.js';

export type FrameRejectReason =
  /** LEN + LCS (or LENm + LENl + LCS) is not 0 mod 256. */
  | 'bad_length_checksum'
  /** TFI + data + DCS is not 0 mod 256. */
  | 'bad_data_checksum'
  /** The checksum holds but the length is impossible (0, or more than the firmware's 265). */
  | 'bad_length'
  /** The owner gave up waiting for the rest of the frame (see abandonFrame). */
  | 'truncated';

export type ParsedFrame =
  | { kind: 'ack' }
  | { kind: 'nack' }
  /** The application-level syntax error frame (TFI 7F). */
  | { kind: 'error' }
  /** `packet` is everything after the TFI: the command or response code, then its data. */
  | { kind: 'information'; tfi: number; packet: Uint8Array; extended: boolean }
  | { kind: 'rejected'; reason: FrameRejectReason };

export interface FrameParserStats {
  frames: number;
  rejected: number;
  /** Bytes outside any frame that were not preamble or postamble zeros. */
  skippedBytes: number;
}

const MAX_LEN = 265;

const enum State {
  Seek,
  Len,
  Lcs,
  Extended,
  Body,
  Dcs,
}

/**
 * A byte-stream parser for PN532 HSU frames. Accepts any chunking, any number of preamble zeros
 * (including none), missing postambles and garbage between frames. A frame whose checksum fails
 * is reported as `rejected` and the bytes after its start code are scanned again, so a real frame
 * that began inside a corrupted or truncated one is still found.
 * Pure: no I/O and no timers. `midFrame` tells the owner whether a frame is partly received (to
 * run an inter-byte timeout and then call abandonFrame()); `reset()` drops the partial frame.
 */
export class Pn532FrameParser {
  readonly stats: FrameParserStats = { frames: 0, rejected: 0, skippedBytes: 0 };
  private state = State.Seek;
  private previousWasZero = false;
  /** Bytes of the candidate frame from its start code (00 FF) on. */
  private readonly buffer = new Uint8Array(2 + 5 + MAX_LEN + 1);
  private filled = 0;
  private bodyLength = 0;
  private bodyStart = 0;
  private extended = false;
  private sum = 0;

  constructor(private readonly onFrame: (frame: ParsedFrame) => void) {}

  get midFrame(): boolean {
    return this.state !== State.Seek;
  }

  /**
   * The rest of the partial frame is not coming (the owner's inter-byte timeout): report it as
   * truncated and scan its bytes again, since a false start code in line noise can swallow a
   * real frame that follows it.
   */
  abandonFrame(): void {
    if (this.state !== State.Seek) this.reject('truncated');
  }

  reset(): void {
    this.state = State.Seek;
    this.previousWasZero = false;
    this.filled = 0;
  }

  push(chunk: Uint8Array): void {
    for (let i = 0; i < chunk.length; i++) this.step(chunk[i]!);
  }

  private step(byte: number): void {
    switch (this.state) {
      case State.Seek:
        if (byte === 0xff && this.previousWasZero) {
          this.buffer[0] = 0x00;
          this.buffer[1] = 0xff;
          this.filled = 2;
          this.state = State.Len;
        } else if (byte !== 0x00) {
          this.stats.skippedBytes++;
        }
        this.previousWasZero = byte === 0x00;
        return;
      case State.Len:
        this.buffer[this.filled++] = byte;
        this.state = State.Lcs;
        return;
      case State.Lcs: {
        this.buffer[this.filled++] = byte;
        const len = this.buffer[2]!;
        if (len === 0x00 && byte === 0xff) return this.finish({ kind: 'ack' });
        if (len === 0xff && byte === 0x00) return this.finish({ kind: 'nack' });
        if (len === 0xff && byte === 0xff) {
          this.state = State.Extended;
          return;
        }
        if (((len + byte) & 0xff) !== 0) return this.reject('bad_length_checksum');
        if (len === 0) return this.reject('bad_length');
        this.startBody(len, false);
        return;
      }
      case State.Extended: {
        this.buffer[this.filled++] = byte;
        if (this.filled < 7) return;
        const m = this.buffer[4]!;
        const l = this.buffer[5]!;
        if (((m + l + byte) & 0xff) !== 0) return this.reject('bad_length_checksum');
        const len = m * 256 + l;
        if (len === 0 || len > MAX_LEN) return this.reject('bad_length');
        this.startBody(len, true);
        return;
      }
      case State.Body:
        this.buffer[this.filled++] = byte;
        this.sum += byte;
        if (this.filled - this.bodyStart === this.bodyLength) this.state = State.Dcs;
        return;
      case State.Dcs: {
        this.buffer[this.filled++] = byte;
        if (((this.sum + byte) & 0xff) !== 0) return this.reject('bad_data_checksum');
        const tfi = this.buffer[this.bodyStart]!;
        if (tfi === TFI_ERROR && this.bodyLength === 1) return this.finish({ kind: 'error' });
        const packet = this.buffer.slice(this.bodyStart + 1, this.bodyStart + this.bodyLength);
        return this.finish({ kind: 'information', tfi, packet, extended: this.extended });
      }
    }
  }

  private startBody(length: number, extended: boolean): void {
    this.bodyLength = length;
    this.bodyStart = this.filled;
    this.extended = extended;
    this.sum = 0;
    this.state = State.Body;
  }

  private finish(frame: ParsedFrame): void {
    this.state = State.Seek;
    this.previousWasZero = false;
    this.filled = 0;
    this.stats.frames++;
    this.onFrame(frame);
  }

  /** Report the bad frame, then look for a start code again in the bytes after the false one. */
  private reject(reason: FrameRejectReason): void {
    const rescan = this.buffer.slice(2, this.filled);
    this.state = State.Seek;
    this.previousWasZero = false;
    this.filled = 0;
    this.stats.rejected++;
    this.onFrame({ kind: 'rejected', reason });
    for (let i = 0; i < rescan.length; i++) this.step(rescan[i]!);
  }
}
