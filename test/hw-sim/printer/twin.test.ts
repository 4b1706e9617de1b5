import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { printerFaults } from '../../../hw-sim/printer/faults.js';
import { EscPosPrinterTwin } from '../../../hw-sim/printer/printer-twin.js';
import type { HostSink } from '../../../src/drivers/transport/device-endpoint.js';
import { sleep, until } from '../../support/wait.js';
import { decodeQrFromPng } from './qr-decode.js';

function bytes(...parts: (string | number[] | Uint8Array)[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === 'string') out.push(...Buffer.from(p, 'latin1'));
    else out.push(...p);
  }
  return Uint8Array.from(out);
}
const gb = (text: string): Uint8Array => Uint8Array.from(iconv.encode(text, 'gb18030'));

function attach(twin: EscPosPrinterTwin): { received: number[] } {
  const seen = { received: [] as number[] };
  const sink: HostSink = (b) => seen.received.push(...b);
  twin.attachHost(sink);
  return seen;
}

const ESC_AT = [0x1b, 0x40];
const LF = [0x0a];

describe('printer twin: text', () => {
  it('prints GB18030 in Chinese mode and ASCII as itself', () => {
    const twin = new EscPosPrinterTwin();
    twin.receiveFromHost(bytes(ESC_AT, [0xd6, 0xd0, 0xce, 0xc4], ' ok', LF, 'A', LF));
    expect(twin.text()).toBe('中文 ok\nA');
    const line = twin.paper[0];
    expect(line?.kind === 'line' && line.glyphs.map((g) => [g.ch, g.wide, g.width])).toEqual([
      ['中', true, 24],
      ['文', true, 24],
      [' ', false, 12],
      ['o', false, 12],
      ['k', false, 12],
    ]);
    expect(twin.errors).toEqual([]);
  });

  it('decodes four-byte GB18030 codes', () => {
    const twin = new EscPosPrinterTwin();
    twin.receiveFromHost(bytes([0x94, 0x39, 0xfc, 0x36], LF));
    expect(twin.text()).toBe('😀');
  });

  it('uses the code table outside Chinese mode', () => {
    const twin = new EscPosPrinterTwin({ chineseFirmware: false, dotsPerLine: 576 });
    twin.receiveFromHost(bytes(ESC_AT, [0x1b, 0x74, 0x00], 'Caf', [0x82], LF));
    expect(twin.text()).toBe('Café');
    twin.receiveFromHost(bytes([0x1c, 0x26], 'x', LF));
    expect(twin.errors.map((e) => e.code)).toEqual(['unknown_command']);
    const chinese = new EscPosPrinterTwin();
    chinese.receiveFromHost(bytes([0x1c, 0x2e], [0x82], LF, [0x1c, 0x26], [0xd6, 0xd0], LF));
    expect(chinese.text()).toBe('é\n中');
  });

  it('aligns at line start, ignores ESC a mid-line, and wraps at the paper edge', () => {
    const twin = new EscPosPrinterTwin();
    twin.receiveFromHost(bytes([0x1b, 0x61, 0x01], 'abc', LF, [0x1b, 0x61, 0x02], 'abc', LF, [0x1b, 0x61, 0x00], 'ab', [0x1b, 0x61, 0x01], 'c', LF));
    expect(twin.text().split('\n')).toEqual([' '.repeat(14) + 'abc', ' '.repeat(29) + 'abc', 'abc']);
    expect(twin.log.map((e) => e.code)).toEqual(['align_ignored']);
    const wrap = new EscPosPrinterTwin();
    wrap.receiveFromHost(bytes('x'.repeat(40), LF, 'y'.repeat(32), LF));
    expect(wrap.text().split('\n')).toEqual(['x'.repeat(32), 'x'.repeat(8), 'y'.repeat(32)]);
  });

  it('applies character size, and double width halves the line', () => {
    const twin = new EscPosPrinterTwin();
    twin.receiveFromHost(bytes([0x1d, 0x21, 0x11], 'A'.repeat(17), LF, [0x1d, 0x21, 0x00], 'b', LF));
    expect(twin.text().split('\n')).toEqual(['A'.repeat(16), 'A', 'b']);
    const first = twin.paper[0];
    expect(first?.kind === 'line' && [first.glyphs[0]!.width, first.glyphs[0]!.height, first.height]).toEqual([24, 48, 48]);
  });

  it('keeps bold, underline, reverse and font on each glyph, and resets them on ESC @', () => {
    const twin = new EscPosPrinterTwin();
    twin.receiveFromHost(bytes([0x1b, 0x45, 1, 0x1b, 0x2d, 2, 0x1d, 0x42, 1, 0x1b, 0x4d, 1], 'x', LF, ESC_AT, 'y', LF));
    const [a, b] = twin.paper;
    expect(a?.kind === 'line' && a.glyphs[0]).toMatchObject({ bold: true, underline: 2, reverse: true, font: 'B', width: 9 });
    expect(b?.kind === 'line' && b.glyphs[0]).toMatchObject({ bold: false, underline: 0, reverse: false, font: 'A', width: 12 });
  });

  it('reads a command split across chunks exactly as one that arrives whole', () => {
    const job = bytes(
      ESC_AT,
      [0x1d, 0x21, 0x11],
      [0xd6, 0xd0],
      'x',
      LF,
      [0x1d, 0x28, 0x6b, 0x06, 0x00, 0x31, 0x50, 0x30],
      'abc',
      [0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30],
      [0x1d, 0x56, 0x42, 0x00],
    );
    const whole = new EscPosPrinterTwin();
    whole.receiveFromHost(job);
    const trickled = new EscPosPrinterTwin();
    for (const b of job) trickled.receiveFromHost(Uint8Array.of(b));
    expect(trickled.text()).toBe(whole.text());
    expect(whole.text()).toBe('中x\n[[QR "abc"]]\n[[CUT partial]]');
  });
});

