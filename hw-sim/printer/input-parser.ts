import iconv from 'iconv-lite';
import type { DeviceCommand } from './commands.js';
import { ByteQueue } from './byte-queue.js';
import { readGb18030 } from './gb18030.js';
import { RealTimeScanner, type RealTimeHit } from './realtime-scanner.js';

export interface ParsedCommand {
  command: DeviceCommand;
  /** Offset of the command's first byte in everything the host has sent. */
  offset: number;
  length: number;
}

/** ESC t n -> the code page the twin decodes bytes 0x80..0xFF with (Epson table numbers). */
const CODE_TABLES: Record<number, string> = {
  0: 'cp437',
  2: 'cp850',
  3: 'cp860',
  4: 'cp863',
  5: 'cp865',
  16: 'cp1252',
  17: 'cp866',
  18: 'cp852',
  19: 'cp858',
};

/**
 * What reading one command off the buffer gave: a whole command; a real-time command the
 * real-time stage has already acted on (`command: null`, skipped here); the header of a command
 * whose data is consumed as it arrives (`stream`); or null, when more bytes are needed.
 */
type Step =
  | { command: DeviceCommand | null; length: number; stream?: undefined }
  | { stream: DataStream; length: number; command?: undefined; notice?: DeviceCommand }
  | null;

/** The data part of a long command, consumed as it arrives and kept only as far as needed. */
interface DataStream {
  remaining: number;
  take(data: Uint8Array): void;
  finish(): DeviceCommand;
}

const ESC = 0x1b;
const GS = 0x1d;
const FS = 0x1c;
const DLE = 0x10;

/**
 * GS v 0 takes at most 2303 rows (yH <= 8, Epson's range). A taller declared image is still
 * consumed to its declared end, so framing stays in step with the host, but only its first
 * RASTER_MAX_ROWS rows are kept (and drawn), with an error logged.
 */
export const RASTER_MAX_ROWS = 2303;
/** Raster bytes per row kept when the twin does not say its dot width (576 dots, an 80 mm head). */
const DEFAULT_RASTER_BYTES_PER_ROW = 72;
/** The longest command held whole before it is parsed: GS ( with its 16-bit length, 5 + 65535 bytes. */
export const MAX_HELD_COMMAND = 5 + 0xffff;

const err = (code: 'unknown_command' | 'malformed_command' | 'bad_gb18030', message: string, length: number): Step => ({
  command: { op: 'error', code, message },
  length,
});
const ok = (command: DeviceCommand, length: number): Step => ({ command, length });
const hex = (b: number): string => b.toString(16).padStart(2, '0').toUpperCase();

export interface InputParserOptions {
  /** Raster bytes per row worth keeping: the printer's dot width / 8 (data beyond it is read and discarded). */
  rasterBytesPerRow?: number;
}

/**
 * The printer's input stage: reads commands off the byte stream as it arrives, in any chunking.
 * It tracks what decides how later bytes are read (Chinese mode, code table), so a GB18030
 * character and a command are told apart exactly as the firmware would. Real-time commands come
 * out here, at arrival, even from inside another command's data (RealTimeScanner); everything
 * else goes to the print engine's buffer.
 *
 * Work and memory are bounded: each byte is looked at a constant number of times; the queue holds
 * at most one incomplete command of at most MAX_HELD_COMMAND bytes (plus one slice of input);
 * the data of GS v 0, ESC * and GS ( is consumed as it arrives, and of a raster image only
 * RASTER_MAX_ROWS rows of `rasterBytesPerRow` bytes are kept.
 */
export class InputParser {
  private readonly queue = new ByteQueue();
  private readonly realTime = new RealTimeScanner();
  private stream: { data: DataStream; offset: number; length: number } | undefined;
  /** Stream offset of the first byte not yet parsed (the queue's first byte, or the next to arrive). */
  private streamOffset = 0;
  private received = 0;
  private chinese: boolean;
  private codeTable = 0;
  private readonly rasterBytesPerRow: number;

