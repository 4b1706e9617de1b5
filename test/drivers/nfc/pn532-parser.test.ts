import { describe, expect, it } from 'vitest';
import { Pn532FrameParser, type ParsedFrame } from '../../../src/drivers/pn532/frame-parser.js';
import { ACK_FRAME, encodeInformationFrame, ERROR_FRAME, NACK_FRAME, TFI_CHIP_TO_HOST } from '../../../src/drivers/pn532/frame.js';
import { h, hex } from './hex.js';

const FIRMWARE = h('00 00 FF 06 FA D5 03 32 01 06 07 E8 00');

function parse(...chunks: Uint8Array[]): { frames: string[]; parser: Pn532FrameParser } {
  const frames: string[] = [];
  const parser = new Pn532FrameParser((f) => frames.push(show(f)));
  for (const c of chunks) parser.push(c);
  return { frames, parser };
}

function show(f: ParsedFrame): string {
  switch (f.kind) {
    case 'information':
      return `info ${f.tfi.toString(16).toUpperCase()}${f.extended ? ' ext' : ''}: ${hex(f.packet)}`;
    case 'rejected':
      return `rejected ${f.reason}`;
    default:
      return f.kind;
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}

describe('PN532 stream parser', () => {
  it('reads ACK, NACK, error and information frames', () => {
    expect(parse(concat(ACK_FRAME, FIRMWARE, NACK_FRAME, ERROR_FRAME)).frames).toEqual(['ack', 'info D5: 03 32 01 06 07', 'nack', 'error']);
  });

  it('accepts any chunking, down to one byte at a time', () => {
    const stream = concat(ACK_FRAME, FIRMWARE, ACK_FRAME);
    const bytewise = parse(...[...stream].map((b) => Uint8Array.of(b)));
    expect(bytewise.frames).toEqual(['ack', 'info D5: 03 32 01 06 07', 'ack']);
    for (let cut = 1; cut < stream.length; cut++) {
      expect(parse(stream.subarray(0, cut), stream.subarray(cut)).frames).toEqual(bytewise.frames);
    }
  });

  it('handles preamble variations: none, several zeros, missing postamble', () => {
    const noPreamble = FIRMWARE.subarray(1);
    const longPreamble = concat(h('00 00 00 00'), FIRMWARE);
    const noPostamble = FIRMWARE.subarray(0, FIRMWARE.length - 1);
    const { frames, parser } = parse(noPreamble, longPreamble, noPostamble, ACK_FRAME.subarray(1, 5));
    expect(frames).toEqual(['info D5: 03 32 01 06 07', 'info D5: 03 32 01 06 07', 'info D5: 03 32 01 06 07', 'ack']);
    expect(parser.stats.skippedBytes).toBe(0);
  });

  it('resynchronises after garbage, including garbage full of FF and 00', () => {
    const { frames, parser } = parse(h('55 FF 13 37 FF FF 00 42 00 00'), ACK_FRAME, h('13 FF 7F'), FIRMWARE);
    expect(frames).toEqual(['ack', 'info D5: 03 32 01 06 07']);
    expect(parser.stats.skippedBytes).toBe(10);
  });

  it('gets back a frame swallowed by a false start code in noise once the owner abandons the partial frame', () => {
    // ACK's postamble 00 + noise FF 81 7F reads as a header with LEN 0x81 and a valid LCS.
    const { frames, parser } = parse(ACK_FRAME, h('FF 81 7F'), FIRMWARE);
    expect(frames).toEqual(['ack']);
    expect(parser.midFrame).toBe(true);
    parser.abandonFrame();
    expect(frames).toEqual(['ack', 'rejected truncated', 'info D5: 03 32 01 06 07']);
  });

  it('rejects a bad length checksum with a typed reason, then finds the next frame', () => {
    const badLcs = h('00 00 FF 06 FB D5 03 32 01 06 07 E8 00');
    expect(parse(badLcs, FIRMWARE).frames).toEqual(['rejected bad_length_checksum', 'info D5: 03 32 01 06 07']);
  });

  it('rejects a bad data checksum, then continues with the next frame', () => {
    const badDcs = h('00 00 FF 06 FA D5 03 32 01 06 07 E9 00');
    const { frames, parser } = parse(badDcs, ACK_FRAME, FIRMWARE);
    expect(frames).toEqual(['rejected bad_data_checksum', 'ack', 'info D5: 03 32 01 06 07']);
    expect(parser.stats.rejected).toBe(1);
  });

  it('finds a real frame that began inside a truncated one', () => {
    // A response lost its tail; the next frame's bytes were swallowed as its body, and are found again.
    const truncated = h('00 00 FF 0A F6 D5 41 00 01 02');
    const { frames } = parse(truncated, FIRMWARE, ACK_FRAME);
    expect(frames).toEqual(['rejected bad_data_checksum', 'info D5: 03 32 01 06 07', 'ack']);
  });

  it('rejects impossible lengths', () => {
    expect(parse(h('00 00 FF FF FF 02 00 FE'), ACK_FRAME).frames).toEqual(['rejected bad_length', 'ack']);
    expect(parse(h('00 00 FF FF FF 00 00 00'), ACK_FRAME).frames).toEqual(['rejected bad_length', 'ack']);
  });

  it('reads extended frames, and a 255-byte normal frame', () => {
    const big = new Uint8Array(264).map((_, i) => i & 0xff);
    big[0] = 0x41;
    const extended = encodeInformationFrame(TFI_CHIP_TO_HOST, big);
    const normal255 = encodeInformationFrame(TFI_CHIP_TO_HOST, new Uint8Array(254).fill(0xab));
    const got: ParsedFrame[] = [];
    const parser = new Pn532FrameParser((f) => got.push(f));
    parser.push(concat(extended, normal255));
    expect(got.map((f) => f.kind)).toEqual(['information', 'information']);
    const [a, b] = got as Extract<ParsedFrame, { kind: 'information' }>[];
    expect(a!.extended).toBe(true);
    expect(Buffer.compare(Buffer.from(a!.packet), Buffer.from(big))).toBe(0);
    expect(b!.extended).toBe(false);
    expect(b!.packet.length).toBe(254);
  });

  it('tells its owner when a frame is half received, and reset() drops it', () => {
    const { frames, parser } = parse(FIRMWARE.subarray(0, 7));
    expect(parser.midFrame).toBe(true);
    parser.reset();
    expect(parser.midFrame).toBe(false);
    parser.push(FIRMWARE);
    expect(frames).toEqual(['info D5: 03 32 01 06 07']);
  });

  it('survives random noise followed by a frame (fuzz)', () => {
    let seed = 12345;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
    for (let round = 0; round < 200; round++) {
      const noise = new Uint8Array(1 + (rnd() % 40)).map(() => [0x00, 0xff, rnd()][rnd() % 3]!);
      const { frames } = parse(noise, h('00 00 00'), FIRMWARE, ACK_FRAME);
      // Whatever the noise did, the frames sent after it arrive (a noise frame may come first).
      expect(frames.slice(-2)).toEqual(['info D5: 03 32 01 06 07', 'ack']);
    }
  });
});