describe('printer twin: status', () => {
  it('answers DLE EOT 1..4 from its sensors', () => {
    const twin = new EscPosPrinterTwin();
    const host = attach(twin);
    const ask = (): number[] => {
      host.received.length = 0;
      twin.receiveFromHost(bytes([0x10, 0x04, 1, 0x10, 0x04, 2, 0x10, 0x04, 3, 0x10, 0x04, 4]));
      return [...host.received];
    };
    expect(ask()).toEqual([0x12, 0x12, 0x12, 0x12]);
    twin.setFault('cover_open', true);
    expect(ask()).toEqual([0x1a, 0x16, 0x12, 0x12]);
    twin.setFault('cover_open', false);
    twin.setFault('paper_near_end', true);
    expect(ask()).toEqual([0x12, 0x12, 0x12, 0x1e]);
    twin.setFault('paper_out', true);
    expect(ask()).toEqual([0x1a, 0x32, 0x12, 0x7e]);
    twin.loadPaper();
    twin.setFault('offline', true);
    expect(ask()).toEqual([0x1a, 0x12, 0x12, 0x12]);
    twin.setFault('offline', false);
    twin.setFault('autocutter_error', true);
    expect(ask()).toEqual([0x1a, 0x52, 0x1a, 0x12]);
    twin.setFault('autocutter_error', false);
    twin.setDrawerPin3(true);
    expect(ask()).toEqual([0x16, 0x12, 0x12, 0x12]);
  });

  it('answers DLE EOT at once, while earlier data is still printing', async () => {
    const twin = new EscPosPrinterTwin({ msPerLine: 20 });
    const host = attach(twin);
    twin.receiveFromHost(bytes(...Array.from({ length: 10 }, (_, i) => `line ${i}\n`), [0x10, 0x04, 0x01]));
    expect(host.received).toEqual([0x12]);
    expect(twin.statusRequests[0]).toMatchObject({ n: 1, answered: true });
    expect(twin.statusRequests[0]!.bufferedCommands).toBeGreaterThan(0);
    await until(() => twin.text().split('\n').length === 10, 'printing finishes');
  });

  it('can be made to ignore status requests', () => {
    const twin = new EscPosPrinterTwin();
    const host = attach(twin);
    twin.behave(printerFaults.ignoreStatusRequests());
    twin.receiveFromHost(bytes([0x10, 0x04, 0x01]));
    expect(host.received).toEqual([]);
    expect(twin.statusRequests).toEqual([{ n: 1, answered: false, bufferedCommands: 0 }]);
  });

  it('pushes ASB when enabled and on every change of an enabled item', () => {
    const twin = new EscPosPrinterTwin();
    const host = attach(twin);
    twin.receiveFromHost(bytes([0x1d, 0x61, 0x0f]));
    expect(host.received).toEqual([0x10, 0x00, 0x00, 0x00]);
    host.received.length = 0;
    twin.setFault('cover_open', true);
    twin.setFault('cover_open', true); // no change, no message
    twin.setFault('cover_open', false);
    twin.setFault('paper_near_end', true);
    twin.setFault('paper_out', true);
    expect(host.received).toEqual([0x38, 0, 0, 0, 0x10, 0, 0, 0, 0x10, 0, 0x03, 0, 0x18, 0, 0x0f, 0]);
    const onlineOnly = new EscPosPrinterTwin();
    const h2 = attach(onlineOnly);
    onlineOnly.receiveFromHost(bytes([0x1d, 0x61, 0x02]));
    h2.received.length = 0;
    onlineOnly.setFault('paper_near_end', true); // paper sensor items not enabled
    expect(h2.received).toEqual([]);
    onlineOnly.setFault('offline', true);
    expect(h2.received).toEqual([0x18, 0, 0x03, 0]);
  });

  it('forgets ASB and Chinese mode on a power cycle, but not on ESC @', () => {
    const twin = new EscPosPrinterTwin();
    attach(twin);
    twin.receiveFromHost(bytes([0x1d, 0x61, 0x0f, 0x1c, 0x2e, 0x1b, 0x40]));
    expect(twin.asbMask).toBe(0x0f);
    twin.powerCycle();
    expect(twin.asbMask).toBe(0);
    twin.receiveFromHost(bytes([0xd6, 0xd0], LF));
    expect(twin.text()).toBe('中');
  });

  it('replies to GS r 1 and 2 in order with the data', () => {
    const twin = new EscPosPrinterTwin();
    const host = attach(twin);
    twin.receiveFromHost(bytes('a\n', [0x1d, 0x72, 0x01, 0x1d, 0x72, 0x32]));
    expect(host.received).toEqual([0x00, 0x00]);
    twin.setFault('paper_near_end', true);
    twin.setDrawerPin3(true);
    twin.receiveFromHost(bytes([0x1d, 0x72, 0x31, 0x1d, 0x72, 0x02]));
    expect(host.received.slice(2)).toEqual([0x03, 0x01]);
  });
});