  /** `chineseFirmware`: FS commands are understood and the printer powers up in Chinese mode. */
  constructor(
    private readonly chineseAtPowerUp: boolean,
    options: InputParserOptions = {},
  ) {
    this.chinese = chineseAtPowerUp;
    this.rasterBytesPerRow = Math.max(1, options.rasterBytesPerRow ?? DEFAULT_RASTER_BYTES_PER_ROW);
  }

  get chineseMode(): boolean {
    return this.chinese;
  }

  /** Bytes of the unfinished command received so far (held, or consumed as data). */
  get pendingBytes(): number {
    return this.queue.length + (this.stream ? this.stream.length - this.stream.data.remaining : 0);
  }

  /** Bytes of memory the input queue holds. */
  get queueCapacity(): number {
    return this.queue.capacity;
  }

  /** Bytes copied into or within the input queue so far (the work linear parsing must keep small). */
  get bytesCopied(): number {
    return this.queue.bytesCopied;
  }

  push(bytes: Uint8Array): ParsedCommand[] {
    const realTime = this.realTime.scan(bytes, this.received);
    this.received += bytes.length;
    const framed: ParsedCommand[] = [];
    let rest = bytes;
    while (rest.length > 0) {
      if (this.queue.length === 0) {
        const used = this.parse(rest, framed);
        this.queue.append(rest.subarray(used));
        break;
      }
      const slice = rest.subarray(0, MAX_HELD_COMMAND);
      rest = rest.subarray(slice.length);
      this.queue.append(slice);
      this.queue.consume(this.parse(this.queue.view(), framed));
    }
    return mergeByEnd(realTime, framed);
  }

  /** The host went away mid-command: drop the partial command. Returns how many bytes were dropped. */
  abandonPartial(): number {
    const dropped = this.pendingBytes;
    this.streamOffset += this.queue.length;
    this.queue.clear();
    this.stream = undefined;
    this.realTime.reset();
    return dropped;
  }

  powerOn(): void {
    this.abandonPartial();
    this.chinese = this.chineseAtPowerUp;
    this.codeTable = 0;
  }

  /** Reads as many commands off `input` as it holds, feeding a streaming command first; returns the bytes used. */
  private parse(input: Uint8Array, out: ParsedCommand[]): number {
    let at = 0;
    while (at < input.length || this.stream?.data.remaining === 0) {
      if (this.stream) {
        const { data } = this.stream;
        const n = Math.min(data.remaining, input.length - at);
        data.take(input.subarray(at, at + n));
        data.remaining -= n;
        at += n;
        if (data.remaining > 0) break;
        out.push({ command: data.finish(), offset: this.stream.offset, length: this.stream.length });
        this.stream = undefined;
        continue;
      }
      const step = this.parseOne(input, at);
      if (step === null) break;
      const offset = this.streamOffset + at;
      if (step.stream) {
        if (step.notice) out.push({ command: step.notice, offset, length: 0 });
        this.stream = { data: step.stream, offset, length: step.length + step.stream.remaining };
        at += step.length;
        continue;
      }
      if (step.command) {
        out.push({ command: step.command, offset, length: step.length });
        this.track(step.command);
      }
      at += step.length;
    }
    this.streamOffset += at;
    return at;
  }

  private track(command: DeviceCommand): void {
    if (command.op === 'chinese-mode') this.chinese = command.on;
    else if (command.op === 'code-table') this.codeTable = command.n;
    else if (command.op === 'init') {
      this.chinese = this.chineseAtPowerUp;
      this.codeTable = 0;
    }
  }

