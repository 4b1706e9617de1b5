import { barsFor } from './barcode-bars.js';
import type { DeviceCommand, TwinErrorCode } from './commands.js';
import { lineText, type PaperItem, type PrintedGlyph } from './paper.js';
import { qrLevelName, qrMatrix } from './qr-matrix.js';

/** What the engine needs from the printer around it. */
export interface EngineHost {
  /** Takes `lines` of paper; false when the roll runs out first (nothing of the item is printed). */
  takePaper(lines: number): boolean;
  setAsb(n: number): void;
  drawerPulse(pin: 2 | 5, onMs: number, offMs: number, source: 'ESC p' | 'DLE DC4'): void;
  transmitStatus(n: number): void;
  log(level: 'error' | 'warning', code: TwinErrorCode | 'ignored' | 'align_ignored' | 'not_rendered', message: string): void;
}

type Align = 'left' | 'center' | 'right';

interface Style {
  font: 'A' | 'B';
  bold: boolean;
  underline: number;
  chineseUnderline: number;
  reverse: boolean;
  widthMul: number;
  heightMul: number;
  chineseWidthMul: number;
  chineseHeightMul: number;
  align: Align;
  lineSpacing: number;
  charSpacing: number;
}

const DEFAULT_LINE_SPACING = 30;
/** Cell sizes in dots: font A 12x24 (Kanji 24x24), font B 9x17 (Kanji 18x17). */
const CELL = { A: { w: 12, h: 24 }, B: { w: 9, h: 17 } } as const;
const HRI_HEIGHT = 26;

function powerOnStyle(): Style {
  return {
    font: 'A',
    bold: false,
    underline: 0,
    chineseUnderline: 0,
    reverse: false,
    widthMul: 1,
    heightMul: 1,
    chineseWidthMul: 1,
    chineseHeightMul: 1,
    align: 'left',
    lineSpacing: DEFAULT_LINE_SPACING,
    charSpacing: 0,
  };
}

/** Lines of paper a picture `dots` high takes from the roll budget. */
const linesFor = (dots: number): number => Math.max(1, Math.ceil(dots / 24));

/**
 * The print engine: executes buffered commands in order onto the paper record. Returns from
 * execute() how many lines of paper the command advanced (for print-speed pacing).
 */
export class PrintEngine {
  readonly paper: PaperItem[] = [];
  private style = powerOnStyle();
  private line: PrintedGlyph[] = [];
  private x = 0;
  private barcodeSettings = { height: 162, moduleWidth: 3, hri: 0 };
  private qr = { model: 50, cell: 3, level: 48, data: undefined as Uint8Array | undefined };

  constructor(
    private readonly dotsPerLine: number,
    private readonly host: EngineHost,
  ) {}

  reset(): void {
    this.style = powerOnStyle();
    this.line = [];
    this.x = 0;
    this.barcodeSettings = { height: 162, moduleWidth: 3, hri: 0 };
    this.qr = { model: 50, cell: 3, level: 48, data: undefined };
  }

  /** The line buffer is dropped (paper ran out, or the print buffer was cleared). */
  dropLine(): void {
    this.line = [];
    this.x = 0;
  }

