import { CodedError } from '../../errors/coded-error.js';
import { DEFAULT_ASSETS, MAX_RECORD_AMOUNT, type AssetInfo } from '../../protocol/assets.js';
import { checkGtin, PRODUCT_LENGTHS } from '../scan-classification/gtin.js';
import { product, type Product } from './catalog.js';

/**
 * The product catalogue file (docs/catalogue.md): CSV with the header
 * `gtin,name_zh,name_en,price,asset` (asset optional, CNY by default), or JSON, an array of
 * `{ "gtin", "nameZh", "nameEn", "price", "asset" }`. Prices are decimal amounts in major units
 * ("3.50"). Anything wrong is a CatalogError naming the line (CSV) or entry (JSON) and the field.
 */
export class CatalogError extends CodedError<'bad_catalog'> {
  override readonly name = 'CatalogError';
  constructor(
    readonly where: string,
    readonly field: string | undefined,
    message: string,
  ) {
    super('bad_catalog', `${where}${field ? `, ${field}` : ''}: ${message}`);
  }
}

export const MAX_CATALOG_PRODUCTS = 100_000;
const MAX_NAME = 64;

export function parseCatalog(text: string, format: 'csv' | 'json', assets: readonly AssetInfo[] = DEFAULT_ASSETS): Product[] {
  return format === 'json' ? parseJson(text, assets) : parseCsv(text, assets);
}

export function catalogFormatOf(file: string): 'csv' | 'json' {
  return file.toLowerCase().endsWith('.json') ? 'json' : 'csv';
}

interface Entry {
  gtin: unknown;
  nameZh: unknown;
  nameEn: unknown;
  price: unknown;
  asset: unknown;
}

