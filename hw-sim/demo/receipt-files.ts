import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { PaperItem } from '../printer/paper.js';
import { renderPaperPng } from '../printer/paper-png.js';

export interface SavedPrintout {
  file: string;
  warnings: string[];
}

/**
 * Tears the printer twin's paper at each cut and keeps every piece as its own PNG: a receipt as
 * `receipt-<seq>-<time>.png` when posd says it printed receipt `seq`, anything else cut off
 * before it (a report, a reprint) as `printout-<time>.png`.
 */
export class ReceiptFiles {
  private taken = 0;

  constructor(
    private readonly dir: string,
    private readonly paper: () => readonly PaperItem[],
    private readonly dotsPerLine: number,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  /** Saves the pieces cut since the last call; the last one is receipt `seq` (when given). */
  tearOff(seq?: number, now = new Date()): SavedPrintout[] {
    const paper = this.paper();
    const pieces: PaperItem[][] = [];
    let start = this.taken;
    for (let i = this.taken; i < paper.length; i++) {
      if (paper[i]!.kind !== 'cut') continue;
      pieces.push(paper.slice(start, i + 1));
      start = i + 1;
    }
    this.taken = start;
    const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    return pieces.map((items, i) => {
      const isReceipt = seq !== undefined && i === pieces.length - 1;
      const name = isReceipt ? `receipt-${String(seq).padStart(6, '0')}-${stamp}.png` : `printout-${stamp}-${i + 1}.png`;
      const png = renderPaperPng(items, this.dotsPerLine);
      const file = join(this.dir, name);
      writeFileSync(file, withPaperEdges(png.png, png.width, png.height));
      return { file, warnings: png.warnings };
    });
  }
}

/** White paper beside the printable width (a 58 mm roll prints 48 mm): text printed to the last dot no longer looks cut off. */
const EDGE_DOTS = 32;

function withPaperEdges(png: Buffer, width: number, height: number): Buffer {
  const { PNG } = createRequire(import.meta.url)('pngjs') as typeof import('pngjs');
  const printed = PNG.sync.read(png);
  const paper = new PNG({ width: width + 2 * EDGE_DOTS, height });
  paper.data.fill(255);
  for (let y = 0; y < height; y++) printed.data.copy(paper.data, (y * paper.width + EDGE_DOTS) * 4, y * width * 4, (y + 1) * width * 4);
  return PNG.sync.write(paper, { colorType: 0 });
}
