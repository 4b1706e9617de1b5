import { afterEach, describe, expect, it } from 'vitest';
import { defaultHidPosTiming } from '../../../src/drivers/scanner/hid-pos-assembler.js';
import { Scanner } from '../../../src/drivers/scanner/scanner.js';
import { defaultSerialTiming } from '../../../src/drivers/scanner/serial-lines.js';
import { defaultWedgeTiming } from '../../../src/drivers/scanner/wedge-assembler.js';
import { posReports } from '../../../hw-sim/scanner/reports.js';
import { ScannerTwin } from '../../../hw-sim/scanner/scanner-twin.js';
import { sleep, until } from '../../support/wait.js';
import { PortLink, stallEventLoop } from './port-link.js';
import { record, simRig, type Recorder } from './rig.js';

/**
 * A stall of the event loop (a synchronous busy-wait of 3x the silence or continuation timeout)
 * in the middle of a scan. A real scanner goes on sending meanwhile; its input waits in the OS
 * and reaches the driver after the stall, behind the driver's own expired timer. Either way
 * round, the driver must see one whole code: a split would turn its tail into another scan.
 *
 * `inHandler`: the loop stalls while handling a report, and the rest is already waiting (it
 * arrives right after the stall, with a long gap since the last input). `elsewhere`: the loop
 * stalls in unrelated work; the rest arrives after the driver's expired timer has fired.
 */
type StallPlace = 'inHandler' | 'elsewhere';

const EAN13 = '6901234567892';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function portScanner(mode: 'wedge' | 'pos' | 'serial', options: ConstructorParameters<typeof Scanner>[2] = {}): { link: PortLink; scanner: Scanner; r: Recorder } {
  const link = new PortLink();
  const scanner = new Scanner(link, mode, options);
  cleanups.push(() => scanner.stop());
  const r = record(scanner);
  scanner.start();
  return { link, scanner, r };
}

/**
 * Sends `chunks[0..stallAfter)` a little apart; once the driver has the last of them, the loop
 * stalls for `stallMs` while the device sends the rest.
 */
async function sendWithStall(link: PortLink, chunks: Uint8Array[], stallAfter: number, stallMs: number, place: StallPlace): Promise<void> {
  let received = 0;
  const stall = (): void => {
    for (const chunk of chunks.slice(stallAfter)) link.send(chunk);
    stallEventLoop(stallMs);
  };
  link.on('data', () => {
    if (++received !== stallAfter) return;
    if (place === 'inHandler') stall();
    else setImmediate(stall);
  });
  for (const chunk of chunks.slice(0, stallAfter)) {
    link.send(chunk);
    await sleep(2);
  }
}

const PLACES: StallPlace[] = ['inHandler', 'elsewhere'];