  private parseOne(buf: Uint8Array, at: number): Step {
    const b = buf[at]!;
    if (b >= 0x20 && b < 0x7f) return ok({ op: 'char', ch: String.fromCharCode(b), wide: false }, 1);
    if (b >= 0x80) return this.highByte(buf, at);
    switch (b) {
      case 0x0a:
        return ok({ op: 'lf' }, 1);
      case 0x09:
        return ok({ op: 'ht' }, 1);
      case 0x0d:
        return ok({ op: 'ignored', name: 'CR' }, 1);
      case 0x00:
        return ok({ op: 'ignored', name: 'NUL' }, 1);
      case 0x7f:
        return ok({ op: 'ignored', name: 'DEL' }, 1);
      case ESC:
        return this.esc(buf, at);
      case GS:
        return this.gs(buf, at);
      case FS:
        return this.fs(buf, at);
      case DLE:
        return this.dle(buf, at);
      default:
        return err('unknown_command', `control byte 0x${hex(b)}`, 1);
    }
  }

  private highByte(buf: Uint8Array, at: number): Step {
    if (this.chinese) {
      const step = readGb18030(buf, at);
      if (step.kind === 'more') return null;
      if (step.kind === 'invalid') {
        return err('bad_gb18030', `invalid GB18030 sequence ${[...buf.subarray(at, at + step.length)].map(hex).join(' ')}`, step.length);
      }
      return ok({ op: 'char', ch: step.ch, wide: true }, step.length);
    }
    const table = CODE_TABLES[this.codeTable] ?? 'cp437';
    return ok({ op: 'char', ch: iconv.decode(Buffer.of(buf[at]!), table), wide: false }, 1);
  }

  private esc(buf: Uint8Array, at: number): Step {
    if (at + 1 >= buf.length) return null;
    const x = buf[at + 1]!;
    const n = at + 2 < buf.length ? buf[at + 2]! : -1;
    const one = (make: (n: number) => Step): Step => (n < 0 ? null : make(n));
    switch (x) {
      case 0x40:
        return ok({ op: 'init' }, 2);
      case 0x21:
        return one((v) => ok({ op: 'print-mode', n: v }, 3));
      case 0x45:
      case 0x47:
        return one((v) => ok({ op: 'bold', on: (v & 1) === 1 }, 3));
      case 0x2d:
        return one((v) => underlineStep(v, false));
      case 0x4d:
        return one((v) => {
          if (v === 0 || v === 48) return ok({ op: 'font', font: 'A' }, 3);
          if (v === 1 || v === 49) return ok({ op: 'font', font: 'B' }, 3);
          return err('malformed_command', `ESC M ${v}: font must be 0/1/48/49`, 3);
        });
      case 0x61:
        return one((v) => {
          const a = v >= 48 ? v - 48 : v;
          if (a > 2) return err('malformed_command', `ESC a ${v}: alignment must be 0..2 or 48..50`, 3);
          return ok({ op: 'align', align: (['left', 'center', 'right'] as const)[a]! }, 3);
        });
      case 0x74:
        return one((v) => ok({ op: 'code-table', n: v }, 3));
      case 0x52:
        return one((v) => ok({ op: 'international', n: v }, 3));
      case 0x64:
        return one((v) => ok({ op: 'feed-lines', n: v }, 3));
      case 0x4a:
        return one((v) => ok({ op: 'feed-dots', n: v }, 3));
      case 0x32:
        return ok({ op: 'line-spacing', dots: 'default' }, 2);
      case 0x33:
        return one((v) => ok({ op: 'line-spacing', dots: v }, 3));
      case 0x20:
        return one((v) => ok({ op: 'char-spacing', dots: v }, 3));
      case 0x70: {
        if (at + 4 >= buf.length) return null;
        const m = buf[at + 2]!;
        const pin = m === 0 || m === 48 ? 2 : m === 1 || m === 49 ? 5 : 0;
        if (pin === 0) return err('malformed_command', `ESC p ${m}: pin must be 0/1/48/49`, 5);
        return ok({ op: 'drawer', pin, t1: buf[at + 3]!, t2: buf[at + 4]! }, 5);
      }
      case 0x69:
        return ok({ op: 'cut', partial: false, feedDots: undefined }, 2);
      case 0x6d:
        return ok({ op: 'cut', partial: true, feedDots: undefined }, 2);
      case 0x56:
        return one(() => ok({ op: 'ignored', name: 'ESC V (rotate)' }, 3));
      case 0x7b:
        return one(() => ok({ op: 'ignored', name: 'ESC { (upside down)' }, 3));
      case 0x3d:
        return one(() => ok({ op: 'ignored', name: 'ESC = (peripheral)' }, 3));
      case 0x24:
        return at + 3 < buf.length ? ok({ op: 'ignored', name: 'ESC $ (absolute position)' }, 4) : null;
      case 0x63: {
        if (at + 3 >= buf.length) return null;
        return ok({ op: 'ignored', name: `ESC c ${String.fromCharCode(buf[at + 2]!)}` }, 4);
      }
      case 0x44: {
        for (let i = at + 2; i < buf.length; i++) if (buf[i] === 0) return ok({ op: 'ignored', name: 'ESC D (tab stops)' }, i - at + 1);
        return buf.length - at > 34 ? err('malformed_command', 'ESC D without NUL after 32 tab stops', buf.length - at) : null;
      }
      case 0x2a: {
        if (at + 4 >= buf.length) return null;
        const m = buf[at + 2]!;
        const columns = buf[at + 3]! + 256 * buf[at + 4]!;
        if (m !== 0 && m !== 1 && m !== 32 && m !== 33) return err('malformed_command', `ESC * ${m}: mode must be 0, 1, 32 or 33`, 3);
        const image: DeviceCommand = { op: 'ignored', name: 'ESC * (column bit image, not drawn by the twin)' };
        return { stream: skipData(columns * (m === 0 || m === 1 ? 1 : 3), image), length: 5 };
      }
      default:
        return err('unknown_command', `ESC 0x${hex(x)}`, 2);
    }
  }

