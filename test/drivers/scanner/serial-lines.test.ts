import { describe, expect, it } from 'vitest';
import { defaultSerialTiming, SerialLineAssembler } from '../../../src/drivers/scanner/serial-lines.js';
import { collectSink } from './collect-sink.js';

const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

describe('serial scanner lines', () => {
  it('ends lines at CR, CR LF and LF; the LF of CR LF is swallowed even in the next chunk', () => {
    const a = new SerialLineAssembler();
    const sink = collectSink();
    a.push(bytes('CR-LINE1\r'), 1, sink);
    a.push(bytes('\nLF-LINE2\n'), 2, sink);
    a.push(bytes('CRLF-LINE3\r\nCR-LINE4\r'), 3, sink);
    expect(sink.scans.map((s) => [s.text, s.endedBy, s.at])).toEqual([
      ['CR-LINE1', 'suffix', 1],
      ['LF-LINE2', 'suffix', 2],
      ['CRLF-LINE3', 'suffix', 3],
      ['CR-LINE4', 'suffix', 3],
    ]);
    expect(sink.rejects).toEqual([]);
  });

  it('a line split over chunks is one scan; empty lines are ignored', () => {
    const a = new SerialLineAssembler();
    const sink = collectSink();
    a.push(bytes('\r\n\r\n1345'), 0, sink);
    a.push(bytes('67890'), 1, sink);
    a.push(bytes('12345678\r\n\n\r'), 2, sink);
    expect(sink.log).toEqual(['scan:134567890' + '12345678']);
  });

  it('without a suffix a line ends after the inter-byte silence', () => {
    const a = new SerialLineAssembler();
    const sink = collectSink();
    a.push(bytes('NOSUFFIX'), 100, sink);
    expect(a.deadline()).toBe(100 + defaultSerialTiming.silenceMs);
    a.tick(149, sink);
    expect(sink.scans).toEqual([]);
    a.tick(150, sink);
    expect(sink.scans).toEqual([{ text: 'NOSUFFIX', symbology: undefined, endedBy: 'silence', at: 100 }]);
    // A new chunk after the silence starts a new line even without a tick in between.
    a.push(bytes('ONE'), 200, sink);
    a.push(bytes('TWO'), 300, sink);
    a.tick(400, sink);
    expect(sink.scans.map((s) => s.text)).toEqual(['NOSUFFIX', 'ONE', 'TWO']);
  });

  it('rejects a line with garbage and resynchronises at the next terminator', () => {
    const a = new SerialLineAssembler();
    const sink = collectSink();
    a.push(Uint8Array.of(0x00, 0xff, 0x31, 0x32, 0x0d), 0, sink);
    a.push(bytes('GOOD-LINE\r\n'), 1, sink);
    a.push(Uint8Array.of(0x41, 0x07, 0x42, 0x0a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x0d), 2, sink);
    expect(sink.log).toEqual(['reject:non_printable:4', 'scan:GOOD-LINE', 'reject:non_printable:3', 'scan:CDEFG']);
  });

  it('garbage without a terminator is rejected after the silence', () => {
    const a = new SerialLineAssembler();
    const sink = collectSink();
    a.push(Uint8Array.of(0xfe, 0x00, 0x13), 0, sink);
    a.tick(50, sink);
    expect(sink.log).toEqual(['reject:non_printable:3']);
  });

  it('accepts UTF-8 and GS separators; rejects invalid UTF-8', () => {
    const a = new SerialLineAssembler();
    const sink = collectSink();
    a.push(new Uint8Array(Buffer.from('数字人民币\r', 'utf8')), 0, sink);
    a.push(Uint8Array.of(0xc3, 0x28, 0x0d), 0, sink);
    a.push(bytes('01095\x1d10ABC\r'), 0, sink);
    expect(sink.log).toEqual(['scan:数字人民币', 'reject:bad_encoding:2', 'scan:01095\x1d10ABC']);
  });

  it('rejects an over-long line as a whole and recovers at the terminator', () => {
    const a = new SerialLineAssembler({ ...defaultSerialTiming, maxLineBytes: 8 });
    const sink = collectSink();
    a.push(bytes('123456789'), 0, sink);
    a.push(bytes('0\r12345678\r'), 1, sink);
    expect(sink.log).toEqual(['reject:too_long:10', 'scan:12345678']);
  });

  it('reset drops a partial line', () => {
    const a = new SerialLineAssembler();
    const sink = collectSink();
    a.push(bytes('PARTIAL'), 0, sink);
    expect(a.reset()).toBe(7);
    a.push(bytes('\r'), 1, sink);
    expect(sink.log).toEqual([]);
  });
});

describe('serial lines when only tick() witnesses a silence (the device layer)', () => {
  it('a chunk after a long gap that no tick saw continues the line; a tick ends it', () => {
    const a = new SerialLineAssembler(defaultSerialTiming, { silenceSeenBy: 'tick' });
    const sink = collectSink();
    a.push(bytes('ONE'), 200, sink);
    a.push(bytes('TWO'), 300, sink);
    expect(sink.scans).toEqual([]);
    a.tick(350, sink);
    a.push(bytes('THREE\r'), 400, sink);
    expect(sink.scans.map((s) => [s.text, s.endedBy, s.at])).toEqual([
      ['ONETWO', 'silence', 300],
      ['THREE', 'suffix', 400],
    ]);
  });
});