  execute(command: DeviceCommand): number {
    const s = this.style;
    switch (command.op) {
      case 'char':
        return this.putChar(command.ch, command.wide);
      case 'lf':
        return this.printLine() ? 1 : 0;
      case 'ht': {
        const tab = 8 * CELL.A.w;
        const next = (Math.floor(this.x / tab) + 1) * tab;
        if (next < this.dotsPerLine) this.x = next;
        return 0;
      }
      case 'init':
        this.reset();
        return 0;
      case 'print-mode':
        s.font = command.n & 0x01 ? 'B' : 'A';
        s.bold = (command.n & 0x08) !== 0;
        s.heightMul = command.n & 0x10 ? 2 : 1;
        s.widthMul = command.n & 0x20 ? 2 : 1;
        s.underline = command.n & 0x80 ? 1 : 0;
        return 0;
      case 'size':
        s.widthMul = s.chineseWidthMul = command.width;
        s.heightMul = s.chineseHeightMul = command.height;
        return 0;
      case 'chinese-print-mode':
        s.chineseWidthMul = command.n & 0x04 ? 2 : 1;
        s.chineseHeightMul = command.n & 0x08 ? 2 : 1;
        s.chineseUnderline = command.n & 0x80 ? 1 : 0;
        return 0;
      case 'bold':
        s.bold = command.on;
        return 0;
      case 'underline':
        if (command.chinese) s.chineseUnderline = command.weight;
        else s.underline = command.weight;
        return 0;
      case 'reverse':
        s.reverse = command.on;
        return 0;
      case 'font':
        s.font = command.font;
        return 0;
      case 'align':
        if (this.line.length > 0 || this.x > 0) {
          this.host.log('warning', 'align_ignored', `ESC a ${command.align} in the middle of a line is ignored (it acts only at line start)`);
        } else {
          s.align = command.align;
        }
        return 0;
      case 'char-spacing':
        s.charSpacing = command.dots;
        return 0;
      case 'line-spacing':
        s.lineSpacing = command.dots === 'default' ? DEFAULT_LINE_SPACING : command.dots;
        return 0;
      case 'code-table':
      case 'international':
      case 'chinese-mode':
        return 0; // the input stage decodes characters with these
      case 'feed-lines':
        return this.feedLines(command.n);
      case 'feed-dots':
        return this.feedDots(command.n);
      case 'cut':
        return this.cut(command.partial, command.feedDots ?? 0);
      case 'drawer':
        if (command.t1 === 0) this.host.log('warning', 'malformed_command', 'ESC p with t1 = 0: no pulse');
        else this.host.drawerPulse(command.pin, command.t1 * 2, Math.max(command.t1, command.t2) * 2, 'ESC p');
        return 0;
      case 'asb':
        this.host.setAsb(command.n);
        return 0;
      case 'transmit-status':
        this.host.transmitStatus(command.n);
        return 0;
      case 'raster':
        return this.raster(command);
      case 'barcode-height':
        this.barcodeSettings.height = command.n;
        return 0;
      case 'barcode-width':
        this.barcodeSettings.moduleWidth = command.n;
        return 0;
      case 'hri-position':
        this.barcodeSettings.hri = command.n;
        return 0;
      case 'hri-font':
        return 0;
      case 'barcode':
        return this.barcode(command.m, command.data);
      case 'qr-model':
        if (command.n1 !== 49 && command.n1 !== 50) this.host.log('error', 'malformed_command', `QR model ${command.n1}: 49 (model 1) or 50 (model 2)`);
        else this.qr.model = command.n1;
        return 0;
      case 'qr-cell':
        if (command.n < 1 || command.n > 16) this.host.log('error', 'malformed_command', `QR cell size ${command.n}: 1..16`);
        else this.qr.cell = command.n;
        return 0;
      case 'qr-level':
        if (!qrLevelName(command.n)) this.host.log('error', 'malformed_command', `QR error level ${command.n}: 48..51`);
        else this.qr.level = command.n;
        return 0;
      case 'qr-store':
        this.qr.data = command.data;
        return 0;
      case 'qr-print':
        return this.printQr();
      case 'ignored':
        this.host.log('warning', 'ignored', `${command.name} accepted, no effect in the twin`);
        return 0;
      case 'status-request':
      case 'realtime-pulse':
      case 'error':
        return 0; // handled at arrival
    }
  }

  private alignedX(width: number): number {
    const free = Math.max(0, this.dotsPerLine - width);
    return this.style.align === 'center' ? Math.floor(free / 2) : this.style.align === 'right' ? free : 0;
  }

  private putChar(ch: string, wide: boolean): number {
    const s = this.style;
    const cell = CELL[s.font];
    const widthMul = wide ? s.chineseWidthMul : s.widthMul;
    const heightMul = wide ? s.chineseHeightMul : s.heightMul;
    const width = ((wide ? 2 * cell.w : cell.w) + (wide ? 0 : s.charSpacing)) * widthMul;
    if (width > this.dotsPerLine) {
      this.host.log('error', 'too_wide', `${JSON.stringify(ch)} at size ${widthMul} is wider than the paper`);
      return 0;
    }
    let advanced = 0;
    if (this.x + width > this.dotsPerLine) advanced = this.printLine() ? 1 : 0; // the firmware wraps the line
    this.line.push({
      ch,
      x: this.x,
      width,
      height: cell.h * heightMul,
      wide,
      font: s.font,
      widthMul,
      heightMul,
      bold: s.bold,
      underline: wide ? s.chineseUnderline : s.underline,
      reverse: s.reverse,
    });
    this.x += width;
    return advanced;
  }

  /** Prints the line buffer (an empty one feeds one line). False when the paper ran out. */
  private printLine(): boolean {
    const glyphs = this.line;
    this.line = [];
    const used = this.x;
    this.x = 0;
    if (!this.host.takePaper(1)) return false;
    const offset = this.alignedX(used);
    for (const g of glyphs) g.x += offset;
    let height = this.style.lineSpacing;
    for (const g of glyphs) height = Math.max(height, g.height);
    this.paper.push({ kind: 'line', glyphs, height, text: lineText(glyphs) });
    return true;
  }

