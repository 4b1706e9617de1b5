import { LF } from './ascii.js';
import { barcode, barcodeModules } from './barcode.js';
import { concatBytes } from '../../encoding/bytes.js';
import * as cmd from './commands.js';
import type { Align, Font } from './commands.js';
import { checkInteger, EscPosError } from './errors.js';
import type { PrinterProfile } from './profiles.js';
import { qrCode, qrDataBytes } from './qr.js';
import { qrModuleCount } from './qr-size.js';
import { rasterImage } from './raster.js';
import type { Receipt, ReceiptBlock, TextStyle } from './receipt.js';
import { CODE_PAGES, encodeText, type UnencodablePolicy } from './text-encoding.js';
import { rowLines, separatorLine, wrapParagraphs } from './wrap.js';

export interface RenderOptions {
  /** A line printed first, centered and bold, e.g. `*** REPRINT 重印 ***`. */
  banner?: string;
  /** Characters the profile cannot print: refuse the receipt (default) or print '?' for them. */
  unencodable?: UnencodablePolicy;
}

/**
 * A receipt as bytes, cut at command boundaries: each segment is whole commands (a printed line
 * with its style changes, one raster band, one QR...). The device layer may send a real-time
 * status query between any two segments, never inside one.
 */
export interface RenderedReceipt {
  segments: Uint8Array[];
  byteLength: number;
}

interface Style {
  align: Align;
  bold: boolean;
  underline: boolean;
  reverse: boolean;
  font: Font;
  width: number;
  height: number;
}

const POWER_ON_STYLE: Style = { align: 'left', bold: false, underline: false, reverse: false, font: 'A', width: 1, height: 1 };

export const DEFAULT_QR_CELL = 6;
export const DEFAULT_DRAWER_PULSE = { onMs: 100, offMs: 200 } as const;
/** Blank paper above and below a QR symbol, in modules: the quiet zone scanners need. */
export const QUIET_MODULES = 4;
/** Blank dots above and below a barcode. */
export const BARCODE_MARGIN_DOTS = 16;
/** Lines fed in place of a cut on a printer without a cutter, so the receipt clears the tear bar. */
export const TEAR_OFF_FEED_LINES = 4;

/** ESC @ and the character mode: Chinese mode on for GB18030 profiles, else off and the code page selected. */
export function receiptPrologue(profile: PrinterProfile): Uint8Array {
  const parts = [cmd.initialize()];
  if (profile.text.kind === 'gb18030') {
    if (profile.chineseCommands) parts.push(cmd.chineseMode(true));
  } else {
    if (profile.chineseCommands) parts.push(cmd.chineseMode(false));
    parts.push(cmd.codeTable(CODE_PAGES[profile.text.codePage]));
  }
  return concatBytes(parts);
}

class SegmentWriter {
  readonly segments: Uint8Array[] = [];
  private pending: Uint8Array[] = [];
  private style: Style = { ...POWER_ON_STYLE };

  constructor(private readonly profile: PrinterProfile) {}

  add(bytes: Uint8Array): void {
    this.pending.push(bytes);
  }

  end(): void {
    if (this.pending.length === 0) return;
    this.segments.push(concatBytes(this.pending));
    this.pending = [];
  }