function parseJson(text: string, assets: readonly AssetInfo[]): Product[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new CatalogError('the file', undefined, `is not JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(value)) throw new CatalogError('the file', undefined, 'must be a JSON array of products');
  if (value.length > MAX_CATALOG_PRODUCTS) throw new CatalogError('the file', undefined, `has more than ${MAX_CATALOG_PRODUCTS} products`);
  return collect(
    value.map((entry, i) => {
      const where = `entry ${i + 1}`;
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new CatalogError(where, undefined, 'must be an object');
      for (const key of Object.keys(entry)) {
        if (!['gtin', 'nameZh', 'nameEn', 'price', 'asset'].includes(key)) throw new CatalogError(where, key, 'is not a product field (gtin, nameZh, nameEn, price, asset)');
      }
      return { where, entry: entry as Entry };
    }),
    assets,
  );
}

function parseCsv(text: string, assets: readonly AssetInfo[]): Product[] {
  const rows = csvRows(text);
  const header = rows.shift();
  if (!header) throw new CatalogError('line 1', undefined, 'the file is empty: it needs the header gtin,name_zh,name_en,price,asset');
  const columns = header.cells.map((c) => c.trim().toLowerCase());
  for (const required of ['gtin', 'price']) {
    if (!columns.includes(required)) throw new CatalogError(`line ${header.line}`, required, 'the header lacks this column (gtin,name_zh,name_en,price,asset)');
  }
  for (const column of columns) {
    if (!['gtin', 'name_zh', 'name_en', 'price', 'asset'].includes(column)) throw new CatalogError(`line ${header.line}`, column, 'is not a catalogue column (gtin,name_zh,name_en,price,asset)');
  }
  if (rows.length > MAX_CATALOG_PRODUCTS) throw new CatalogError('the file', undefined, `has more than ${MAX_CATALOG_PRODUCTS} products`);
  const cell = (cells: string[], name: string): string | undefined => {
    const at = columns.indexOf(name);
    return at < 0 ? undefined : cells[at];
  };
  return collect(
    rows.map((row) => {
      const where = `line ${row.line}`;
      if (row.cells.length !== columns.length) throw new CatalogError(where, undefined, `has ${row.cells.length} fields, the header ${columns.length}`);
      return {
        where,
        entry: { gtin: cell(row.cells, 'gtin'), nameZh: cell(row.cells, 'name_zh'), nameEn: cell(row.cells, 'name_en'), price: cell(row.cells, 'price'), asset: cell(row.cells, 'asset') || undefined },
      };
    }),
    assets,
  );
}

function collect(entries: { where: string; entry: Entry }[], assets: readonly AssetInfo[]): Product[] {
  const seen = new Map<string, string>();
  return entries.map(({ where, entry }) => {
    const p = toProduct(where, entry, assets);
    const earlier = seen.get(p.gtin);
    if (earlier) throw new CatalogError(where, 'gtin', `${p.gtin} is already listed at ${earlier}`);
    seen.set(p.gtin, where);
    return p;
  });
}

function toProduct(where: string, entry: Entry, assets: readonly AssetInfo[]): Product {
  const gtin = typeof entry.gtin === 'string' ? entry.gtin.trim() : '';
  if (!/^\d+$/.test(gtin) || PRODUCT_LENGTHS[gtin.length] === undefined) throw new CatalogError(where, 'gtin', `${JSON.stringify(entry.gtin)} is not an EAN-13, EAN-8 or UPC-A number`);
  const check = checkGtin(gtin);
  if (!check.valid) throw new CatalogError(where, 'gtin', `${gtin} has check digit ${check.found}, it should be ${check.expected}`);
  const assetCode = entry.asset === undefined ? 'CNY' : entry.asset;
  const asset = assets.find((a) => a.code === assetCode);
  if (!asset) throw new CatalogError(where, 'asset', `${JSON.stringify(assetCode)} is not an asset this terminal takes (${assets.map((a) => a.code).join(', ')})`);
  const names = { zh: nameOf(where, 'nameZh', entry.nameZh), en: nameOf(where, 'nameEn', entry.nameEn) };
  if (!names.zh && !names.en) throw new CatalogError(where, 'name', 'a product needs a Chinese or an English name');
  return product(gtin, { ...(names.zh ? { zh: names.zh } : {}), ...(names.en ? { en: names.en } : {}) }, priceOf(where, entry.price, asset), asset.code);
}

function nameOf(where: string, field: string, value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new CatalogError(where, field, 'must be text');
  const name = value.trim();
  if ([...name].length > MAX_NAME) throw new CatalogError(where, field, `is longer than ${MAX_NAME} characters`);
  if (/[\u0000-\u001f\u007f]/.test(name)) throw new CatalogError(where, field, 'holds a control character');
  return name || undefined;
}

/** "3.50" in major units of the asset, to minor units; at most the asset's decimals, positive, bounded. */
function priceOf(where: string, value: unknown, asset: AssetInfo): number {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  const match = /^(\d{1,10})(?:\.(\d+))?$/.exec(text);
  if (!match) throw new CatalogError(where, 'price', `${JSON.stringify(value)} is not a price such as 3.50`);
  const fraction = match[2] ?? '';
  if (fraction.length > asset.exponent) throw new CatalogError(where, 'price', `${text} has more than ${asset.exponent} decimals for ${asset.code}`);
  const minor = Number(match[1]) * 10 ** asset.exponent + Number(fraction.padEnd(asset.exponent, '0') || '0');
  if (minor <= 0 || minor > MAX_RECORD_AMOUNT) throw new CatalogError(where, 'price', `${text} must be above zero and at most ${MAX_RECORD_AMOUNT / 10 ** asset.exponent}`);
  return minor;
}

/** RFC 4180 rows: quoted fields may hold commas, quotes ("") and line breaks. Blank lines and lines starting with # are skipped. */
function csvRows(text: string): { line: number; cells: string[] }[] {
  const rows: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let touched = false;
  const input = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const endRow = (): void => {
    cells.push(cell);
    const blank = cells.length === 1 && cells[0] === '' && !touched;
    if (!blank && !cells[0]!.startsWith('#')) rows.push({ line: rowLine, cells });
    cells = [];
    cell = '';
    touched = false;
  };
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (quoted) {
      if (c === '"' && input[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        cell += c;
      }
      continue;
    }
    if (c === '"' && cell === '') {
      quoted = true;
      touched = true;
    } else if (c === ',') {
      cells.push(cell);
      cell = '';
      touched = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && input[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else cell += c;
  }
  if (quoted) throw new CatalogError(`line ${rowLine}`, undefined, 'a quoted field is never closed');
  if (cell !== '' || cells.length > 0) endRow();
  return rows;
}