describe('printer twin: faults', () => {
  it('stops where the paper runs out; the rest of the buffer and later data are lost', () => {
    const twin = new EscPosPrinterTwin();
    const host = attach(twin);
    twin.paperRunsOutAfter(2);
    twin.receiveFromHost(bytes('one\ntwo\nthree\nfour\n', [0x1d, 0x56, 0x42, 0x00, 0x1d, 0x72, 0x01]));
    expect(twin.text()).toBe('one\ntwo');
    expect(twin.offline).toBe(true);
    expect(host.received).toEqual([]); // the GS r fence was lost with the rest
    expect(twin.bytesLost).toBeGreaterThan(0);
    twin.receiveFromHost(bytes('five\n', [0x10, 0x04, 0x04]));
    expect(host.received).toEqual([0x7e]); // real-time status still answered
    expect(twin.text()).toBe('one\ntwo');
    expect(twin.log.map((e) => e.code)).toEqual(['paper_out', 'data_while_offline']);
    twin.loadPaper();
    twin.receiveFromHost(bytes('six\n'));
    expect(twin.text()).toBe('one\ntwo\nsix');
  });

  it('drops what is buffered when the cover opens mid-print', async () => {
    const twin = new EscPosPrinterTwin({ msPerLine: 15 });
    twin.receiveFromHost(bytes(...Array.from({ length: 20 }, (_, i) => `line ${i}\n`)));
    await until(() => twin.paper.length >= 3, 'printing starts');
    twin.setFault('cover_open', true);
    const printed = twin.paper.length;
    expect(printed).toBeLessThan(20);
    await sleep(60);
    expect(twin.paper.length).toBe(printed);
    expect(twin.bufferedCommands).toBe(0);
  });

  it('abandons a command the host was sending when it went away', () => {
    const twin = new EscPosPrinterTwin();
    attach(twin);
    twin.receiveFromHost(bytes([0x1d, 0x76, 0x30, 0x00, 0x02, 0x00, 0x05, 0x00, 0xff]));
    twin.attachHost(null);
    expect(twin.errors.map((e) => e.code)).toEqual(['incomplete_command']);
    attach(twin);
    twin.receiveFromHost(bytes(ESC_AT, 'after\n'));
    expect(twin.text()).toBe('after');
  });

  it('logs unknown and malformed commands and carries on', () => {
    const twin = new EscPosPrinterTwin();
    twin.receiveFromHost(
      bytes(
        [0x1b, 0x7e], // ESC ~: unknown
        [0x1d, 0xfe], // GS 0xFE: unknown
        [0x1c, 0x99], // FS 0x99: unknown
        [0x1d, 0x28, 0x5a, 0x02, 0x00, 0x01, 0x02], // GS ( Z: skipped by its length
        [0x10, 0x04, 0x09], // DLE EOT 9
        [0x1d, 0x21, 0x99], // GS ! width 10
        [0x81, 0x20], // a lead byte with no trail byte
        [0x1d, 0x6b, 0x43, 0x0d], '4006381333932', // EAN-13 with a wrong check digit
        [0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30], // QR print with nothing stored
        [0x07], // BEL
        'still printing\n',
      ),
    );
    // Parse errors are logged as bytes arrive, execution errors when the engine reaches them; offsets order both.
    expect([...twin.errors].sort((a, b) => a.offset! - b.offset!).map((e) => e.code)).toEqual([
      'unknown_command',
      'unknown_command',
      'unknown_command',
      'unknown_command',
      'malformed_command',
      'malformed_command',
      'bad_gb18030',
      'bad_barcode',
      'bad_qr',
      'unknown_command',
    ]);
    expect(twin.text()).toBe(' \nstill printing'); // the space after the bad lead byte printed before the barcode
    expect(twin.errors[0]).toMatchObject({ offset: 0 });
  });
});