  private gs(buf: Uint8Array, at: number): Step {
    if (at + 1 >= buf.length) return null;
    const x = buf[at + 1]!;
    const n = at + 2 < buf.length ? buf[at + 2]! : -1;
    const one = (make: (n: number) => Step): Step => (n < 0 ? null : make(n));
    switch (x) {
      case 0x21:
        return one((v) => {
          const width = (v >> 4) + 1;
          const height = (v & 0x0f) + 1;
          if (width > 8 || height > 8) return err('malformed_command', `GS ! 0x${hex(v)}: width and height are 1..8`, 3);
          return ok({ op: 'size', width, height }, 3);
        });
      case 0x42:
        return one((v) => ok({ op: 'reverse', on: (v & 1) === 1 }, 3));
      case 0x56:
        return one((m) => {
          if (m === 0 || m === 48) return ok({ op: 'cut', partial: false, feedDots: undefined }, 3);
          if (m === 1 || m === 49) return ok({ op: 'cut', partial: true, feedDots: undefined }, 3);
          if (m === 65 || m === 66 || m === 97 || m === 98 || m === 103 || m === 104) {
            if (at + 3 >= buf.length) return null;
            return ok({ op: 'cut', partial: m % 2 === 0, feedDots: buf[at + 3]! }, 4);
          }
          return err('malformed_command', `GS V ${m}: unknown cut mode`, 3);
        });
      case 0x76: {
        if (at + 7 >= buf.length) return null;
        if (buf[at + 2] !== 0x30) return err('malformed_command', `GS v 0x${hex(buf[at + 2]!)}: only GS v 0 is a raster command`, 3);
        const m = buf[at + 3]!;
        const widthBytes = buf[at + 4]! + 256 * buf[at + 5]!;
        const height = buf[at + 6]! + 256 * buf[at + 7]!;
        const scale = m >= 48 ? m - 48 : m;
        if (scale > 3 || widthBytes === 0 || height === 0) {
          return err('malformed_command', `GS v 0 m=${m} x=${widthBytes} y=${height}: bad mode or empty image`, 8);
        }
        const raster = new RasterData(scale, widthBytes, height, this.rasterBytesPerRow);
        const notice: DeviceCommand | undefined =
          height > RASTER_MAX_ROWS
            ? { op: 'error', code: 'malformed_command', message: `GS v 0 y=${height}: beyond the ${RASTER_MAX_ROWS} rows a printer takes; the data is consumed, the first ${RASTER_MAX_ROWS} rows kept` }
            : undefined;
        return { stream: raster, length: 8, ...(notice ? { notice } : {}) };
      }
      case 0x28:
        return this.gsParen(buf, at);
      case 0x6b:
        return this.barcode(buf, at);
      case 0x68:
        return one((v) => (v === 0 ? err('malformed_command', 'GS h 0: height is 1..255', 3) : ok({ op: 'barcode-height', n: v }, 3)));
      case 0x77:
        return one((v) => (v < 1 || v > 6 ? err('malformed_command', `GS w ${v}: module width is 1..6`, 3) : ok({ op: 'barcode-width', n: v }, 3)));
      case 0x48:
        return one((v) => {
          const p = v >= 48 ? v - 48 : v;
          return p > 3 ? err('malformed_command', `GS H ${v}: HRI position is 0..3`, 3) : ok({ op: 'hri-position', n: p }, 3);
        });
      case 0x66:
        return one((v) => ok({ op: 'hri-font', n: v >= 48 ? v - 48 : v }, 3));
      case 0x61:
        return one((v) => ok({ op: 'asb', n: v }, 3));
      case 0x72:
        return one((v) => {
          const k = v >= 48 ? v - 48 : v;
          return k === 1 || k === 2 ? ok({ op: 'transmit-status', n: k }, 3) : err('malformed_command', `GS r ${v}: n is 1, 2, 49 or 50`, 3);
        });
      case 0x4c:
        return at + 3 < buf.length ? ok({ op: 'ignored', name: 'GS L (left margin)' }, 4) : null;
      case 0x57:
        return at + 3 < buf.length ? ok({ op: 'ignored', name: 'GS W (print area width)' }, 4) : null;
      case 0x50:
        return at + 3 < buf.length ? ok({ op: 'ignored', name: 'GS P (motion units)' }, 4) : null;
      case 0x49:
        return one(() => ok({ op: 'ignored', name: 'GS I (printer ID, not answered by the twin)' }, 3));
      default:
        return err('unknown_command', `GS 0x${hex(x)}`, 2);
    }
  }

