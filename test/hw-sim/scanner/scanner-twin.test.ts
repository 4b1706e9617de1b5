import { describe, expect, it } from 'vitest';
import { posReports } from '../../../hw-sim/scanner/reports.js';
import { ScannerTwin } from '../../../hw-sim/scanner/scanner-twin.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function stallEventLoop(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy: nothing else in this process runs
  }
}

/** A twin with a recording host attached. */
function attached(mode: 'wedge' | 'pos' | 'serial'): { twin: ScannerTwin; sent: Uint8Array[] } {
  const twin = new ScannerTwin(mode, { random: () => 0 });
  const sent: Uint8Array[] = [];
  twin.attachHost((bytes) => sent.push(Uint8Array.from(bytes)));
  return { twin, sent };
}

describe('scanner twin: keyboard wedge', () => {
  it('types press and release reports, with shift for capitals and symbols (golden)', () => {
    expect(ScannerTwin.wedgeReports('aB1!', 'enter').map(hex)).toEqual([
      '0000040000000000', '0000000000000000',
      '0200050000000000', '0000000000000000',
      '00001e0000000000', '0000000000000000',
      '02001e0000000000', '0000000000000000',
      '0000280000000000', '0000000000000000',
    ]);
  });

  it('types punctuation on the US keys, Tab / keypad Enter / no suffix, and GS as Ctrl+]', () => {
    expect(ScannerTwin.wedgeReports("-_;:'\"", 'tab').filter((_, i) => i % 2 === 0).map(hex)).toEqual([
      '00002d0000000000', '02002d0000000000', '0000330000000000', '0200330000000000', '0000340000000000', '0200340000000000', '00002b0000000000',
    ]);
    expect(ScannerTwin.wedgeReports('/', 'keypad-enter').map(hex)).toEqual(['0000380000000000', '0000000000000000', '0000580000000000', '0000000000000000']);
    expect(ScannerTwin.wedgeReports('\x1d', 'none').map(hex)).toEqual(['0100300000000000', '0000000000000000']);
  });

  it('without release reports, a repeated character is the same report twice', () => {
    expect(ScannerTwin.wedgeReports('11', 'none', false).map(hex)).toEqual(['00001e0000000000', '00001e0000000000', '0000000000000000']);
  });

  it('refuses characters a US keyboard cannot type', () => {
    expect(() => ScannerTwin.wedgeReports('é')).toThrow(RangeError);
  });

  it('scan() sends the reports to the host and says when the code was complete', async () => {
    const { twin, sent } = attached('wedge');
    const before = performance.now();
    const receipt = await twin.scan('Ab', { keyTiming: { minMs: 0, maxMs: 0 } });
    expect(sent.map(hex)).toEqual(ScannerTwin.wedgeReports('Ab', 'enter').map(hex));
    expect(receipt).toMatchObject({ sent: 6, delivered: 6 });
    expect(receipt.completedAt).toBeGreaterThanOrEqual(before);
    expect(twin.lastCompletedAt).toBe(receipt.completedAt);
  });

  it('keeps its own clock: reports that fell due while the event loop was stalled go out back to back after it', async () => {
    const { twin, sent } = attached('wedge');
    let sentWhenTimersRan = -1;
    await twin.scan('1234567890', {
      keyTiming: { minMs: 10, maxMs: 10 },
      onSent: (n) => {
        if (n !== 1) return;
        setTimeout(() => (sentWhenTimersRan = sent.length), 0);
        stallEventLoop(60);
      },
    });
    // A report every 5 ms: about 12 fell due during the 60 ms stall, and went out before any timer ran.
    expect(sentWhenTimersRan).toBeGreaterThanOrEqual(11);
    expect(sent.map(hex)).toEqual(ScannerTwin.wedgeReports('1234567890').map(hex));
  });

  it('queues scans: two scans never interleave', async () => {
    const { twin, sent } = attached('wedge');
    const fast = { keyTiming: { minMs: 1, maxMs: 2 } } as const;
    await Promise.all([twin.scan('abc', fast), twin.scan('XYZ', fast)]);
    expect(sent.map(hex)).toEqual([...ScannerTwin.wedgeReports('abc'), ...ScannerTwin.wedgeReports('XYZ')].map(hex));
  });

  it('bytes sent while no host is attached are lost, and the receipt says so', async () => {
    const twin = new ScannerTwin('wedge');
    const receipt = await twin.scan('abc', { keyTiming: { minMs: 0, maxMs: 0 } });
    expect(receipt).toMatchObject({ sent: 8, delivered: 0 });
    expect(twin.sendRaw(Uint8Array.of(1))).toBe(false);
  });
});

describe('scanner twin: HID POS', () => {
  it('a short code is one 64-byte report (golden)', () => {
    const [r, ...more] = posReports(new Uint8Array(Buffer.from('5901234123457')), ']E0');
    expect(more).toEqual([]);
    expect(r!.length).toBe(64);
    expect(hex(r!.subarray(0, 18))).toBe('020d5d453035393031323334313233343537');
    expect(r!.subarray(18).every((b) => b === 0)).toBe(true);
  });

  it('splits long data into 56-byte parts, flagging all but the last as continued', () => {
    const sixty = posReports(new Uint8Array(60).fill(0x41), ']Q1');
    expect(sixty.map((r) => [r[1], r[63]])).toEqual([[56, 1], [4, 0]]);
    const exact = posReports(new Uint8Array(112).fill(0x41), ']Q1');
    expect(exact.map((r) => [r[1], r[63]])).toEqual([[56, 1], [56, 0]]);
    expect(posReports(new Uint8Array(0), ']Q1').map((r) => [r[1], r[63]])).toEqual([[0, 0]]);
    expect(() => posReports(new Uint8Array(1), 'Q1')).toThrow(RangeError);
  });

  it('scan() sends the reports with the AIM identifier asked for', async () => {
    const { twin, sent } = attached('pos');
    await twin.scan('x'.repeat(100), { aim: ']C0', reportGapMs: 0 });
    expect(sent.map((r) => Buffer.from(r.subarray(2, 5)).toString())).toEqual([']C0', ']C0']);
  });
});

describe('scanner twin: serial', () => {
  it('sends the line with its suffix as one chunk, or byte by byte', async () => {
    const { twin, sent } = attached('serial');
    await twin.scan('ABC', { suffix: 'crlf' });
    await twin.scan('D', { suffix: 'cr' });
    await twin.scan('E', { suffix: 'lf' });
    await twin.scan('F', { suffix: 'none' });
    expect(sent.map(hex)).toEqual(['4142430d0a', '440d', '450a', '46']);
    sent.length = 0;
    await twin.scan('GH', { suffix: 'cr', byteGapMs: 1 });
    expect(sent.map(hex)).toEqual(['47', '48', '0d']);
  });

  it('records what the host writes to it', () => {
    const twin = new ScannerTwin('serial');
    twin.receiveFromHost(Uint8Array.of(0x16, 0x54, 0x0d));
    expect(twin.hostWrites.map(hex)).toEqual(['16540d']);
  });
});