describe('keyboard wedge: a stalled event loop does not split a scan', () => {
  const stallMs = 3 * defaultWedgeTiming.silenceMs;

  it.each(PLACES)('one whole code after a stall mid-scan (%s), no rejection', async (place) => {
    const { link, r } = portScanner('wedge');
    // press 6, release, press 9 | stall | the rest
    await sendWithStall(link, ScannerTwin.wedgeReports(EAN13), 3, stallMs, place);
    await until(() => r.scans.length > 0);
    expect(r.scans.map((s) => [s.text, s.endedBy])).toEqual([[EAN13, 'suffix']]);
    expect(r.rejects).toEqual([]);
  });

  it.each(PLACES)('a code without a suffix ends at the silence after the stall, whole (%s)', async (place) => {
    const { link, r } = portScanner('wedge');
    await sendWithStall(link, ScannerTwin.wedgeReports(EAN13, 'none'), 7, stallMs, place);
    await until(() => r.scans.length > 0);
    expect(r.scans.map((s) => [s.text, s.endedBy])).toEqual([[EAN13, 'silence']]);
    expect(r.rejects).toEqual([]);
  });

  it('a short code stays a scan although the stall inside it is longer than all its key gaps may be', async () => {
    // 5 gaps: counted, 120 ms would make the mean 24 ms, a person's pace.
    const { link, r } = portScanner('wedge');
    await sendWithStall(link, ScannerTwin.wedgeReports('73513'), 5, stallMs, 'inHandler');
    await until(() => r.scans.length > 0);
    expect(r.scans.map((s) => s.text)).toEqual(['73513']);
    expect(r.rejects).toEqual([]);
  });

  // The twin at a slow scanner pace (15 ms a key): it must go on typing on its own clock.
  const SLOW = { keyTiming: { minMs: 15, maxMs: 15 } } as const;

  it.each([1, 2, 3, 4, 9])('over the twin (SimHidBus): a stall after report %i, one whole code', async (after) => {
    const rig = await simRig('wedge');
    cleanups.push(() => rig.close());
    await rig.twin.scan(EAN13, {
      ...SLOW,
      onSent: (n) => {
        if (n === after) stallEventLoop(stallMs);
      },
    });
    await until(() => rig.scans.length > 0);
    expect(rig.scans.map((s) => s.text)).toEqual([EAN13]);
    expect(rig.rejects).toEqual([]);
  });

  it.each([1, 2, 3, 4])('over the twin (SimHidBus): a stall elsewhere while the twin waits after report %i', async (after) => {
    const rig = await simRig('wedge');
    cleanups.push(() => rig.close());
    await rig.twin.scan(EAN13, {
      ...SLOW,
      onSent: (n) => {
        if (n === after) setImmediate(() => stallEventLoop(stallMs));
      },
    });
    await until(() => rig.scans.length > 0);
    expect(rig.scans.map((s) => s.text)).toEqual([EAN13]);
    expect(rig.rejects).toEqual([]);
  });
});

describe('HID POS: a continuation after a stall still completes its scan', () => {
  const continuationTimeoutMs = 40;
  const stallMs = 3 * continuationTimeoutMs;
  const code = 'OQR1:' + 'Ab0-_'.repeat(29); // 150 bytes: three reports

  it.each(PLACES)('one whole code, no incomplete and no tail as a scan of its own (%s)', async (place) => {
    const { link, r } = portScanner('pos', { hidPos: { ...defaultHidPosTiming, continuationTimeoutMs } });
    const reports = posReports(new Uint8Array(Buffer.from(code)), ']Q1');
    expect(reports.length).toBe(3);
    await sendWithStall(link, reports, 1, stallMs, place);
    await until(() => r.scans.length > 0);
    expect(r.scans.map((s) => [s.text, s.symbology])).toEqual([[code, ']Q1']]);
    expect(r.rejects).toEqual([]);
  });
});

describe('serial: bytes after a stall continue their line', () => {
  const stallMs = 3 * defaultSerialTiming.silenceMs;
  const chunks = (line: string): Uint8Array[] => [new Uint8Array(Buffer.from(line.slice(0, 6))), new Uint8Array(Buffer.from(line.slice(6)))];

  it.each(PLACES)('a CR line split around a stall is one scan (%s)', async (place) => {
    const { link, r } = portScanner('serial');
    await sendWithStall(link, chunks(`${EAN13}\r`), 1, stallMs, place);
    await until(() => r.scans.length > 0);
    expect(r.scans.map((s) => [s.text, s.endedBy])).toEqual([[EAN13, 'suffix']]);
    expect(r.rejects).toEqual([]);
  });

  it.each(PLACES)('a line without a suffix ends at the silence after the stall, whole (%s)', async (place) => {
    const { link, r } = portScanner('serial');
    await sendWithStall(link, chunks(EAN13), 1, stallMs, place);
    await until(() => r.scans.length > 0);
    expect(r.scans.map((s) => [s.text, s.endedBy])).toEqual([[EAN13, 'silence']]);
    expect(r.rejects).toEqual([]);
  });
});