  /** GS ( x pL pH ...: the length is in the header, so even an unknown function is skipped whole. */
  private gsParen(buf: Uint8Array, at: number): Step {
    if (at + 4 >= buf.length) return null;
    const x = buf[at + 2]!;
    const size = buf[at + 3]! + 256 * buf[at + 4]!;
    const length = 5 + size;
    if (x !== 0x6b) {
      return { stream: skipData(size, { op: 'error', code: 'unknown_command', message: `GS ( 0x${hex(x)} (${size} parameter bytes skipped)` }), length: 5 };
    }
    if (size < 2) return err('malformed_command', `GS ( k with pL pH = ${size}`, 5);
    if (at + length > buf.length) return null;
    const cn = buf[at + 5]!;
    const fn = buf[at + 6]!;
    const params = buf.subarray(at + 7, at + length);
    if (cn !== 0x31) return ok({ op: 'ignored', name: `GS ( k cn=${cn} (2D symbol other than QR)` }, length);
    switch (fn) {
      case 0x41:
        if (params.length !== 2) return err('malformed_command', `QR fn165 takes 2 parameters, got ${params.length}`, length);
        return ok({ op: 'qr-model', n1: params[0]!, n2: params[1]! }, length);
      case 0x43:
        if (params.length !== 1) return err('malformed_command', `QR fn167 takes 1 parameter, got ${params.length}`, length);
        return ok({ op: 'qr-cell', n: params[0]! }, length);
      case 0x45:
        if (params.length !== 1) return err('malformed_command', `QR fn169 takes 1 parameter, got ${params.length}`, length);
        return ok({ op: 'qr-level', n: params[0]! }, length);
      case 0x50:
        if (params.length < 2 || params[0] !== 0x30) return err('malformed_command', 'QR fn180 needs m = 48 and at least one data byte', length);
        return ok({ op: 'qr-store', data: Uint8Array.from(params.subarray(1)) }, length);
      case 0x51:
        if (params.length !== 1 || params[0] !== 0x30) return err('malformed_command', 'QR fn181 takes m = 48', length);
        return ok({ op: 'qr-print' }, length);
      default:
        return ok({ op: 'ignored', name: `GS ( k QR fn 0x${hex(fn)}` }, length);
    }
  }

