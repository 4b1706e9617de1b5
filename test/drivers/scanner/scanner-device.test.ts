import { afterEach, describe, expect, it } from 'vitest';
import { scannerModeOf } from '../../../src/drivers/scanner/config.js';
import { ScannerError } from '../../../src/drivers/scanner/errors.js';
import { Scanner } from '../../../src/drivers/scanner/scanner.js';
import { LinkError } from '../../../src/drivers/transport/link.js';
import { SimHidBus } from '../../../src/drivers/transport/sim-hid-bus.js';
import { keyboardReport } from '../../../hw-sim/scanner/reports.js';
import { ScannerTwin } from '../../../hw-sim/scanner/scanner-twin.js';
import { sleep, until } from '../../support/wait.js';
import { simRig, type Rig } from './rig.js';

const FAST = { keyTiming: { minMs: 1, maxMs: 3 } } as const;
const rigs: Rig[] = [];
async function rig(...args: Parameters<typeof simRig>): Promise<Rig> {
  const r = await simRig(...args);
  rigs.push(r);
  return r;
}
afterEach(async () => {
  while (rigs.length) await rigs.pop()!.close();
});

describe('scanner URIs and options', () => {
  it('derives the mode from the URI', () => {
    expect(scannerModeOf('hid:0c2e:0b61')).toBe('wedge');
    expect(scannerModeOf('hid:0c2e:0b61?mode=pos')).toBe('pos');
    expect(scannerModeOf('hid:/dev/hidraw3?mode=wedge')).toBe('wedge');
    expect(scannerModeOf('serial:/dev/serial/by-id/usb-Scanner-if00?baud=9600')).toBe('serial');
    expect(scannerModeOf('sim:scanner')).toBe('serial');
    expect(scannerModeOf('sim:scanner?transport=hid')).toBe('wedge');
    expect(scannerModeOf('sim:scanner?transport=hid&mode=pos')).toBe('pos');
    expect(scannerModeOf('hid:0c2e:0b61?mode=wedge', 'pos')).toBe('pos');
    expect(() => scannerModeOf('serial:/dev/ttyACM0', 'wedge')).toThrow(expect.objectContaining({ code: 'bad_config' }));
  });

  it.each(['hid:0c2e:0b61?mode=laser', 'serial:/dev/ttyACM0?mode=pos', 'hid:0c2e:0b61?mode=serial'])('rejects %s as bad_config', (uri) => {
    expect(() => scannerModeOf(uri)).toThrow(ScannerError);
    expect(() => scannerModeOf(uri)).toThrow(expect.objectContaining({ code: 'bad_config' }));
  });

  it('rejects bad timing options and bad URIs with typed errors', async () => {
    const bus = new SimHidBus();
    await expect(Scanner.open('sim:x?transport=hid', { simHidBus: bus }, { wedge: { silenceMs: -1 } })).rejects.toMatchObject({ code: 'bad_config' });
    await expect(Scanner.open('sim:x?transport=hid', { simHidBus: bus }, { wedge: { maxMeanKeyGapMs: 50 } })).rejects.toMatchObject({ code: 'bad_config' });
    await expect(Scanner.open('sim:x?transport=hid', { simHidBus: bus }, { hidPosLayout: { reportId: 2, reportLength: 64, byteCountOffset: 1, symbologyOffset: 2, dataOffset: 5, dataLength: 60, continuedOffset: 63, continuedMask: 1 } })).rejects.toMatchObject({ code: 'bad_config' });
    await expect(Scanner.open('usb:nothing')).rejects.toBeInstanceOf(LinkError);
  });
});

