import { describe, expect, it } from 'vitest';
import { defaultHidPosTiming, HidPosAssembler } from '../../../src/drivers/scanner/hid-pos-assembler.js';
import { commonHidPosLayout, decodeHidPosReport, type HidPosFragment } from '../../../src/drivers/scanner/hid-pos-report.js';
import { collectSink } from './collect-sink.js';

/** A 64-byte scanned-data report built byte by byte, as in the Access-IS / Honeywell manuals. */
function report(count: number, aim: string, data: string, continued: boolean, vendor = [0x00, 0x00]): Uint8Array {
  const r = new Uint8Array(64);
  r[0] = 0x02;
  r[1] = count;
  r.set(Buffer.from(aim, 'latin1'), 2);
  r.set(Buffer.from(data, 'latin1'), 5);
  r[61] = vendor[0]!;
  r[62] = vendor[1]!;
  r[63] = continued ? 0x01 : 0x00;
  return r;
}

function fragment(r: Uint8Array): HidPosFragment {
  const f = decodeHidPosReport(r);
  if (!f.ok) throw new Error(f.message);
  return f;
}

describe('HID POS scanned-data reports (golden vectors)', () => {
  it('decodes an EAN-13 in one report', () => {
    const r = report(13, ']E0', '5901234123457', false, [0x64, 0x00]);
    expect(Buffer.from(r.subarray(0, 18)).toString('hex')).toBe('020d5d453035393031323334313233343537');
    const f = fragment(r);
    expect(f.symbology).toBe(']E0');
    expect(Buffer.from(f.data).toString('latin1')).toBe('5901234123457');
    expect(f.continued).toBe(false);
  });

  it('reads the continuation flag from bit 0 of byte 63 only', () => {
    const r = report(56, ']Q1', 'x'.repeat(56), true);
    expect(fragment(r).continued).toBe(true);
    r[63] = 0xfe;
    expect(fragment(r).continued).toBe(false);
  });

  it('leaves the symbology unknown when the scanner sends no AIM identifier', () => {
    expect(fragment(report(5, '\0\0\0', 'ABCDE', false)).symbology).toBeUndefined();
    expect(fragment(report(5, 'XYZ', 'ABCDE', false)).symbology).toBeUndefined();
  });

  it('reports malformed reports as typed faults', () => {
    expect(decodeHidPosReport(new Uint8Array(8))).toMatchObject({ ok: false, code: 'bad_report_length', message: expect.stringMatching(/mode=wedge/) });
    expect(decodeHidPosReport(new Uint8Array(63))).toMatchObject({ ok: false, code: 'bad_report_length' });
    const other = report(3, ']Q1', 'abc', false);
    other[0] = 0x04;
    expect(decodeHidPosReport(other)).toMatchObject({ ok: false, code: 'unknown_report' });
    expect(decodeHidPosReport(report(57, ']Q1', 'abc', false))).toMatchObject({ ok: false, code: 'bad_byte_count' });
  });

  it('without a byte count in the layout, trailing NUL padding is cut', () => {
    const layout = { ...commonHidPosLayout, byteCountOffset: undefined };
    const f = decodeHidPosReport(report(0, ']C0', 'CODE128', false), layout);
    expect(f.ok && Buffer.from(f.data).toString('latin1')).toBe('CODE128');
  });
});