describe('printer twin: pictures, cuts and the drawer', () => {
  it('prints QR codes, barcodes, raster images and cuts', () => {
    const twin = new EscPosPrinterTwin();
    twin.receiveFromHost(
      bytes(
        [0x1b, 0x61, 0x01],
        [0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x43, 0x05],
        [0x1d, 0x28, 0x6b, 0x09, 0x00, 0x31, 0x50, 0x30, 0xe4, 0xbb, 0x98, 0xe6, 0xac, 0xbe],
        [0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30],
        [0x1d, 0x77, 0x02, 0x1d, 0x48, 0x02],
        [0x1d, 0x6b, 0x43, 0x0c], '400638133393',
        [0x1d, 0x6b, 0x49, 0x0c, 0x7b, 0x42], 'ORDER-1234',
        [0x1d, 0x6b, 0x49, 0x05, 0x7b, 0x43, 0x0c, 0x22, 0x38],
        [0x1d, 0x6b, 0x44, 0x07], '9638507',
        [0x1d, 0x6b, 0x41, 0x0b], '03600029145',
        [0x1d, 0x76, 0x30, 0x00, 0x02, 0x00, 0x02, 0x00, 0x80, 0x40, 0xff, 0xc0],
        [0x1d, 0x56, 0x41, 0x10],
        [0x1d, 0x56, 0x01],
      ),
    );
    expect(twin.text().split('\n')).toEqual([
      '[[QR "付款"]]',
      '[[BARCODE EAN13 4006381333931]]',
      '[[BARCODE CODE128 ORDER-1234]]',
      '[[BARCODE CODE128 123456]]',
      '[[BARCODE EAN8 96385074]]',
      '[[BARCODE UPCA 036000291452]]',
      '[[IMAGE 16x2]]',
      '[[CUT full]]',
      '[[CUT partial]]',
    ]);
    const [qr, ean, code128, code128c, ean8] = twin.paper;
    expect(qr).toMatchObject({ kind: 'qr', cell: 5, size: 21 });
    expect(qr?.kind === 'qr' && qr.x).toBe(Math.floor((384 - 21 * 5) / 2));
    expect(ean?.kind === 'barcode' && ean.modules.length).toBe(95);
    expect(ean8?.kind === 'barcode' && ean8.modules.length).toBe(67);
    expect(code128?.kind === 'barcode' && code128.modules.length).toBe(11 * 12 + 13);
    expect(code128c?.kind === 'barcode' && code128c.modules.length).toBe(11 * 5 + 13);
    // EAN-13 guard bars: 101 at both ends and 01010 in the middle.
    const m = ean?.kind === 'barcode' ? ean.modules.map((b) => (b ? 1 : 0)).join('') : '';
    expect([m.slice(0, 3), m.slice(45, 50), m.slice(92)]).toEqual(['101', '01010', '101']);
    // 4006381333931: first digit 4 -> LGLLGG; second digit 0 in L code is 0001101.
    expect(m.slice(3, 10)).toBe('0001101');
    expect(twin.errors).toEqual([]);
  });

  it('records drawer pulses with their timings', () => {
    let clock = 1000;
    const twin = new EscPosPrinterTwin({ now: () => clock });
    twin.receiveFromHost(bytes([0x1b, 0x70, 0x00, 0x32, 0x64]));
    clock = 2000;
    twin.receiveFromHost(bytes([0x1b, 0x70, 0x31, 0x19, 0x05])); // off shorter than on: the printer uses the on time
    twin.receiveFromHost(bytes([0x10, 0x14, 0x01, 0x00, 0x03])); // real-time pulse, 300 ms
    twin.receiveFromHost(bytes([0x1b, 0x70, 0x05, 0x10, 0x10])); // bad pin
    expect(twin.drawerPulses).toEqual([
      { pin: 2, onMs: 100, offMs: 200, source: 'ESC p', at: 1000 },
      { pin: 5, onMs: 50, offMs: 50, source: 'ESC p', at: 2000 },
      { pin: 2, onMs: 300, offMs: 300, source: 'DLE DC4', at: 2000 },
    ]);
    expect(twin.errors.map((e) => e.code)).toEqual(['malformed_command']);
    expect(twin.paper).toEqual([]);
  });

  it('draws the paper as a PNG whose QR code decodes to the stored bytes', () => {
    const twin = new EscPosPrinterTwin();
    const data = Buffer.from('支付 https://pay.example/q?o=42&amt=¥15.50', 'utf8');
    const size = data.length + 3;
    twin.receiveFromHost(
      bytes(
        gb('收据\n'),
        [0x1b, 0x61, 0x01, 0x1b, 0x4a, 0x18],
        [0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x43, 0x06],
        [0x1d, 0x28, 0x6b, size & 0xff, size >> 8, 0x31, 0x50, 0x30],
        data,
        [0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30, 0x1b, 0x4a, 0x18],
      ),
    );
    const drawn = twin.png();
    expect(drawn.width).toBe(384);
    expect(decodeQrFromPng(drawn.png)?.text).toBe('支付 https://pay.example/q?o=42&amt=¥15.50');
  });
});
