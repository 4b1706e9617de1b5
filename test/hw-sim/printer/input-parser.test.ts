import { describe, expect, it } from 'vitest';
import { InputParser, MAX_HELD_COMMAND, RASTER_MAX_ROWS, type ParsedCommand } from '../../../hw-sim/printer/input-parser.js';
import { EscPosPrinterTwin } from '../../../hw-sim/printer/printer-twin.js';

const CHUNK = 4096;
const DLE_EOT_1 = [0x10, 0x04, 0x01];

function rasterHeader(widthBytes: number, height: number, m = 0): Uint8Array {
  return Uint8Array.of(0x1d, 0x76, 0x30, m, widthBytes & 0xff, widthBytes >> 8, height & 0xff, height >> 8);
}

/** Deterministic raster data with no DLE in it (so only the bytes a test puts in are real-time commands). */
function dataChunk(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = ((seed + i) * 7) % 251 === 0x10 ? 0x11 : ((seed + i) * 7) % 251;
  return out;
}

function feed(parser: InputParser, total: number, onChunk?: (sent: number) => Uint8Array | undefined): ParsedCommand[] {
  const out: ParsedCommand[] = [];
  let sent = 0;
  while (sent < total) {
    const extra = onChunk?.(sent);
    if (extra) {
      out.push(...parser.push(extra));
      sent += extra.length;
      continue;
    }
    const n = Math.min(CHUNK, total - sent);
    out.push(...parser.push(dataChunk(n, sent)));
    sent += n;
  }
  return out;
}

describe('printer twin input stage: long commands are consumed in linear work and bounded memory', () => {
  it('takes 8 MiB of raster data in 4 KiB chunks without copying it, and answers a DLE EOT sent in the middle', () => {
    const parser = new InputParser(true, { rasterBytesPerRow: 48 });
    const widthBytes = 0xffff;
    const height = 128; // 65535 x 128 = 8 MiB of data
    const dataBytes = widthBytes * height;
    const out: ParsedCommand[] = [...parser.push(rasterHeader(widthBytes, height))];
    let answeredAt: number | undefined;
    out.push(
      ...feed(parser, dataBytes, (sent) => {
        if (answeredAt === undefined && sent >= dataBytes / 2) {
          answeredAt = sent;
          return Uint8Array.from(DLE_EOT_1);
        }
        return undefined;
      }),
    );
    const status = out.filter((c) => c.command.op === 'status-request');
    expect(status).toEqual([{ command: { op: 'status-request', n: 1 }, offset: 8 + answeredAt!, length: 3 }]);
    const rasters = out.filter((c) => c.command.op === 'raster');
    expect(rasters).toHaveLength(1);
    // The status answer came out before the image was complete: at arrival, not after the command.
    expect(out.indexOf(status[0]!)).toBeLessThan(out.indexOf(rasters[0]!));
    const raster = rasters[0]!.command;
    expect(raster).toMatchObject({ widthBytes, height, dataBytesPerRow: 48, dataRows: height });
    expect(rasters[0]!.length).toBe(8 + dataBytes);
    // The work: the data went straight from the chunks into the kept rows, never through the queue.
    expect(parser.bytesCopied).toBeLessThan(64);
    expect(parser.queueCapacity).toBeLessThanOrEqual(256);
    expect(parser.pendingBytes).toBe(0);
  });

  it('keeps the left part of each row that reaches the paper, whatever the chunking', () => {
    const widthBytes = 100;
    const height = 5;
    const data = dataChunk(widthBytes * height, 3);
    const expected = new Uint8Array(48 * height);
    for (let row = 0; row < height; row++) expected.set(data.subarray(row * widthBytes, row * widthBytes + 48), row * 48);
    for (const chunk of [1, 7, 48, 99, 100, 101, 4096]) {
      const parser = new InputParser(true, { rasterBytesPerRow: 48 });
      const all = Uint8Array.from([...rasterHeader(widthBytes, height), ...data, 0x41, 0x0a]);
      const out: ParsedCommand[] = [];
      for (let at = 0; at < all.length; at += chunk) out.push(...parser.push(all.subarray(at, at + chunk)));
      const raster = out.find((c) => c.command.op === 'raster')!.command;
      expect(raster.op === 'raster' && raster.data, `chunk ${chunk}`).toEqual(expected);
      expect(out.map((c) => c.command.op), `chunk ${chunk}`).toEqual(['raster', 'char', 'lf']);
    }
  });

  it('consumes a 65535 x 65535 header\'s data without holding it, keeping only the rows a printer takes', () => {
    const parser = new InputParser(true, { rasterBytesPerRow: 48 });
    const out = [...parser.push(rasterHeader(0xffff, 0xffff))];
    expect(out.map((c) => c.command)).toEqual([
      expect.objectContaining({ op: 'error', code: 'malformed_command', message: expect.stringContaining(`the first ${RASTER_MAX_ROWS} rows kept`) }),
    ]);
    out.push(...feed(parser, 32 << 20));
    expect(out).toHaveLength(1);
    expect(parser.pendingBytes).toBe(8 + (32 << 20));
    expect(parser.bytesCopied).toBeLessThan(64);
    expect(parser.queueCapacity).toBeLessThanOrEqual(256);
  });

  it('draws a too-tall image\'s first rows and carries on with the commands after its declared end', () => {
    const twin = new EscPosPrinterTwin();
    const height = RASTER_MAX_ROWS + 10;
    twin.receiveFromHost(rasterHeader(2, height));
    twin.receiveFromHost(new Uint8Array(2 * height).fill(0xff));
    twin.receiveFromHost(Uint8Array.from(Buffer.from('after\n')));
    expect(twin.text()).toBe(`[[IMAGE 16x${RASTER_MAX_ROWS}]]\nafter`);
    expect(twin.errors.map((e) => e.code)).toEqual(['malformed_command']);
  });

  it('still warns that a wide image is cut off, with its declared width', () => {
    const twin = new EscPosPrinterTwin({ dotsPerLine: 384 });
    twin.receiveFromHost(Uint8Array.from([...rasterHeader(1000, 2), ...new Uint8Array(2000).fill(0x80)]));
    expect(twin.log.map((e) => [e.code, e.message])).toEqual([['too_wide', 'raster image 8000 dots wide on 384-dot paper: the right side is cut off']]);
    expect(twin.text()).toBe('[[IMAGE 384x2]]');
  });

  it('holds no more than one command of at most 64 KiB while it waits for the rest (GS ( k)', () => {
    const parser = new InputParser(true);
    const size = 0xffff;
    const out: ParsedCommand[] = [...parser.push(Uint8Array.of(0x1d, 0x28, 0x6b, size & 0xff, size >> 8, 0x31, 0x50, 0x30))];
    let sent = 3;
    while (sent < size) {
      const n = Math.min(1000, size - sent);
      out.push(...parser.push(new Uint8Array(n).fill(0x41)));
      sent += n;
    }
    expect(out.map((c) => c.command.op)).toEqual(['qr-store']);
    expect(parser.queueCapacity).toBeLessThanOrEqual(2 * MAX_HELD_COMMAND);
    expect(parser.bytesCopied).toBeLessThan(4 * MAX_HELD_COMMAND);
  });

  it('takes a huge chunk behind a partial command in bounded slices', () => {
    const parser = new InputParser(true);
    parser.push(Uint8Array.of(0x1b)); // an ESC waiting for its next byte
    const out = parser.push(new Uint8Array(512 << 10).fill(0x41));
    expect(out).toHaveLength(512 << 10);
    expect(out[0]!.command).toEqual({ op: 'error', code: 'unknown_command', message: 'ESC 0x41' });
    expect(parser.queueCapacity).toBeLessThanOrEqual(2 * MAX_HELD_COMMAND);
  });
});