  private flushPending(): number {
    return this.line.length > 0 ? (this.printLine() ? 1 : 0) : 0;
  }

  private feedLines(n: number): number {
    let advanced = 0;
    let blank = n;
    if (this.line.length > 0) {
      if (!this.printLine()) return 0;
      advanced = 1;
      blank = Math.max(0, n - 1);
    }
    if (blank > 0) {
      if (!this.host.takePaper(blank)) return advanced;
      this.paper.push({ kind: 'feed', dots: blank * this.style.lineSpacing, lines: blank });
    }
    return advanced + blank;
  }

  private feedDots(n: number): number {
    if (this.line.length > 0) return this.printLine() ? 1 : 0;
    if (n > 0) this.paper.push({ kind: 'feed', dots: n, lines: Math.floor(n / Math.max(1, this.style.lineSpacing)) });
    return 0;
  }

  private cut(partial: boolean, feedDots: number): number {
    const advanced = this.flushPending();
    this.paper.push({ kind: 'cut', partial, feedDots });
    return advanced;
  }

  private raster(command: Extract<DeviceCommand, { op: 'raster' }>): number {
    const advanced = this.flushPending();
    const scaleX = command.scale & 1 ? 2 : 1;
    const scaleY = command.scale & 2 ? 2 : 1;
    const width = command.widthBytes * 8 * scaleX;
    if (width > this.dotsPerLine) {
      this.host.log('warning', 'too_wide', `raster image ${width} dots wide on ${this.dotsPerLine}-dot paper: the right side is cut off`);
    }
    const { dataBytesPerRow: bytesPerRow, dataRows: rows, data } = command;
    const lines = linesFor(rows * scaleY);
    if (!this.host.takePaper(lines)) return advanced;
    this.paper.push({ kind: 'raster', x: this.alignedX(Math.min(width, this.dotsPerLine)), bytesPerRow, rows, data, scaleX, scaleY });
    return advanced + lines;
  }

  private barcode(m: number, data: Uint8Array): number {
    const advanced = this.flushPending();
    const result = barsFor(m, data);
    if (!result.ok) {
      this.host.log('error', 'bad_barcode', result.message);
      return advanced;
    }
    const { moduleWidth, height, hri } = this.barcodeSettings;
    const width = result.bars.modules.length * moduleWidth;
    if (width > this.dotsPerLine) {
      this.host.log('error', 'too_wide', `${result.symbology} ${result.bars.text} is ${width} dots wide; the paper has ${this.dotsPerLine}: not printed`);
      return advanced;
    }
    const total = height + (hri === 1 || hri === 2 ? HRI_HEIGHT : hri === 3 ? 2 * HRI_HEIGHT : 0);
    const lines = linesFor(total);
    if (!this.host.takePaper(lines)) return advanced;
    this.paper.push({
      kind: 'barcode',
      x: this.alignedX(width),
      symbology: result.symbology,
      text: result.bars.text,
      modules: result.bars.modules,
      moduleWidth,
      height,
      hri,
    });
    return advanced + lines;
  }

  private printQr(): number {
    const advanced = this.flushPending();
    const data = this.qr.data;
    if (!data) {
      this.host.log('error', 'bad_qr', 'QR print (fn181) with no data stored (fn180)');
      return advanced;
    }
    if (this.qr.model === 49) this.host.log('warning', 'not_rendered', 'QR model 1 requested; the twin draws model 2');
    let matrix: { size: number; modules: Uint8Array };
    try {
      matrix = qrMatrix(data, qrLevelName(this.qr.level)!);
    } catch (e) {
      this.host.log('error', 'bad_qr', `QR data of ${data.length} bytes does not fit a symbol: ${(e as Error).message}`);
      return advanced;
    }
    const width = matrix.size * this.qr.cell;
    if (width > this.dotsPerLine) {
      this.host.log('error', 'too_wide', `QR symbol ${width} dots wide on ${this.dotsPerLine}-dot paper: not printed`);
      return advanced;
    }
    const lines = linesFor(width);
    if (!this.host.takePaper(lines)) return advanced;
    this.paper.push({ kind: 'qr', x: this.alignedX(width), cell: this.qr.cell, size: matrix.size, modules: matrix.modules, data });
    return advanced + lines;
  }
}
