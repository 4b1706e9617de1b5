import { existsSync, readFileSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Catalog, type Product } from '../terminal/catalog/catalog.js';
import { catalogFormatOf, CatalogError, parseCatalog } from '../terminal/catalog/catalog-file.js';
import type { TerminalEventStream } from './events.js';
import type { Logger } from './logger.js';

const MAX_CATALOG_BYTES = 16 * 1024 * 1024;
const RELOAD_DELAY_MS = 250;

/**
 * The catalogue the counter sells from: the file the config names (or catalog.csv / catalog.json
 * in the data directory), reloaded when it changes. A file that cannot be read or parsed is
 * refused with its line and field, and the counter keeps the catalogue it had.
 */
export class CatalogSource {
  private current: Catalog;
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    readonly file: string | null,
    private readonly events: TerminalEventStream,
    private readonly log: Logger,
  ) {
    this.current = new Catalog([]);
  }

  /** Fixed products (the demo, tests): no file, no reloading. */
  static fixed(products: readonly Product[], events: TerminalEventStream, log: Logger): CatalogSource {
    const source = new CatalogSource(null, events, log);
    source.current = new Catalog(products);
    return source;
  }

  static open(configured: string | undefined, dataDir: string, events: TerminalEventStream, log: Logger): CatalogSource {
    const file = configured ?? [join(dataDir, 'catalog.csv'), join(dataDir, 'catalog.json')].find((f) => existsSync(f)) ?? join(dataDir, 'catalog.csv');
    const source = new CatalogSource(file, events, log);
    source.load();
    source.watch();
    return source;
  }

  get catalog(): Catalog {
    return this.current;
  }

  close(): void {
    clearTimeout(this.timer);
    this.watcher?.close();
  }

  /** Reads the file now; returns whether it was taken. */
  load(): boolean {
    const file = this.file;
    if (!file) return true;
    if (!existsSync(file)) {
      this.log.warn({ file }, 'no product catalogue: scanned products are refused until the file exists (docs/catalogue.md)');
      return false;
    }
    try {
      const text = readFileSync(file, 'utf8');
      if (text.length > MAX_CATALOG_BYTES) throw new CatalogError('the file', undefined, `is larger than ${MAX_CATALOG_BYTES} bytes`);
      this.current = new Catalog(parseCatalog(text, catalogFormatOf(file)));
      this.log.info({ file, products: this.current.size }, 'product catalogue loaded');
      this.events.emit('catalog.loaded', { file, products: this.current.size });
      return true;
    } catch (err) {
      const message = err instanceof CatalogError ? err.message : `cannot read: ${(err as Error).message}`;
      this.log.error({ file, err: message }, 'product catalogue refused; still selling from the one loaded before');
      this.events.emit('catalog.refused', { file, message });
      return false;
    }
  }

  private watch(): void {
    const file = this.file!;
    try {
      // The directory, not the file: editors and deploy tools replace files by renaming.
      this.watcher = watch(dirname(file), (_event, name) => {
        if (name !== basename(file)) return;
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.load(), RELOAD_DELAY_MS);
      });
      this.watcher.on('error', () => undefined);
    } catch (err) {
      this.log.warn({ file, err: (err as Error).message }, 'cannot watch the product catalogue; changes apply at the next start');
    }
  }
}