describe('keyboard wedge scanner over the simulated HID bus', () => {
  it('emits each scan once, with health events only on change', async () => {
    const r = await rig('wedge');
    expect(r.statuses).toEqual(['connecting', 'ready']);
    await r.twin.scan('6901234567892', FAST);
    await until(() => r.scans.length === 1);
    expect(r.scans[0]).toMatchObject({ text: '6901234567892', symbology: undefined, source: 'hid-wedge', endedBy: 'suffix' });
    expect(r.scanner.health().state).toBe('ready');
    expect(r.statuses).toEqual(['connecting', 'ready']);
    const events = r.health.map((h) => JSON.stringify([h.state, h.reason, h.detail]));
    events.slice(1).forEach((event, i) => expect(event).not.toBe(events[i]));
    expect(r.rejects).toEqual([]);
  });

  it('types shift, punctuation and the whole base64 / base64url alphabets faithfully', async () => {
    const r = await rig('wedge');
    const codes = ['hQVDUFYwMWEaTwegAAAAVVVVVw8SNFZ4kBI0WNGRIgESNF8=', 'OQR1:Ab-_zZ09', "a!@#$%^&*()_+{}|:\"~<>?-=[]\\;'`,./ Z"];
    for (const code of codes) await r.twin.scan(code, FAST);
    await until(() => r.scans.length === 3);
    expect(r.scans.map((s) => s.text)).toEqual(codes);
  });

  it('splits consecutive scans (queued back to back with Enter) and ends suffix-less scans on silence', async () => {
    const r = await rig('wedge');
    await Promise.all([r.twin.scan('FIRST-CODE', FAST), r.twin.scan('SECOND-CODE', FAST)]);
    await r.twin.scan('THIRD-CODE', { ...FAST, suffix: 'none' });
    await until(() => r.scans.length === 3);
    expect(r.scans.map((s) => [s.text, s.endedBy])).toEqual([
      ['FIRST-CODE', 'suffix'],
      ['SECOND-CODE', 'suffix'],
      ['THIRD-CODE', 'silence'],
    ]);
  });

  it('rejects a person typing on it, and input that is too short', async () => {
    const r = await rig('wedge');
    await r.twin.scan('1234567890', { keyTiming: 'human' });
    await until(() => r.rejects.length === 1);
    expect(r.rejects[0]).toMatchObject({ code: 'human_typing', length: 10, source: 'hid-wedge' });
    await r.twin.scan('1234', FAST);
    await until(() => r.rejects.length === 2);
    expect(r.rejects[1]).toMatchObject({ code: 'too_short', length: 4 });
    expect(r.scans).toEqual([]);
  });

  it('a repeated character needs a release between: without one the scanner sends a held key', async () => {
    const r = await rig('wedge');
    await r.twin.scan('1122334455', { ...FAST, releaseBetweenKeys: false });
    await r.twin.scan('1122334455', FAST);
    await until(() => r.scans.length === 2);
    expect(r.scans.map((s) => s.text)).toEqual(['12345', '1122334455']);
  });

  it('garbage reports are typed rejects; a rollover mid-scan spoils only that scan', async () => {
    const r = await rig('wedge');
    r.twin.sendRaw(new Uint8Array(64));
    r.twin.sendRaw(Uint8Array.of(1, 2, 3));
    await until(() => r.rejects.length === 1);
    // Both bad reports fall in one burst: one rejection.
    expect(r.rejects[0]).toMatchObject({ code: 'bad_report_length' });
    await r.twin.scan('SPOILED-CODE', {
      ...FAST,
      onSent: (n) => {
        if (n === 6) r.twin.sendRaw(keyboardReport(0, 1, 1, 1, 1, 1, 1));
      },
    });
    await until(() => r.rejects.length === 2);
    expect(r.rejects[1]).toMatchObject({ code: 'rollover' });
    await r.twin.scan('CLEAN-CODE', FAST);
    await until(() => r.scans.length === 1);
    expect(r.scans.map((s) => s.text)).toEqual(['CLEAN-CODE']);
  });

  it('an unplug mid-scan drops the partial code, and the scanner comes back by itself', async () => {
    const r = await rig('wedge');
    const receipt = await r.twin.scan('PAYMENT-CODE-123456', {
      ...FAST,
      onSent: (n) => {
        if (n === 9) r.unplug();
      },
    });
    expect(receipt.delivered).toBe(9);
    await until(() => r.scanner.health().state === 'connecting');
    expect(r.rejects).toEqual([expect.objectContaining({ code: 'disconnected', length: 5 })]);
    r.plug();
    await r.scanner.waitReady(2000);
    await r.twin.scan('AFTER-REPLUG', FAST);
    await until(() => r.scans.length === 1);
    expect(r.scans.map((s) => s.text)).toEqual(['AFTER-REPLUG']);
    expect(r.statuses).toEqual(['connecting', 'ready', 'connecting', 'ready']);
  });

  it('strips an AIM prefix when the scanner is configured to send one', async () => {
    const r = await rig('wedge', { aimPrefix: true });
    await r.twin.scan(']E05901234123457', FAST);
    await r.twin.scan(']Q1', FAST);
    await until(() => r.scans.length === 1 && r.rejects.length === 1);
    expect(r.scans[0]).toMatchObject({ text: '5901234123457', symbology: ']E0' });
    expect(r.rejects[0]).toMatchObject({ code: 'too_short' });
  });

  it('after stop() no more events, and the health is stopped', async () => {
    const r = await rig('wedge');
    await r.twin.scan('PARTIAL', { ...FAST, suffix: 'none' });
    await r.scanner.stop();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(r.scans).toEqual([]);
    expect(r.rejects).toEqual([]);
    expect(r.statuses.at(-1)).toBe('stopped');
  });
});

