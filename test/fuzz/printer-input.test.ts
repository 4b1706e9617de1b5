import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputParser, MAX_HELD_COMMAND, type ParsedCommand } from '../../hw-sim/printer/input-parser.js';
import { EscPosPrinterTwin } from '../../hw-sim/printer/printer-twin.js';
import { fuzz } from './settings.js';

/** Bytes an ESC/POS host sends, mixed with headers of long commands (raster, GS (, ESC *) and real-time requests. */
const hostByte = fc.oneof(
  { weight: 6, arbitrary: fc.nat(255) },
  { weight: 2, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
  { weight: 2, arbitrary: fc.constantFrom(0x1b, 0x1d, 0x1c, 0x10, 0x04, 0x14, 0x00, 0x0a) },
);
const fragment = fc.oneof(
  { weight: 5, arbitrary: fc.array(hostByte, { maxLength: 30 }) },
  { weight: 1, arbitrary: fc.tuple(fc.nat(3), fc.nat(300), fc.nat(40)).map(([m, x, y]) => [0x1d, 0x76, 0x30, m, x & 0xff, x >> 8, y, 0]) },
  { weight: 1, arbitrary: fc.nat(300).map((n) => [0x1d, 0x28, 0x6b, n & 0xff, n >> 8, 0x31, 0x50, 0x30]) },
  { weight: 1, arbitrary: fc.nat(100).map((n) => [0x1b, 0x2a, 0x21, n & 0xff, n >> 8]) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 4 }).map((n) => [0x10, 0x04, n]) },
);
const stream = fc.array(fragment, { maxLength: 40 }).map((parts) => Uint8Array.from(parts.flat()));
const chunking = fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 6 });

function parseAll(bytes: Uint8Array, sizes: number[], chinese: boolean): { commands: ParsedCommand[]; parser: InputParser } {
  const parser = new InputParser(chinese, { rasterBytesPerRow: 48 });
  const commands: ParsedCommand[] = [];
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const size = Math.max(1, sizes[i % sizes.length]!);
    commands.push(...parser.push(bytes.subarray(at, at + size)));
    at += size;
    expect(parser.queueCapacity).toBeLessThanOrEqual(2 * MAX_HELD_COMMAND);
  }
  return { commands, parser };
}

describe('fuzz: the printer twin input stage', () => {
  it('never throws, holds bounded memory, and reads the same commands in any chunking', () => {
    fc.assert(
      fc.property(stream, chunking, fc.boolean(), (bytes, sizes, chinese) => {
        const whole = parseAll(bytes, [bytes.length || 1], chinese);
        const chunked = parseAll(bytes, sizes, chinese);
        expect(chunked.commands).toEqual(whole.commands);
        expect(chunked.parser.pendingBytes).toBe(whole.parser.pendingBytes);
        const framed = whole.commands.filter((c) => c.length > 0);
        for (const c of framed) expect(c.offset + c.length).toBeLessThanOrEqual(bytes.length);
      }),
      fuzz(300),
    );
  });

  it('answers every DLE EOT n in the stream once, wherever it is', () => {
    fc.assert(
      fc.property(stream, chunking, (bytes, sizes) => {
        const { commands } = parseAll(bytes, sizes, true);
        const expected: number[] = [];
        for (let i = 0; i + 2 < bytes.length; i++) if (bytes[i] === 0x10 && bytes[i + 1] === 0x04 && bytes[i + 2]! >= 1 && bytes[i + 2]! <= 4) expected.push(i);
        expect(commands.filter((c) => c.command.op === 'status-request').map((c) => c.offset)).toEqual(expected);
      }),
      fuzz(300),
    );
  });

  it('the twin takes arbitrary bytes without throwing, and still prints text after them once reset', () => {
    fc.assert(
      fc.property(stream, chunking, (bytes, sizes) => {
        const twin = new EscPosPrinterTwin();
        twin.attachHost(() => undefined);
        let at = 0;
        for (let i = 0; at < bytes.length; i++) {
          const size = sizes[i % sizes.length]!;
          twin.receiveFromHost(bytes.subarray(at, at + size));
          at += size;
        }
        twin.powerCycle();
        twin.loadPaper();
        for (const fault of ['cover_open', 'offline', 'autocutter_error'] as const) twin.setFault(fault, false);
        twin.receiveFromHost(Uint8Array.from(Buffer.from('\x1b@after\n')));
        expect(twin.text().endsWith('after')).toBe(true);
      }),
      fuzz(200),
    );
  });
});