describe('HID POS scan assembly', () => {
  it('joins continued reports into one scan (60 bytes = 56 + 4)', () => {
    const text = 'M1GATHERGOOD/MICHAEL YABCDEF LHRDURAK 3542 052Y003D23  01234';
    expect(text.length).toBe(60);
    const a = new HidPosAssembler();
    const sink = collectSink();
    a.fragment(fragment(report(56, ']Q0', text.slice(0, 56), true)), 10, sink);
    expect(sink.scans).toEqual([]);
    expect(a.deadline()).toBe(10 + defaultHidPosTiming.continuationTimeoutMs);
    a.fragment(fragment(report(4, ']Q0', text.slice(56), false)), 12, sink);
    expect(sink.scans).toEqual([{ text, symbology: ']Q0', endedBy: 'report', at: 12 }]);
    expect(a.deadline()).toBeUndefined();
  });

  it('a code filling the data field exactly is one report with the flag clear', () => {
    const a = new HidPosAssembler();
    const sink = collectSink();
    a.fragment(fragment(report(56, ']Q1', 'y'.repeat(56), false)), 0, sink);
    expect(sink.scans.map((s) => s.text.length)).toEqual([56]);
  });

  it('drops a scan whose continuation never comes', () => {
    const a = new HidPosAssembler();
    const sink = collectSink();
    a.fragment(fragment(report(56, ']Q1', 'z'.repeat(56), true)), 0, sink);
    a.tick(249, sink);
    expect(sink.rejects).toEqual([]);
    a.tick(250, sink);
    expect(sink.rejects).toEqual([{ code: 'incomplete', length: 56, at: 0 }]);
    expect(sink.scans).toEqual([]);
  });

  it('rejects a continuation with another symbology, and a scan over the size limit', () => {
    const a = new HidPosAssembler({ ...defaultHidPosTiming, maxScanBytes: 100 });
    const sink = collectSink();
    a.fragment(fragment(report(56, ']Q1', 'a'.repeat(56), true)), 0, sink);
    a.fragment(fragment(report(3, ']C0', 'abc', false)), 1, sink);
    a.fragment(fragment(report(56, ']Q1', 'a'.repeat(56), true)), 2, sink);
    a.fragment(fragment(report(56, ']Q1', 'a'.repeat(56), false)), 3, sink);
    expect(sink.log).toEqual(['reject:symbology_changed:59', 'reject:too_long:112']);
    a.fragment(fragment(report(5, ']Q1', 'after', false)), 4, sink);
    expect(sink.scans.map((s) => s.text)).toEqual(['after']);
  });

  it('removes a trailing CR / CR LF suffix, rejects control bytes and empty scans', () => {
    const a = new HidPosAssembler();
    const sink = collectSink();
    a.fragment(fragment(report(8, ']E0', '123456\r\n', false)), 0, sink);
    a.fragment(fragment(report(7, ']E0', '1234567\r', false)), 0, sink);
    a.fragment(fragment(report(5, ']Q1', 'ab\x07cd', false)), 0, sink);
    a.fragment(fragment(report(0, ']Q1', '', false)), 0, sink);
    a.fragment(fragment(report(7, ']d2', 'A\x1d01234', false)), 0, sink);
    expect(sink.log).toEqual(['scan:123456', 'scan:1234567', 'reject:non_printable:5', 'reject:too_short:0', 'scan:A\x1d01234']);
  });

  it('decodes UTF-8 data and rejects invalid UTF-8', () => {
    const a = new HidPosAssembler();
    const sink = collectSink();
    const utf8 = Buffer.from('付款码 OK', 'utf8');
    const r = report(utf8.length, ']Q1', '', false);
    r.set(utf8, 5);
    a.fragment(fragment(r), 0, sink);
    a.fragment(fragment(report(2, ']Q1', '\xc3\x28', false)), 0, sink);
    expect(sink.log).toEqual(['scan:付款码 OK', 'reject:bad_encoding:2']);
  });

  it('reset drops a partial scan and says how long it was', () => {
    const a = new HidPosAssembler();
    const sink = collectSink();
    a.fragment(fragment(report(56, ']Q1', 'q'.repeat(56), true)), 0, sink);
    expect(a.reset()).toBe(56);
    a.fragment(fragment(report(4, ']Q1', 'tail', false)), 1, sink);
    // The tail alone is a new scan; the dropped head never joins it.
    expect(sink.scans.map((s) => s.text)).toEqual(['tail']);
  });
});

describe('HID POS scan assembly when only tick() witnesses a timeout (the device layer)', () => {
  it('a continuation that arrives late with no tick in between completes its scan', () => {
    const a = new HidPosAssembler(defaultHidPosTiming, { silenceSeenBy: 'tick' });
    const sink = collectSink();
    a.fragment(fragment(report(56, ']Q1', 'h'.repeat(56), true)), 0, sink);
    a.fragment(fragment(report(4, ']Q1', 'tail', false)), 1000, sink);
    expect(sink.log).toEqual([`scan:${'h'.repeat(56)}tail`]);
  });

  it('a tick past the timeout still drops the scan', () => {
    const a = new HidPosAssembler(defaultHidPosTiming, { silenceSeenBy: 'tick' });
    const sink = collectSink();
    a.fragment(fragment(report(56, ']Q1', 'h'.repeat(56), true)), 0, sink);
    a.tick(250, sink);
    a.fragment(fragment(report(4, ']Q1', 'tail', false)), 260, sink);
    expect(sink.log).toEqual(['reject:incomplete:56', 'scan:tail']);
  });
});

