import { describe, expect, it } from 'vitest';
import { EscPosError } from '../../../src/drivers/escpos/errors.js';
import {
  conditionsFromAsb,
  conditionsFromRealTime,
  decodeAsb,
  decodePaperStatusReply,
  decodeRealTimeStatus,
  isAsbFirstByte,
  isRealTimeStatusByte,
} from '../../../src/drivers/escpos/status.js';
import { StatusDemux, type PrinterMessage } from '../../../src/drivers/escpos/status-demux.js';
import { fromHex, hex } from './hex.js';

function summary(messages: PrinterMessage[]): string[] {
  return messages.map((m) => {
    switch (m.kind) {
      case 'realtime':
      case 'transmit':
      case 'flow':
        return `${m.kind} ${hex([m.byte])}`;
      case 'asb':
        return `asb ${hex(m.bytes)}`;
      case 'garbage':
        return `garbage(${m.reason}) ${hex(m.bytes)}`;
    }
  });
}

describe('DLE EOT replies', () => {
  it('tells status bytes by their fixed bits', () => {
    expect(isRealTimeStatusByte(0x12)).toBe(true);
    expect(isRealTimeStatusByte(0x7e)).toBe(true);
    expect(isRealTimeStatusByte(0x10)).toBe(false); // an ASB first byte
    expect(isRealTimeStatusByte(0x92)).toBe(false); // bit 7 set
    expect(isAsbFirstByte(0x10)).toBe(true);
    expect(isAsbFirstByte(0x38)).toBe(true);
    expect(isAsbFirstByte(0x12)).toBe(false);
  });

  it('decodes n = 1, printer', () => {
    expect(decodeRealTimeStatus(1, 0x12)).toEqual({
      request: 1,
      byte: 0x12,
      printer: { drawerPin3High: false, offline: false, waitingForOnlineRecovery: false, feedButtonPressed: false },
    });
    expect(decodeRealTimeStatus(1, 0x1e)).toMatchObject({ printer: { drawerPin3High: true, offline: true } });
    expect(decodeRealTimeStatus(1, 0x52)).toMatchObject({ printer: { feedButtonPressed: true, offline: false } });
  });

  it('decodes n = 2, offline cause', () => {
    expect(decodeRealTimeStatus(2, 0x16)).toMatchObject({ offlineCause: { coverOpen: true, stoppedAtPaperEnd: false, errorOccurred: false } });
    expect(decodeRealTimeStatus(2, 0x32)).toMatchObject({ offlineCause: { coverOpen: false, stoppedAtPaperEnd: true } });
    expect(decodeRealTimeStatus(2, 0x52)).toMatchObject({ offlineCause: { errorOccurred: true } });
    expect(decodeRealTimeStatus(2, 0x1a)).toMatchObject({ offlineCause: { feedingByButton: true } });
  });

  it('decodes n = 3, error cause', () => {
    expect(decodeRealTimeStatus(3, 0x16)).toMatchObject({ errorCause: { recoverableError: true, autocutterError: false } });
    expect(decodeRealTimeStatus(3, 0x1a)).toMatchObject({ errorCause: { autocutterError: true } });
    expect(decodeRealTimeStatus(3, 0x32)).toMatchObject({ errorCause: { unrecoverableError: true } });
    expect(decodeRealTimeStatus(3, 0x52)).toMatchObject({ errorCause: { autoRecoverableError: true } });
  });

  it('decodes n = 4, paper sensors', () => {
    expect(decodeRealTimeStatus(4, 0x12)).toMatchObject({ paper: { nearEnd: false, paperOut: false } });
    expect(decodeRealTimeStatus(4, 0x1e)).toMatchObject({ paper: { nearEnd: true, paperOut: false } });
    expect(decodeRealTimeStatus(4, 0x72)).toMatchObject({ paper: { nearEnd: false, paperOut: true } });
    expect(decodeRealTimeStatus(4, 0x7e)).toMatchObject({ paper: { nearEnd: true, paperOut: true } });
  });

  it('refuses a byte without the 0xx1xx10 pattern', () => {
    for (const b of [0x00, 0x10, 0x13, 0x92, 0xff]) {
      expect(() => decodeRealTimeStatus(1, b)).toThrow(EscPosError);
    }
  });

  it('combines n = 1, 2, 4 (+3) into printer conditions', () => {
    const out = (n: 1 | 2 | 3 | 4, b: number) => decodeRealTimeStatus(n, b);
    const p = out(1, 0x1a);
    const o = out(2, 0x32);
    const s = out(4, 0x7e);
    if (p.request !== 1 || o.request !== 2 || s.request !== 4) throw new Error('decode');
    expect(conditionsFromRealTime(p.printer, o.offlineCause, s.paper)).toEqual({
      offline: true,
      coverOpen: false,
      paperOut: true,
      paperNearEnd: true,
      error: false,
      autocutterError: false,
      unrecoverableError: false,
      drawerPin3High: false,
    });
    const o2 = out(2, 0x52);
    const e = out(3, 0x1a);
    if (o2.request !== 2 || e.request !== 3) throw new Error('decode');
    expect(conditionsFromRealTime(p.printer, o2.offlineCause, { nearEnd: false, paperOut: false }, e.errorCause)).toMatchObject({
      error: true,
      autocutterError: true,
      paperOut: false,
    });
  });
});

