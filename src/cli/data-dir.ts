import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CliError } from './exit.js';

/** Where the systemd unit keeps posd's configuration (deploy/posd.service). */
export const DEFAULT_CONFIG = '/etc/posd/posd.json';
/** Where the systemd unit keeps posd's data (StateDirectory=posd): used when there is no configuration to ask. */
export const DEFAULT_DATA_DIR = '/var/lib/posd';

/** The one file every posd data directory has. */
const JOURNAL_FILE = 'journal.db';
/** A data directory is looked into this far for a misplaced journal; a bigger folder is not posd's. */
const MAX_ENTRIES = 256;

export interface DataDirOptions {
  dataDir?: string;
  config?: string;
}

/** Reads a posd.json (bin passes the app's loadConfig): the data directory it names, absolute. */
export type ConfigReader = (file: string) => { dataDir: string };

const hasJournal = (dir: string): boolean => existsSync(join(dir, JOURNAL_FILE));
const isDir = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/**
 * The data directory a posctl command works on: --data-dir, else the dataDir of --config (by
 * default /etc/posd/posd.json; without that file, /var/lib/posd when it holds a journal). A directory without a journal that holds exactly one (one folder
 * down, as the demo's .posd-demo/terminal, or named by a posd.json in it) is taken, with a note
 * saying so; several, or none, is a usage error that says where to look.
 */
export function resolveDataDir(
  options: DataDirOptions,
  readConfig: ConfigReader,
  note: (line: string) => void,
  defaults: { config: string; dataDir: string } = { config: DEFAULT_CONFIG, dataDir: DEFAULT_DATA_DIR },
): string {
  let dir: string;
  if (options.dataDir !== undefined) dir = options.dataDir;
  else {
    const file = options.config ?? defaults.config;
    if (!existsSync(file)) {
      if (options.config === undefined && hasJournal(defaults.dataDir)) {
        note(`posctl: no ${file}; using posd's default data directory ${defaults.dataDir}`);
        return defaults.dataDir;
      }
      throw new CliError(`which terminal? give --data-dir DIR (posd's data directory), or --config FILE (${file} does not exist)`);
    }
    dir = readConfig(file).dataDir;
  }
  if (hasJournal(dir)) return dir;
  if (!existsSync(dir)) throw new CliError(`no such directory: ${dir}`);
  if (!isDir(dir)) throw new CliError(`${dir} is a file; --data-dir takes posd's data directory (the folder with ${JOURNAL_FILE})`);

  const found = journalsNear(dir, readConfig);
  if (found.length === 1) {
    const [only] = found;
    note(`posctl: no journal in ${dir}; using ${only!.dir}, ${only!.how}`);
    return only!.dir;
  }
  if (found.length > 1) {
    throw new CliError(`no journal in ${dir}; it holds ${found.length}: ${found.map((f) => f.dir).join(', ')}. Give one as --data-dir.`);
  }
  throw new CliError(`no journal in ${dir}: posd's data directory holds ${JOURNAL_FILE} (the dataDir of its posd.json)`);
}

/** Journals one folder down, and the one a posd.json in the folder names; each once. */
function journalsNear(dir: string, readConfig: ConfigReader): { dir: string; how: string }[] {
  const found = new Map<string, { dir: string; how: string }>();
  const entries = readdirSync(dir, { withFileTypes: true }).slice(0, MAX_ENTRIES);
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && hasJournal(path)) found.set(resolve(path), { dir: path, how: 'the one journal in it' });
  }
  if (entries.some((e) => e.name === 'posd.json' && e.isFile())) {
    try {
      const named = readConfig(join(dir, 'posd.json')).dataDir;
      if (hasJournal(named) && !found.has(resolve(named))) found.set(resolve(named), { dir: named, how: 'the data directory its posd.json names' });
    } catch {
      // A posd.json with mistakes names nothing; posd --config says what is wrong with it.
    }
  }
  return [...found.values()];
}
