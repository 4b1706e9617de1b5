import { EscPosError } from './errors.js';
import { charColumns, textColumns, type TextEncoding } from './text-encoding.js';

interface Glyph {
  ch: string;
  columns: 1 | 2;
}

function glyphsOf(text: string, encoding: TextEncoding): Glyph[] {
  const glyphs: Glyph[] = [];
  for (const ch of text) glyphs.push({ ch, columns: charColumns(ch.codePointAt(0)!, encoding) });
  return glyphs;
}

const isSpace = (g: Glyph | undefined): boolean => g !== undefined && g.ch === ' ';
const isWide = (g: Glyph | undefined): boolean => g !== undefined && g.columns === 2;

/** Where a line may be broken before index i: after a space, or next to a wide (CJK) glyph. */
function canBreakBefore(line: readonly Glyph[], i: number): boolean {
  if (i <= 0 || i >= line.length) return false;
  const before = line[i - 1];
  const at = line[i];
  if (isSpace(at)) return false;
  return isSpace(before) || isWide(before) || isWide(at);
}

function lastBreak(line: readonly Glyph[]): number {
  for (let i = line.length - 1; i > 0; i--) if (canBreakBefore(line, i)) return i;
  return -1;
}

function columnsOf(glyphs: readonly Glyph[]): number {
  let n = 0;
  for (const g of glyphs) n += g.columns;
  return n;
}

function trimEnd(glyphs: Glyph[]): Glyph[] {
  let end = glyphs.length;
  while (end > 0 && isSpace(glyphs[end - 1])) end--;
  return glyphs.slice(0, end);
}

function trimStart(glyphs: Glyph[]): Glyph[] {
  let start = 0;
  while (start < glyphs.length && isSpace(glyphs[start])) start++;
  return glyphs.slice(start);
}

const text = (glyphs: readonly Glyph[]): string => glyphs.map((g) => g.ch).join('');

/**
 * Breaks one paragraph into lines of at most `maxColumns`. Latin text breaks at spaces (the space
 * is dropped), CJK between any two glyphs, a word longer than the line is cut hard; a wide glyph
 * is never split and never pushed past the edge. Leading spaces of the paragraph are kept,
 * trailing spaces dropped.
 */
export function wrapText(paragraph: string, maxColumns: number, encoding: TextEncoding): string[] {
  if (!Number.isInteger(maxColumns) || maxColumns < 1) throw new EscPosError('bad_argument', `line width must be at least one column, got ${maxColumns}`);
  const lines: string[] = [];
  let line: Glyph[] = [];
  let width = 0;
  for (const glyph of glyphsOf(paragraph, encoding)) {
    if (glyph.columns > maxColumns) {
      throw new EscPosError('too_wide', `${JSON.stringify(glyph.ch)} is ${glyph.columns} columns; the line holds ${maxColumns} at this size`);
    }
    if (width + glyph.columns > maxColumns) {
      if (isSpace(glyph)) {
        lines.push(text(trimEnd(line)));
        line = [];
        width = 0;
        continue;
      }
      const candidate = [...line, glyph];
      const at = lastBreak(candidate);
      if (at > 0 && at < candidate.length) {
        lines.push(text(trimEnd(candidate.slice(0, at))));
        line = trimStart(candidate.slice(at));
      } else {
        lines.push(text(trimEnd(line)));
        line = [glyph];
      }
      width = columnsOf(line);
      // The carried tail can itself be too long (a long word after a short one): cut it hard.
      while (width > maxColumns) {
        let cut = 0;
        let w = 0;
        while (w + line[cut]!.columns <= maxColumns) w += line[cut++]!.columns;
        lines.push(text(line.slice(0, cut)));
        line = line.slice(cut);
        width = columnsOf(line);
      }
      continue;
    }
    line.push(glyph);
    width += glyph.columns;
  }
  if (line.length > 0 || lines.length === 0) lines.push(text(trimEnd(line)));
  return lines;
}

/** Splits on \n and wraps each paragraph. */
export function wrapParagraphs(body: string, maxColumns: number, encoding: TextEncoding): string[] {
  return body.split('\n').flatMap((paragraph) => wrapText(paragraph, maxColumns, encoding));
}

/**
 * A label and an amount on one line, the amount flush right: `Noodles ........ 12.50`.
 * A long label wraps in the space left of the amount; an amount too wide to share a line goes
 * on its own line, flush right.
 */
export function rowLines(left: string, right: string, maxColumns: number, encoding: TextEncoding, leader = '.'): string[] {
  if ([...leader].length !== 1 || textColumns(leader, encoding) !== 1) {
    throw new EscPosError('bad_argument', `row leader must be one one-column character, got ${JSON.stringify(leader)}`);
  }
  const rightColumns = textColumns(right, encoding);
  if (rightColumns + 2 > maxColumns) {
    const rights = wrapText(right, maxColumns, encoding).map((r) => ' '.repeat(maxColumns - textColumns(r, encoding)) + r);
    return [...(left === '' ? [] : wrapText(left, maxColumns, encoding)), ...rights];
  }
  const lefts = wrapText(left, maxColumns - rightColumns - 1, encoding);
  const last = lefts.pop()!;
  const gap = maxColumns - textColumns(last, encoding) - rightColumns;
  const fill = leader === ' ' || gap < 3 || last === '' ? ' '.repeat(gap) : ` ${leader.repeat(gap - 2)} `;
  return [...lefts, last + fill + right];
}

/** A line of one character across the width. */
export function separatorLine(char: string, maxColumns: number, encoding: TextEncoding): string {
  if ([...char].length !== 1) throw new EscPosError('bad_argument', `separator must be one character, got ${JSON.stringify(char)}`);
  const columns = textColumns(char, encoding);
  if (columns > maxColumns) throw new EscPosError('too_wide', `separator ${JSON.stringify(char)} is wider than the line`);
  return char.repeat(Math.floor(maxColumns / columns));
}