  private barcode(buf: Uint8Array, at: number): Step {
    if (at + 2 >= buf.length) return null;
    const m = buf[at + 2]!;
    if (m <= 6) {
      for (let i = at + 3; i < buf.length; i++) {
        if (buf[i] === 0) return ok({ op: 'barcode', m, data: Uint8Array.from(buf.subarray(at + 3, i)) }, i - at + 1);
      }
      return buf.length - at > 259 ? err('malformed_command', `GS k ${m} data without NUL`, 3) : null;
    }
    if (m >= 65 && m <= 79) {
      if (at + 3 >= buf.length) return null;
      const n = buf[at + 3]!;
      const length = 4 + n;
      if (at + length > buf.length) return null;
      return ok({ op: 'barcode', m, data: Uint8Array.from(buf.subarray(at + 4, at + length)) }, length);
    }
    return err('malformed_command', `GS k ${m}: unknown barcode system`, 3);
  }

  private fs(buf: Uint8Array, at: number): Step {
    if (at + 1 >= buf.length) return null;
    const x = buf[at + 1]!;
    const n = at + 2 < buf.length ? buf[at + 2]! : -1;
    const one = (make: (n: number) => Step): Step => (n < 0 ? null : make(n));
    if (!this.chineseAtPowerUp) return err('unknown_command', `FS 0x${hex(x)} (this printer has no Chinese firmware)`, 2);
    switch (x) {
      case 0x26:
        return ok({ op: 'chinese-mode', on: true }, 2);
      case 0x2e:
        return ok({ op: 'chinese-mode', on: false }, 2);
      case 0x21:
        return one((v) => ok({ op: 'chinese-print-mode', n: v }, 3));
      case 0x2d:
        return one((v) => underlineStep(v, true));
      case 0x53:
        return at + 3 < buf.length ? ok({ op: 'ignored', name: 'FS S (Chinese character spacing)' }, 4) : null;
      case 0x57:
        return one(() => ok({ op: 'ignored', name: 'FS W (Chinese quadruple size)' }, 3));
      case 0x43:
        return one(() => ok({ op: 'ignored', name: 'FS C (Chinese code system)' }, 3));
      case 0x70:
        return at + 3 < buf.length ? ok({ op: 'ignored', name: 'FS p (NV bit image, none stored in the twin)' }, 4) : null;
      default:
        return err('unknown_command', `FS 0x${hex(x)}`, 2);
    }
  }

