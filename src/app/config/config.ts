import type { DevicesConfig } from '../../drivers/registry.js';
import { CodedError } from '../../errors/coded-error.js';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ApiConfigError, parseApiSettings, type ApiSettings } from './api.js';

/**
 * posd's configuration file (JSON). Device URIs are as in docs/hardware.md; the acquirer's
 * URL and public key come from provisioning (until the provisioning flow exists, from here).
 */
export interface PosdConfig {
  dataDir: string;
  /** The product catalogue file (CSV or JSON, docs/catalogue.md); by default catalog.csv or catalog.json in the data directory. */
  catalog?: string;
  merchant: { name: string; city?: string };
  acquirer?: { url: string; publicKey: string };
  /** Each device kind's settings, as the device registry takes them (docs/hardware.md). */
  devices: { -readonly [K in keyof DevicesConfig]: DevicesConfig[K] };
  /** The local API (src/app/config/api.ts); loopback 127.0.0.1:8737 when left out. */
  api?: ApiSettings;
}

export class ConfigError extends CodedError<'bad_config'> {
  override readonly name = 'ConfigError';
  constructor(message: string) {
    super('bad_config', message);
  }
}

type Obj = Record<string, unknown>;

function obj(value: unknown, path: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError(`${path} must be an object`);
  return value as Obj;
}

function str(value: unknown, path: string, re?: RegExp, what?: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new ConfigError(`${path} must be a non-empty string`);
  if (re && !re.test(value)) throw new ConfigError(`${path} must be ${what}`);
  return value;
}

function only(o: Obj, path: string, allowed: readonly string[]): void {
  for (const key of Object.keys(o)) if (!allowed.includes(key)) throw new ConfigError(`${path}.${key} is not a setting (known: ${allowed.join(', ')})`);
}

function device(value: unknown, path: string, extra: readonly string[] = []): Obj & { uri: string } {
  const d = obj(value, path);
  only(d, path, ['uri', ...extra]);
  return { ...d, uri: str(d.uri, `${path}.uri`, /^(serial|hid|sim|gpio):./, 'a device URI (serial:, hid:, sim:, gpio:)') };
}

/** Checks a parsed configuration; relative paths are taken from `baseDir`. */
export function parseConfig(value: unknown, baseDir: string): PosdConfig {
  const c = obj(value, 'config');
  only(c, 'config', ['dataDir', 'catalog', 'merchant', 'acquirer', 'devices', 'api']);
  const merchant = obj(c.merchant ?? { name: 'posd' }, 'merchant');
  only(merchant, 'merchant', ['name', 'city']);
  const devices = obj(c.devices ?? {}, 'devices');
  only(devices, 'devices', ['printer', 'scanner', 'nfc', 'gpio']);
  const config: PosdConfig = {
    dataDir: resolve(baseDir, str(c.dataDir, 'dataDir')),
    ...(c.catalog !== undefined ? { catalog: resolve(baseDir, str(c.catalog, 'catalog')) } : {}),
    merchant: { name: str(merchant.name, 'merchant.name'), ...(merchant.city !== undefined ? { city: str(merchant.city, 'merchant.city') } : {}) },
    devices: {},
    api: apiSettings(c.api, baseDir),
  };
  if (c.acquirer !== undefined) {
    const a = obj(c.acquirer, 'acquirer');
    only(a, 'acquirer', ['url', 'publicKey']);
    config.acquirer = {
      url: str(a.url, 'acquirer.url', /^https?:\/\/./, 'an http(s) URL'),
      publicKey: str(a.publicKey, 'acquirer.publicKey', /^[0-9a-f]{64}$/, '64 lower-case hex digits'),
    };
  }
  if (devices.printer !== undefined) {
    const p = device(devices.printer, 'devices.printer', ['profile']);
    config.devices.printer = { uri: p.uri, ...(p.profile !== undefined ? { profile: str(p.profile, 'devices.printer.profile') } : {}) };
  }
  if (devices.scanner !== undefined) {
    const d = device(devices.scanner, 'devices.scanner', ['mode']);
    const mode = d.mode === undefined ? undefined : str(d.mode, 'devices.scanner.mode', /^(wedge|pos|serial)$/, 'wedge, pos or serial');
    config.devices.scanner = { uri: d.uri, ...(mode ? { mode: mode as 'wedge' | 'pos' | 'serial' } : {}) };
  }
  if (devices.nfc !== undefined) config.devices.nfc = { uri: device(devices.nfc, 'devices.nfc').uri };
  if (devices.gpio !== undefined) {
    const d = device(devices.gpio, 'devices.gpio', ['pins', 'timing']);
    config.devices.gpio = { uri: d.uri, pins: d.pins, ...(d.timing !== undefined ? { timing: d.timing } : {}) };
  }
  return config;
}

function apiSettings(value: unknown, baseDir: string): ApiSettings {
  try {
    return parseApiSettings(value, baseDir);
  } catch (err) {
    throw err instanceof ApiConfigError ? new ConfigError(err.message) : err;
  }
}

export function loadConfig(file: string): PosdConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read ${file}: ${(err as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${file} is not JSON: ${(err as Error).message}`);
  }
  return parseConfig(value, dirname(resolve(file)));
}
