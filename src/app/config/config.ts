import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CodedError } from '../../errors/coded-error.js';
import type { PosdConfigFile } from './schema.js';
import type { ApiSettings } from './sections/api.js';
import type { LogSettings } from './sections/log.js';
import { validateConfig } from './validate.js';
import { ApiConfigError, parseApiSettings } from './api.js';

/**
 * posd's configuration as the terminal is assembled from it: posd.json (schema.ts, docs/config.md)
 * with the merchant and devices sections always present. Device URIs are as in docs/hardware.md;
 * the acquirer's URL and public key come from provisioning (until the provisioning flow exists,
 * from here).
 */
export type PosdConfig = PosdConfigFile & Required<Pick<PosdConfigFile, 'merchant' | 'devices'>>;

/** A configuration read from a file: every default filled in, every path absolute. */
export type LoadedConfig = PosdConfig & { api: ApiSettings; log: LogSettings };

export class ConfigError extends CodedError<'bad_config'> {
  override readonly name = 'ConfigError';
  /** One sentence per mistake, each naming the file and the field. */
  readonly problems: readonly string[];
  constructor(problems: string | readonly string[]) {
    const list = typeof problems === 'string' ? [problems] : problems;
    super('bad_config', list.join('\n'));
    this.problems = list;
  }
}

/**
 * Checks a parsed configuration against the schema and fills in its defaults; relative paths are
 * taken from `baseDir`. `source` names the file in messages. The value given is not changed.
 */
export function parseConfig(value: unknown, baseDir: string, source = 'config'): LoadedConfig {
  const result = validateConfig(structuredClone(value));
  if (!result.ok) throw new ConfigError(result.problems.map((p) => `${source}: ${p}`));
  const config = result.config as LoadedConfig;
  const path = (p: string): string => resolve(baseDir, p);
  try {
    parseApiSettings(config.api, baseDir);
  } catch (err) {
    if (err instanceof ApiConfigError) throw new ConfigError(`${source}: ${err.message}`);
    throw err;
  }
  return {
    ...config,
    dataDir: path(config.dataDir),
    ...(config.catalog !== undefined ? { catalog: path(config.catalog) } : {}),
    api: { ...config.api, ...(config.api.tls ? { tls: { cert: path(config.api.tls.cert), key: path(config.api.tls.key) } } : {}) },
  };
}

export function loadConfig(file: string): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'a directory, not a file' : (err as Error).message;
    throw new ConfigError(`${file}: cannot read the configuration: ${why}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${file}: not valid JSON${jsonErrorPlace(text, (err as Error).message)}: ${(err as Error).message}`);
  }
  return parseConfig(value, dirname(resolve(file)), file);
}

/** " (line L, column C)" from JSON.parse's "at position N", when it says so. */
function jsonErrorPlace(text: string, message: string): string {
  const match = /position (\d+)/.exec(message);
  if (!match) return '';
  const before = text.slice(0, Number(match[1]));
  const line = before.split('\n').length;
  return ` (line ${line}, column ${before.length - before.lastIndexOf('\n')})`;
}
