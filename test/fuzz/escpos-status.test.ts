import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EscPosError } from '../../src/drivers/escpos/errors.js';
import { StatusDemux, XOFF, XON, type PrinterMessage } from '../../src/drivers/escpos/status-demux.js';
import {
  ASB_LENGTH,
  decodeAsb,
  decodePaperStatusReply,
  decodeRealTimeStatus,
  isAsbFirstByte,
  isPlainStatusByte,
  isRealTimeStatusByte,
} from '../../src/drivers/escpos/status.js';
import { fuzz } from './settings.js';

function demux(bytes: Uint8Array, sizes: number[] = [bytes.length || 1]): { messages: PrinterMessage[]; pending: number } {
  const d = new StatusDemux();
  const messages: PrinterMessage[] = [];
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const size = Math.max(1, sizes[i % sizes.length]!);
    messages.push(...d.push(bytes.subarray(at, at + size)));
    at += size;
  }
  return { messages, pending: d.reset() };
}

/** The bytes a message stands for, in stream order (flow bytes may sit inside an ASB message on the wire). */
function bytesOf(m: PrinterMessage): number[] {
  switch (m.kind) {
    case 'realtime':
    case 'transmit':
    case 'flow':
      return [m.byte];
    case 'asb':
    case 'garbage':
      return [...m.bytes];
  }
}

/** Messages with adjacent unknown-byte garbage merged (a chunk boundary may split a run of garbage). */
function normalised(messages: PrinterMessage[]): unknown[] {
  const out: unknown[] = [];
  for (const m of messages) {
    const last = out[out.length - 1] as { kind: string; reason?: string; bytes: number[] } | undefined;
    if (m.kind === 'garbage' && m.reason === 'unknown_byte' && last?.kind === 'garbage' && last.reason === 'unknown_byte') last.bytes.push(...m.bytes);
    else out.push(m.kind === 'garbage' ? { kind: m.kind, reason: m.reason, bytes: [...m.bytes] } : m);
  }
  return out;
}

const byteWhere = (test: (b: number) => boolean) => fc.nat(255).filter(test);
const realTimeByte = byteWhere(isRealTimeStatusByte);
const asbMessage = fc.tuple(byteWhere(isAsbFirstByte), ...Array.from({ length: ASB_LENGTH - 1 }, () => byteWhere((b) => isPlainStatusByte(b) && b !== XON && b !== XOFF)));
const transmitByte = byteWhere((b) => isPlainStatusByte(b) && b !== XON && b !== XOFF);

describe('fuzz: ESC/POS status from the printer', () => {
  it('never throws, accounts for every byte once, and says the same in any chunking', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 6 }), (bytes, sizes) => {
        const whole = demux(bytes);
        const counted = whole.messages.reduce((n, m) => n + bytesOf(m).length, 0);
        expect(counted + whole.pending).toBe(bytes.length);
        const flowless = [...bytes].filter((b) => b !== XON && b !== XOFF);
        expect(whole.messages.filter((m) => m.kind !== 'flow').flatMap(bytesOf)).toEqual(flowless.slice(0, flowless.length - whole.pending));
        const chunked = demux(bytes, sizes);
        expect(normalised(chunked.messages)).toEqual(normalised(whole.messages));
        expect(chunked.pending).toBe(whole.pending);
      }),
      fuzz(400),
    );
  });

  it('reads back every real-time reply, ASB message and GS r reply sent, with XON/XOFF anywhere', () => {
    const message = fc.oneof(
      realTimeByte.map((b) => ({ bytes: [b], expect: { kind: 'realtime', byte: b } })),
      transmitByte.map((b) => ({ bytes: [b], expect: { kind: 'transmit', byte: b } })),
      asbMessage.map((bytes) => ({ bytes, expect: { kind: 'asb', bytes: Uint8Array.from(bytes), status: decodeAsb(bytes) } })),
    );
    fc.assert(
      fc.property(fc.array(message, { maxLength: 20 }), fc.array(fc.tuple(fc.nat(), fc.constantFrom(XON, XOFF)), { maxLength: 4 }), (messages, flows) => {
        const stream = messages.flatMap((m) => m.bytes);
        for (const [at, flow] of flows) stream.splice(at % (stream.length + 1), 0, flow);
        const { messages: got, pending } = demux(Uint8Array.from(stream), [3]);
        expect(pending).toBe(0);
        expect(got.filter((m) => m.kind !== 'flow')).toEqual(messages.map((m) => m.expect));
        expect(got.filter((m) => m.kind === 'flow')).toHaveLength(flows.length);
      }),
      fuzz(400),
    );
  });

  it('decoders take any byte: a result for the right pattern, a typed EscPosError otherwise', () => {
    fc.assert(
      fc.property(fc.constantFrom(1 as const, 2 as const, 3 as const, 4 as const), fc.nat(255), fc.array(fc.nat(255), { maxLength: 6 }), (n, byte, asb) => {
        const typed = (f: () => unknown, valid: boolean): void => {
          if (valid) expect(f).not.toThrow();
          else expect(f).toThrow(EscPosError);
        };
        typed(() => decodeRealTimeStatus(n, byte), isRealTimeStatusByte(byte));
        typed(() => decodePaperStatusReply(byte), isPlainStatusByte(byte));
        typed(() => decodeAsb(asb), asb.length === ASB_LENGTH && isAsbFirstByte(asb[0]!) && asb.slice(1).every(isPlainStatusByte));
      }),
      fuzz(500),
    );
  });
});