describe('Automatic Status Back', () => {
  it('decodes the four bytes', () => {
    expect(decodeAsb([0x10, 0x00, 0x00, 0x00])).toEqual({
      drawerPin3High: false,
      offline: false,
      coverOpen: false,
      feedingByButton: false,
      recoverableError: false,
      autocutterError: false,
      unrecoverableError: false,
      autoRecoverableError: false,
      paperNearEnd: false,
      paperOut: false,
    });
    expect(decodeAsb([0x38, 0x00, 0x0f, 0x00])).toMatchObject({ offline: true, coverOpen: true, paperNearEnd: true, paperOut: true });
    expect(decodeAsb([0x14, 0x08, 0x03, 0x00])).toMatchObject({ drawerPin3High: true, autocutterError: true, paperNearEnd: true, paperOut: false });
    expect(decodeAsb([0x50, 0x60, 0x00, 0x00])).toMatchObject({ feedingByButton: true, unrecoverableError: true, autoRecoverableError: true });
  });

  it('maps ASB onto the same conditions as DLE EOT', () => {
    expect(conditionsFromAsb(decodeAsb([0x18, 0x00, 0x0c, 0x00]))).toMatchObject({ offline: true, paperOut: true, paperNearEnd: true, error: false });
    expect(conditionsFromAsb(decodeAsb([0x18, 0x08, 0x00, 0x00]))).toMatchObject({ error: true, autocutterError: true });
  });

  it('refuses malformed messages', () => {
    expect(() => decodeAsb([0x12, 0, 0, 0])).toThrow(EscPosError);
    expect(() => decodeAsb([0x10, 0x10, 0, 0])).toThrow(EscPosError);
    expect(() => decodeAsb([0x10, 0, 0])).toThrow(EscPosError);
  });

  it('decodes a GS r 1 reply', () => {
    expect(decodePaperStatusReply(0x00)).toEqual({ nearEnd: false, paperOut: false });
    expect(decodePaperStatusReply(0x0f)).toEqual({ nearEnd: true, paperOut: true });
    expect(() => decodePaperStatusReply(0x12)).toThrow(EscPosError);
  });
});

describe('status stream demultiplexer', () => {
  it('tells real-time replies, ASB messages and GS r replies apart', () => {
    const demux = new StatusDemux();
    expect(summary(demux.push(fromHex('12 10 00 00 00 7E 03 18 00 0C 00')))).toEqual([
      'realtime 12',
      'asb 10 00 00 00',
      'realtime 7E',
      'transmit 03',
      'asb 18 00 0C 00',
    ]);
  });

  it('joins an ASB message split across chunks', () => {
    const demux = new StatusDemux();
    expect(demux.push(fromHex('18 00'))).toEqual([]);
    expect(summary(demux.push(fromHex('0F')))).toEqual([]);
    const [message] = demux.push(fromHex('00'));
    expect(message).toMatchObject({ kind: 'asb', status: { offline: true, paperOut: true } });
  });

  it('lets XON/XOFF through, even inside an ASB message', () => {
    const demux = new StatusDemux();
    expect(summary(demux.push(fromHex('10 13 00 00 11 00')))).toEqual(['flow 13', 'flow 11', 'asb 10 00 00 00']);
  });

  it('reports garbage and resynchronises on the next status byte', () => {
    const demux = new StatusDemux();
    expect(summary(demux.push(fromHex('FF AB 12 80 31 10 00 00 00')))).toEqual([
      'garbage(unknown_byte) FF AB',
      'realtime 12',
      'garbage(unknown_byte) 80 31',
      'asb 10 00 00 00',
    ]);
  });

  it('cuts an ASB message short when a byte cannot continue it, then reads that byte afresh', () => {
    const demux = new StatusDemux();
    expect(summary(demux.push(fromHex('10 00 12 10 00 00 00')))).toEqual(['garbage(truncated_asb) 10 00', 'realtime 12', 'asb 10 00 00 00']);
    expect(summary(demux.push(fromHex('18 F0 16')))).toEqual(['garbage(truncated_asb) 18', 'garbage(unknown_byte) F0', 'realtime 16']);
    expect(summary(demux.push(fromHex('10 10 00 00 00')))).toEqual(['garbage(truncated_asb) 10', 'asb 10 00 00 00']);
  });

  it('survives random line noise between real messages', () => {
    let seed = 7;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const demux = new StatusDemux();
    let asb = 0;
    let realtime = 0;
    for (let round = 0; round < 200; round++) {
      const noise = Array.from({ length: Math.floor(random() * 4) }, () => 0x80 | Math.floor(random() * 128));
      const chunk = Uint8Array.from([...noise, 0x10, 0x00, 0x03, 0x00, 0x16]);
      for (const m of demux.push(chunk)) {
        if (m.kind === 'asb') asb++;
        if (m.kind === 'realtime') realtime++;
      }
    }
    expect(asb).toBe(200);
    expect(realtime).toBe(200);
  });

  it('drops a partial message on reset', () => {
    const demux = new StatusDemux();
    demux.push(fromHex('10 00'));
    expect(demux.reset()).toBe(2);
    expect(summary(demux.push(fromHex('00 00')))).toEqual(['transmit 00', 'transmit 00']);
  });

  it('copies garbage bytes out of the chunk it was given', () => {
    const demux = new StatusDemux();
    const chunk = fromHex('FF');
    const [m] = demux.push(chunk);
    chunk[0] = 0x00;
    expect(m).toMatchObject({ kind: 'garbage', bytes: Uint8Array.of(0xff) });
  });
});
