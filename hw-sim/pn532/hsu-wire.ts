/**
 * The PN532's side of the HSU framing, written from the chip's point of view for the twin
 * (deliberately independent of src/drivers/pn532, so a driver bug cannot hide behind shared code).
 */

export type HostFrame =
  /** The host's ACK: abort the command under way. */
  | { type: 'ack' }
  /** The host's NACK: send the last response again. */
  | { type: 'nack' }
  /** An information frame; `body` is TFI followed by the packet (command code, parameters). */
  | { type: 'information'; body: Uint8Array }
  /** A frame whose length or data checksum failed; the chip ignores it (no ACK). */
  | { type: 'corrupt'; why: 'length_checksum' | 'data_checksum' | 'length' };

const START = Buffer.from([0x00, 0xff]);
const MAX_BODY = 265;

/** Collects bytes from the host and cuts them into frames. */
export class HostFrameReader {
  private pending: Buffer = Buffer.alloc(0);

  reset(): void {
    this.pending = Buffer.alloc(0);
  }

  feed(bytes: Uint8Array): HostFrame[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, bytes]) : Buffer.from(bytes);
    const frames: HostFrame[] = [];
    for (;;) {
      const start = this.pending.indexOf(START);
      if (start < 0) {
        // Keep a trailing 00: it may be the first half of a start code.
        this.pending = this.pending.length && this.pending[this.pending.length - 1] === 0 ? this.pending.subarray(-1) : Buffer.alloc(0);
        return frames;
      }
      const p = this.pending;
      const at = start + 2;
      if (p.length < at + 2) {
        this.pending = p.subarray(start);
        return frames;
      }
      const len = p[at]!;
      const lcs = p[at + 1]!;
      if (len === 0x00 && lcs === 0xff) {
        frames.push({ type: 'ack' });
        this.pending = p.subarray(at + 2);
        continue;
      }
      if (len === 0xff && lcs === 0x00) {
        frames.push({ type: 'nack' });
        this.pending = p.subarray(at + 2);
        continue;
      }
      let bodyAt: number;
      let bodyLength: number;
      if (len === 0xff && lcs === 0xff) {
        if (p.length < at + 5) {
          this.pending = p.subarray(start);
          return frames;
        }
        const hi = p[at + 2]!;
        const lo = p[at + 3]!;
        if (((hi + lo + p[at + 4]!) & 0xff) !== 0) {
          frames.push({ type: 'corrupt', why: 'length_checksum' });
          this.pending = p.subarray(start + 1);
          continue;
        }
        bodyLength = (hi << 8) | lo;
        bodyAt = at + 5;
      } else {
        if (((len + lcs) & 0xff) !== 0) {
          frames.push({ type: 'corrupt', why: 'length_checksum' });
          this.pending = p.subarray(start + 1);
          continue;
        }
        bodyLength = len;
        bodyAt = at + 2;
      }
      if (bodyLength === 0 || bodyLength > MAX_BODY) {
        frames.push({ type: 'corrupt', why: 'length' });
        this.pending = p.subarray(start + 1);
        continue;
      }
      if (p.length < bodyAt + bodyLength + 1) {
        this.pending = p.subarray(start);
        return frames;
      }
      let sum = 0;
      for (let i = bodyAt; i <= bodyAt + bodyLength; i++) sum += p[i]!;
      if ((sum & 0xff) !== 0) {
        frames.push({ type: 'corrupt', why: 'data_checksum' });
        this.pending = p.subarray(start + 1);
        continue;
      }
      frames.push({ type: 'information', body: Uint8Array.from(p.subarray(bodyAt, bodyAt + bodyLength)) });
      this.pending = p.subarray(bodyAt + bodyLength + 1);
    }
  }
}

export const CHIP_ACK = Uint8Array.of(0x00, 0x00, 0xff, 0x00, 0xff, 0x00);
export const CHIP_SYNTAX_ERROR = Uint8Array.of(0x00, 0x00, 0xff, 0x01, 0xff, 0x7f, 0x81, 0x00);

/**
 * A response frame: TFI D5 then `packet`; normal when it fits, extended otherwise (as the chip
 * does). `noAmble`: without preamble and postamble (SetParameters fRemovePrePostAmble).
 */
export function chipFrame(packet: Uint8Array, noAmble = false): Uint8Array {
  const bodyLength = packet.length + 1;
  const extended = bodyLength > 255;
  const head = extended
    ? [0x00, 0x00, 0xff, 0xff, 0xff, bodyLength >> 8, bodyLength & 0xff, (0x100 - (((bodyLength >> 8) + (bodyLength & 0xff)) & 0xff)) & 0xff]
    : [0x00, 0x00, 0xff, bodyLength, (0x100 - bodyLength) & 0xff];
  const out = new Uint8Array(head.length + bodyLength + 2);
  out.set(head, 0);
  out[head.length] = 0xd5;
  out.set(packet, head.length + 1);
  let sum = 0xd5;
  for (const b of packet) sum += b;
  out[head.length + bodyLength] = (0x100 - (sum & 0xff)) & 0xff;
  out[out.length - 1] = 0x00;
  return noAmble ? withoutAmble(out) : out;
}

/** Drops the leading preamble byte and the trailing postamble of a chip frame. */
export function withoutAmble(frame: Uint8Array): Uint8Array {
  return frame.slice(1, frame.length - 1);
}