describe('printer twin input stage: real-time commands act on arrival, even inside another command', () => {
  it('answers DLE EOT inside raster data, which still counts as image data', () => {
    const twin = new EscPosPrinterTwin();
    const answers: number[] = [];
    twin.attachHost((b) => answers.push(...b));
    twin.receiveFromHost(Uint8Array.from([...rasterHeader(2, 4), 0xff, 0xff, ...DLE_EOT_1]));
    expect(answers).toEqual([0x12]);
    expect(twin.paper).toHaveLength(0); // the image is not complete yet
    twin.receiveFromHost(Uint8Array.of(0xff, 0xff, 0xff, 0x41, 0x0a));
    expect(twin.text()).toBe('[[IMAGE 16x4]]\nA');
    const image = twin.paper[0]!;
    expect(image.kind === 'raster' && [...image.data]).toEqual([0xff, 0xff, 0x10, 0x04, 0x01, 0xff, 0xff, 0xff]);
    expect(twin.errors).toEqual([]);
  });

  it('answers DLE EOT inside ESC * column data and GS ( data, and DLE DC4 pulses the drawer from inside data', () => {
    const twin = new EscPosPrinterTwin();
    const answers: number[] = [];
    twin.attachHost((b) => answers.push(...b));
    twin.receiveFromHost(Uint8Array.of(0x1b, 0x2a, 0x00, 0x04, 0x00, 0x10, 0x04, 0x02, 0x00));
    twin.receiveFromHost(Uint8Array.of(0x1d, 0x28, 0x41, 0x05, 0x00, 0x10, 0x14, 0x01, 0x00, 0x03));
    twin.receiveFromHost(Uint8Array.from(Buffer.from('ok\n')));
    expect(answers).toEqual([0x12]);
    expect(twin.drawerPulses.map((p) => [p.pin, p.onMs, p.source])).toEqual([[2, 300, 'DLE DC4']]);
    expect(twin.text()).toBe('ok');
  });

  it('answers a DLE EOT split across chunks once, at top level as before', () => {
    const parser = new InputParser(true);
    const out = [...parser.push(Uint8Array.of(0x41, 0x10)), ...parser.push(Uint8Array.of(0x04)), ...parser.push(Uint8Array.of(0x03, 0x42))];
    expect(out.map((c) => [c.command.op, c.offset, c.length])).toEqual([
      ['char', 0, 1],
      ['status-request', 1, 3],
      ['char', 4, 1],
    ]);
  });

  it('forgets a half-received real-time command when the host goes away', () => {
    const parser = new InputParser(true);
    parser.push(Uint8Array.of(0x10, 0x04));
    expect(parser.abandonPartial()).toBe(2);
    expect(parser.push(Uint8Array.of(0x01)).map((c) => c.command.op)).toEqual(['error']);
  });
});
