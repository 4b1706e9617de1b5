import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACK_FRAME, MAX_PACKET_BYTES, NACK_FRAME, TFI_CHIP_TO_HOST, encodeInformationFrame } from '../../src/drivers/pn532/frame.js';
import { Pn532FrameParser, type ParsedFrame } from '../../src/drivers/pn532/frame-parser.js';
import { fuzz } from './settings.js';

/** Feeds `bytes` in the given chunk sizes (cycled), then returns everything reported. */
function parse(bytes: Uint8Array, chunkSizes: number[] = [bytes.length || 1], between?: (parser: Pn532FrameParser) => void): ParsedFrame[] {
  const frames: ParsedFrame[] = [];
  const parser = new Pn532FrameParser((f) => frames.push(f));
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const size = Math.max(1, chunkSizes[i % chunkSizes.length]!);
    parser.push(bytes.subarray(at, at + size));
    at += size;
    between?.(parser);
  }
  return frames;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

type Sent = { bytes: Uint8Array; expect: ParsedFrame };

const packet = (min = 1, max = 64) => fc.uint8Array({ minLength: min, maxLength: max });

/** A valid frame as the chip sends it: information (normal or extended, any preamble), ACK or NACK. */
const validFrame: fc.Arbitrary<Sent> = fc.oneof(
  fc.record({ p: packet(), extended: fc.boolean(), preamble: fc.nat(3), postamble: fc.boolean() }).map(({ p, extended, preamble, postamble }) => {
    const frame = encodeInformationFrame(TFI_CHIP_TO_HOST, p, { extended });
    const body = frame.subarray(1, postamble ? frame.length : frame.length - 1); // drop the one preamble zero the encoder adds...
    return {
      bytes: concat([new Uint8Array(preamble), body]), // ...and put back any number (a frame needs none before 00 FF but its own 00)
      expect: { kind: 'information', tfi: TFI_CHIP_TO_HOST, packet: Uint8Array.from(p), extended: extended || p.length + 1 > 255 } as ParsedFrame,
    };
  }),
  fc.record({ p: packet(253, MAX_PACKET_BYTES) }).map(({ p }) => ({
    bytes: encodeInformationFrame(TFI_CHIP_TO_HOST, p),
    expect: { kind: 'information', tfi: TFI_CHIP_TO_HOST, packet: Uint8Array.from(p), extended: p.length + 1 > 255 } as ParsedFrame,
  })),
  fc.constant({ bytes: ACK_FRAME, expect: { kind: 'ack' } as ParsedFrame }),
  fc.constant({ bytes: NACK_FRAME, expect: { kind: 'nack' } as ParsedFrame }),
);

/** Line noise that cannot hold a start code (no 0xFF), so it can neither make nor hide a frame. */
const noise = fc.uint8Array({ maxLength: 40 }).map((b) => b.map((x) => (x === 0xff ? 0xfe : x)));

const chunking = fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 8 });

const payloads = (frames: ParsedFrame[]) => frames.filter((f) => f.kind !== 'rejected');

describe('fuzz: PN532 frame parser', () => {
  it('never throws on arbitrary bytes, and reports the same whatever the chunking', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), chunking, (bytes, sizes) => {
        const whole = parse(bytes);
        expect(parse(bytes, sizes)).toEqual(whole);
        expect(parse(bytes, [1])).toEqual(whole);
      }),
      fuzz(300),
    );
  });

  it('recovers every valid frame, in order, from between line noise, in any chunking', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(noise, validFrame), { minLength: 1, maxLength: 8 }), noise, chunking, (items, tail, sizes) => {
        const bytes = concat([...items.flatMap(([n, f]) => [n, f.bytes]), tail]);
        const frames = parse(bytes, sizes);
        expect(frames).toEqual(items.map(([, f]) => f.expect));
      }),
      fuzz(300),
    );
  });

  it('resynchronises after a frame cut short (the owner abandons it after its inter-byte timeout)', () => {
    fc.assert(
      fc.property(validFrame, fc.nat(), fc.array(validFrame, { minLength: 1, maxLength: 4 }), (cut, at, items) => {
        fc.pre(cut.bytes.length > 6);
        const start = cut.bytes.indexOf(0xff);
        const prefix = cut.bytes.subarray(0, start + 1 + (at % (cut.bytes.length - start - 3)));
        const frames: ParsedFrame[] = [];
        const parser = new Pn532FrameParser((f) => frames.push(f));
        parser.push(prefix);
        for (let i = 0; parser.midFrame && i < 300; i++) parser.abandonFrame();
        expect(parser.midFrame).toBe(false);
        for (const item of items) parser.push(item.bytes);
        expect(payloads(frames).slice(-items.length)).toEqual(items.map((f) => f.expect));
        expect(frames.some((f) => f.kind === 'rejected' && f.reason === 'truncated')).toBe(true);
      }),
      fuzz(300),
    );
  });

  it('reports a corrupted frame as rejected and still finds the frames after it', () => {
    const zeroFree = fc.uint8Array({ minLength: 1, maxLength: 40 }).map((b) => b.map((x) => x || 1));
    fc.assert(
      fc.property(zeroFree, fc.nat(), fc.integer({ min: 1, max: 255 }), fc.array(validFrame, { minLength: 1, maxLength: 4 }), (p, which, flip, items) => {
        const frame = Uint8Array.from(encodeInformationFrame(TFI_CHIP_TO_HOST, p));
        const at = 5 + (which % (frame.length - 6)); // TFI .. DCS
        const original = frame[at]!;
        // Never a zero (no start code can form inside) and never the byte it was (then nothing is corrupted).
        frame[at] = (original ^ flip) !== 0 ? original ^ flip : (original % 255) + 1;
        const frames = parse(concat([frame, ...items.map((i) => i.bytes)]));
        expect(frames[0]).toEqual({ kind: 'rejected', reason: 'bad_data_checksum' });
        expect(payloads(frames)).toEqual(items.map((f) => f.expect));
      }),
      fuzz(300),
    );
  });
});