  /** Emits only the commands that change something. */
  setStyle(wanted: Partial<Style>): void {
    const next: Style = { ...POWER_ON_STYLE, ...stripUndefined(wanted) };
    const now = this.style;
    if (next.align !== now.align) this.add(cmd.align(next.align));
    if (next.font !== now.font) this.add(cmd.font(next.font));
    if (next.bold !== now.bold) this.add(cmd.bold(next.bold));
    if (next.underline !== now.underline) {
      this.add(cmd.underline(next.underline ? 1 : 0));
      if (this.profile.chineseCommands) this.add(cmd.chineseUnderline(next.underline ? 1 : 0));
    }
    if (next.reverse !== now.reverse) this.add(cmd.reverse(next.reverse));
    if (next.width !== now.width || next.height !== now.height) this.add(cmd.characterSize(next.width, next.height));
    this.style = next;
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

function textStyle(style: TextStyle): Partial<Style> {
  return {
    align: style.align,
    bold: style.bold,
    underline: style.underline,
    reverse: style.reverse,
    font: style.font,
    width: style.width === undefined ? undefined : checkInteger('text width', style.width, 1, 8),
    height: style.height === undefined ? undefined : checkInteger('text height', style.height, 1, 8),
  } as Partial<Style>;
}

/**
 * Lays a receipt out for a printer and encodes it. All text is measured and encoded before
 * anything is returned: a receipt the profile cannot print throws EscPosError and yields nothing.
 */
export function renderReceipt(receipt: Receipt, profile: PrinterProfile, options: RenderOptions = {}): RenderedReceipt {
  const out = new SegmentWriter(profile);
  const policy = options.unencodable ?? 'error';
  const encoding = profile.text;
  const lines = (texts: readonly string[]): void => {
    for (const line of texts) {
      out.add(encodeText(line, encoding, policy));
      out.add(Uint8Array.of(LF));
      out.end();
    }
  };
  const columnsFor = (font: Font | undefined, width: number | undefined): number => {
    const base = profile.columns[font ?? 'A'];
    if (base === undefined) throw new EscPosError('bad_argument', `font must be A or B, got ${String(font)}`);
    return Math.floor(base / (width ?? 1));
  };

  out.add(receiptPrologue(profile));
  out.end();
  if (options.banner !== undefined) {
    out.setStyle({ align: 'center', bold: true });
    lines(wrapParagraphs(options.banner, profile.columns.A, encoding));
  }

  for (const block of receipt.blocks) renderBlock(block);
  out.setStyle({});
  out.end();

  function renderBlock(block: ReceiptBlock): void {
    switch (block.kind) {
      case 'text': {
        const style = textStyle(block);
        out.setStyle(style);
        lines(wrapParagraphs(block.text, columnsFor(block.font, style.width), encoding));
        return;
      }
      case 'row': {
        const style = textStyle({ bold: block.bold, width: block.width, height: block.height, font: block.font });
        out.setStyle(style);
        lines(rowLines(block.left, block.right, columnsFor(block.font, style.width), encoding, block.leader ?? '.'));
        return;
      }
      case 'separator':
        out.setStyle({ font: block.font });
        lines([separatorLine(block.char ?? '-', columnsFor(block.font, 1), encoding)]);
        return;
      case 'qr': {
        if (!profile.qr) throw new EscPosError('unsupported', `${profile.id} cannot print QR codes`);
        const errorLevel = block.errorLevel ?? 'M';
        const data = qrDataBytes(block.data);
        const wanted = checkInteger('QR cell size', block.cellSize ?? DEFAULT_QR_CELL, 1, 16);
        const modules = qrModuleCount(data, errorLevel);
        const cellSize = Math.min(wanted, Math.floor(profile.dotsPerLine / modules));
        if (cellSize < 1) throw new EscPosError('too_wide', `a ${modules}-module QR symbol is wider than ${profile.dotsPerLine} dots`);
        const quiet = Math.min(255, QUIET_MODULES * cellSize);
        out.setStyle({ align: block.align ?? 'center' });
        out.add(cmd.feedDots(quiet));
        out.add(qrCode(data, { cellSize, errorLevel }));
        out.add(cmd.feedDots(quiet));
        out.end();
        return;
      }
      case 'barcode': {
        if (!profile.barcodes.includes(block.symbology)) {
          throw new EscPosError('unsupported', `${profile.id} cannot print ${String(block.symbology)} barcodes`);
        }
        const modules = barcodeModules(block.symbology, block.data, block.codeSet);
        const wanted = checkInteger('barcode module width', block.moduleWidth ?? 2, 2, 6);
        const moduleWidth = Math.min(wanted, Math.floor(profile.dotsPerLine / modules));
        if (moduleWidth < 2) throw new EscPosError('too_wide', `${block.symbology} ${block.data} is ${modules} modules: wider than ${profile.dotsPerLine} dots`);
        out.setStyle({ align: block.align ?? 'center' });
        out.add(cmd.feedDots(BARCODE_MARGIN_DOTS));
        out.add(
          barcode(block.symbology, block.data, {
            moduleWidth,
            ...(block.height !== undefined ? { height: block.height } : {}),
            ...(block.hri !== undefined ? { hri: block.hri } : {}),
            ...(block.codeSet !== undefined ? { codeSet: block.codeSet } : {}),
          }),
        );
        out.add(cmd.feedDots(BARCODE_MARGIN_DOTS));
        out.end();
        return;
      }
      case 'image': {
        if (block.bitmap.width > profile.dotsPerLine) {
          throw new EscPosError('too_wide', `image ${block.bitmap.width} dots wide; ${profile.id} prints ${profile.dotsPerLine}`);
        }
        out.setStyle({ align: block.align ?? 'center' });
        out.end();
        for (const band of rasterImage(block.bitmap)) {
          out.add(band);
          out.end();
        }
        return;
      }
      case 'feed':
        out.add(cmd.feedLines(checkInteger('feed lines', block.lines, 0, 255)));
        out.end();
        return;
      case 'cut': {
        const feedDots = checkInteger('feed before cut', block.feedDots ?? 0, 0, 255);
        const cutter = profile.cutter;
        if (!cutter) {
          out.add(cmd.feedLines(TEAR_OFF_FEED_LINES));
        } else {
          const wanted = block.mode ?? 'partial';
          const mode = cutter[wanted] ? wanted : wanted === 'full' ? 'partial' : 'full';
          out.add(cmd.feedAndCut(mode, feedDots));
        }
        out.end();
        return;
      }
      case 'drawer':
        if (!profile.drawer) throw new EscPosError('unsupported', `${profile.id} has no drawer kick-out connector`);
        out.add(cmd.drawerPulse({ pin: block.pin ?? 2, onMs: block.onMs ?? DEFAULT_DRAWER_PULSE.onMs, offMs: block.offMs ?? DEFAULT_DRAWER_PULSE.offMs }));
        out.end();
        return;
      default:
        throw new EscPosError('bad_argument', `unknown receipt block ${JSON.stringify((block as { kind?: unknown }).kind)}`);
    }
  }

  let byteLength = 0;
  for (const s of out.segments) byteLength += s.length;
  return { segments: out.segments, byteLength };
}

/** The whole receipt as one buffer (files, the twin's renderer, tests). */
export function renderReceiptBytes(receipt: Receipt, profile: PrinterProfile, options: RenderOptions = {}): Uint8Array {
  return concatBytes(renderReceipt(receipt, profile, options).segments);
}