describe('HID POS scanner over the simulated HID bus', () => {
  it('emits a one-report scan with its symbology', async () => {
    const r = await rig('pos');
    await r.twin.scan('5901234123457', { aim: ']E0' });
    await until(() => r.scans.length === 1);
    expect(r.scans[0]).toMatchObject({ text: '5901234123457', symbology: ']E0', source: 'hid-pos', endedBy: 'report' });
  });

  it('reassembles data longer than one report', async () => {
    const r = await rig('pos');
    const long = 'OQR1:' + 'A1b2-_'.repeat(40);
    await r.twin.scan(long, { aim: ']Q1' });
    await until(() => r.scans.length === 1);
    expect(r.scans[0]).toMatchObject({ text: long, symbology: ']Q1' });
  });

  it('a garbage report is a typed reject; an unplug between reports drops the scan', async () => {
    const r = await rig('pos');
    r.twin.sendRaw(new Uint8Array(8));
    await until(() => r.rejects.length === 1);
    expect(r.rejects[0]).toMatchObject({ code: 'bad_report_length' });
    await r.twin.scan('Q'.repeat(150), {
      onSent: (n) => {
        if (n === 1) r.unplug();
      },
    });
    await until(() => r.scanner.health().state === 'connecting');
    expect(r.rejects[1]).toMatchObject({ code: 'disconnected', length: 56 });
    r.plug();
    await r.scanner.waitReady(2000);
    await r.twin.scan('R'.repeat(150));
    await until(() => r.scans.length === 1);
    expect(r.scans[0]!.text).toBe('R'.repeat(150));
  });

  it('drops a scan whose continuation report never comes', async () => {
    const r = await rig('pos', { hidPos: { continuationTimeoutMs: 30 } });
    const report = new Uint8Array(64);
    report.set([0x02, 56, 0x5d, 0x51, 0x31], 0);
    report.fill(0x41, 5, 61);
    report[63] = 1;
    r.twin.sendRaw(report);
    await until(() => r.rejects.length === 1);
    expect(r.rejects[0]).toMatchObject({ code: 'incomplete', length: 56 });
    expect(r.scans).toEqual([]);
  });
});

describe('serial scanner over the simulated serial bus', () => {
  it('reads CR LF, CR and LF lines at 9600 baud on a paced wire', async () => {
    const r = await rig('serial', {}, true);
    await r.twin.scan('134567890123456789', { suffix: 'crlf' });
    await r.twin.scan('6212345678901234567', { suffix: 'cr' });
    await r.twin.scan('0123456789012345678', { suffix: 'lf' });
    await until(() => r.scans.length === 3);
    expect(r.scans.map((s) => [s.text, s.source, s.endedBy])).toEqual([
      ['134567890123456789', 'serial', 'suffix'],
      ['6212345678901234567', 'serial', 'suffix'],
      ['0123456789012345678', 'serial', 'suffix'],
    ]);
  });

  it('ends a suffix-less line after the silence, and rejects a garbage line then resynchronises', async () => {
    const r = await rig('serial');
    await r.twin.scan('NO-SUFFIX-CODE', { suffix: 'none' });
    await until(() => r.scans.length === 1);
    expect(r.scans[0]).toMatchObject({ text: 'NO-SUFFIX-CODE', endedBy: 'silence' });
    r.twin.sendRaw(Uint8Array.of(0xff, 0x00, 0xfe, 0x41, 0x0d));
    await r.twin.scan('AFTER-GARBAGE', { suffix: 'crlf' });
    await until(() => r.scans.length === 2);
    expect(r.rejects.map((e) => [e.code, e.length])).toEqual([['non_printable', 4]]);
    expect(r.scans[1]!.text).toBe('AFTER-GARBAGE');
  });

  it('an unplug mid-line drops it and the scanner comes back', async () => {
    const r = await rig('serial');
    await r.twin.scan('HALF-A-LINE', {
      suffix: 'crlf',
      byteGapMs: 1,
      onSent: async (n) => {
        if (n !== 4) return;
        // Let the port deliver the 4 bytes first: bytes still in its buffer would go with the cable.
        await sleep(10);
        r.unplug();
      },
    });
    await until(() => r.scanner.health().state === 'connecting');
    expect(r.rejects).toEqual([expect.objectContaining({ code: 'disconnected', length: 4 })]);
    r.plug();
    await r.scanner.waitReady(2000);
    await r.twin.scan('WHOLE-LINE', { suffix: 'cr' });
    await until(() => r.scans.length === 1);
    expect(r.scans.map((s) => s.text)).toEqual(['WHOLE-LINE']);
  });
});

describe('twin independence', () => {
  it('the twin is a DeviceEndpoint usable on its own', () => {
    const twin = new ScannerTwin('wedge');
    expect(twin.connected).toBe(false);
  });
});