  private dle(buf: Uint8Array, at: number): Step {
    if (at + 1 >= buf.length) return null;
    const x = buf[at + 1]!;
    if (x === 0x04) {
      if (at + 2 >= buf.length) return null;
      const n = buf[at + 2]!;
      // A valid DLE EOT was answered on arrival by the real-time stage.
      return n >= 1 && n <= 4 ? { command: null, length: 3 } : err('malformed_command', `DLE EOT ${n}: n is 1..4`, 3);
    }
    if (x === 0x05) {
      if (at + 2 >= buf.length) return null;
      return ok({ op: 'ignored', name: 'DLE ENQ (real-time request)' }, 3);
    }
    if (x === 0x14) {
      if (at + 2 >= buf.length) return null;
      if (buf[at + 2] !== 1) return err('malformed_command', `DLE DC4 fn=${buf[at + 2]}: only fn=1 (pulse) is supported`, 3);
      if (at + 4 >= buf.length) return null;
      const m = buf[at + 3]!;
      const t = buf[at + 4]!;
      if ((m !== 0 && m !== 1) || t < 1 || t > 8) return err('malformed_command', `DLE DC4 1 ${m} ${t}: m is 0/1 and t 1..8`, 5);
      return { command: null, length: 5 }; // acted on at arrival by the real-time stage
    }
    return err('unknown_command', `DLE 0x${hex(x)}`, 2);
  }
}

function underlineStep(v: number, chinese: boolean): Step {
  const weight = v >= 48 ? v - 48 : v;
  if (weight > 2) return err('malformed_command', `${chinese ? 'FS' : 'ESC'} - ${v}: underline is 0..2 or 48..50`, 3);
  return ok({ op: 'underline', weight, chinese }, 3);
}


/** Data read and thrown away (a command the twin does not draw); `command` comes out at its end. */
function skipData(length: number, command: DeviceCommand): DataStream {
  return { remaining: length, take: () => undefined, finish: () => command };
}

/**
 * GS v 0 data, kept only where it can reach the paper: the first `keepBytesPerRow` bytes of each
 * of the first RASTER_MAX_ROWS rows; the rest is read and discarded as it arrives.
 */
class RasterData implements DataStream {
  remaining: number;
  private readonly keepBytesPerRow: number;
  private readonly keepRows: number;
  private readonly kept: Uint8Array;
  private position = 0;

  constructor(
    private readonly scale: number,
    private readonly widthBytes: number,
    private readonly height: number,
    maxBytesPerRow: number,
  ) {
    this.remaining = widthBytes * height;
    this.keepBytesPerRow = Math.min(widthBytes, maxBytesPerRow);
    this.keepRows = Math.min(height, RASTER_MAX_ROWS);
    this.kept = new Uint8Array(this.keepBytesPerRow * this.keepRows);
  }

  take(data: Uint8Array): void {
    let at = 0;
    while (at < data.length) {
      const row = Math.floor(this.position / this.widthBytes);
      const column = this.position - row * this.widthBytes;
      if (row >= this.keepRows) {
        this.position += data.length - at;
        return;
      }
      const inRow = Math.min(this.widthBytes - column, data.length - at);
      if (column < this.keepBytesPerRow) {
        const n = Math.min(this.keepBytesPerRow - column, inRow);
        this.kept.set(data.subarray(at, at + n), row * this.keepBytesPerRow + column);
      }
      this.position += inRow;
      at += inRow;
    }
  }

  finish(): DeviceCommand {
    return {
      op: 'raster',
      scale: this.scale,
      widthBytes: this.widthBytes,
      height: this.height,
      data: this.kept,
      dataBytesPerRow: this.keepBytesPerRow,
      dataRows: this.keepRows,
    };
  }
}

/** Real-time hits and framed commands in the order their last byte arrived (a real-time hit first on a tie). */
function mergeByEnd(realTime: RealTimeHit[], framed: ParsedCommand[]): ParsedCommand[] {
  if (realTime.length === 0) return framed;
  const out: ParsedCommand[] = [];
  let i = 0;
  for (const command of framed) {
    const end = command.offset + command.length;
    while (i < realTime.length && realTime[i]!.offset + realTime[i]!.length <= end) out.push(realTime[i++]!);
    out.push(command);
  }
  while (i < realTime.length) out.push(realTime[i++]!);
  return out;
}
