import { DEVICE_KINDS, DeviceError, type DeviceKind } from './device.js';
import type { CounterGpio } from './gpio/counter-gpio.js';
import type { GpioEnvironment } from './gpio/open-io-plugin.js';
import { parseGpioUri } from './gpio/open-io-plugin.js';
import type { NfcReader } from './nfc/nfc-reader.js';
import type { EscPosPrinter } from './printer/escpos-printer.js';
import type { ScannerMode } from './scanner/config.js';
import type { Scanner } from './scanner/scanner.js';
import type { LinkEnvironment } from './transport/open-link.js';
import { parseDeviceUri, type DeviceUri } from './transport/uri.js';

/**
 * The device registry: which driver makes which kind of device from which URIs. A caller loops
 * over its config and calls createDevice for each entry; drivers are imported only when a device
 * of theirs is made, so start-up pays only for the devices configured.
 */

/** The settings of each kind of device, as posd's config names them. */
export interface DeviceSettings {
  /** `profile`: a printer profile id (generic-58-zh by default; see escpos/profiles.ts). */
  printer: { uri: string; profile?: string };
  /** `mode`: wedge, pos or serial; by default as the URI implies (hid: wedge, ?mode=pos, serial: serial). */
  scanner: { uri: string; mode?: ScannerMode };
  nfc: { uri: string };
  /** `pins` and `timing` as docs/devices/gpio.md describes them. */
  gpio: { uri: string; pins: unknown; timing?: unknown };
}

/** What createDevice makes for each kind. */
export interface DeviceTypes {
  printer: EscPosPrinter;
  scanner: Scanner;
  nfc: NfcReader;
  gpio: CounterGpio;
}

export type AnyDevice = DeviceTypes[DeviceKind];

/** Where devices live besides real hardware (simulator buses, twins) and test overrides. */
export type DeviceEnvironment = LinkEnvironment & GpioEnvironment;

/** A config's devices section: any subset of the kinds. */
export type DevicesConfig = { readonly [K in DeviceKind]?: DeviceSettings[K] };

interface DeviceFactory<K extends DeviceKind> {
  /** URI schemes the driver takes, for messages. */
  readonly schemes: readonly string[];
  /** The keys its settings may have. */
  readonly keys: readonly string[];
  supports(uri: string): boolean;
  create(settings: DeviceSettings[K], env: DeviceEnvironment): Promise<DeviceTypes[K]>;
}

function linkUri(uri: string): DeviceUri | undefined {
  try {
    return parseDeviceUri(uri);
  } catch {
    return undefined;
  }
}

const isHidSim = (parsed: DeviceUri): boolean => parsed.scheme === 'sim' && parsed.options.transport === 'hid';

/** A serial line (or its twin): printer and NFC reader. */
function serialOnly(uri: string): boolean {
  const parsed = linkUri(uri);
  return parsed !== undefined && (parsed.scheme === 'serial' || (parsed.scheme === 'sim' && !isHidSim(parsed)));
}

const FACTORIES: { readonly [K in DeviceKind]: DeviceFactory<K> } = {
  printer: {
    schemes: ['serial:', 'sim:'],
    keys: ['uri', 'profile'],
    supports: serialOnly,
    async create(settings, env) {
      const [{ EscPosPrinter }, { GENERIC_58_ZH, profileById }] = await Promise.all([import('./printer/escpos-printer.js'), import('./escpos/profiles.js')]);
      const profile = settings.profile === undefined ? GENERIC_58_ZH : profileById(settings.profile);
      return EscPosPrinter.open(settings.uri, env, { profile });
    },
  },
  scanner: {
    schemes: ['serial:', 'hid:', 'sim:'],
    keys: ['uri', 'mode'],
    supports: (uri) => linkUri(uri) !== undefined,
    async create(settings, env) {
      const [{ Scanner }, { scannerModeOf }] = await Promise.all([import('./scanner/scanner.js'), import('./scanner/config.js')]);
      const mode = scannerModeOf(settings.uri, settings.mode);
      return Scanner.open(settings.uri, env, { mode });
    },
  },
  nfc: {
    schemes: ['serial:', 'sim:'],
    keys: ['uri'],
    supports: serialOnly,
    async create(settings, env) {
      const { NfcReader } = await import('./nfc/nfc-reader.js');
      return NfcReader.open(settings.uri, env);
    },
  },
  gpio: {
    schemes: ['gpio:', 'sim:'],
    keys: ['uri', 'pins', 'timing'],
    supports(uri) {
      try {
        parseGpioUri(uri);
        return true;
      } catch {
        return false;
      }
    },
    async create(settings, env) {
      const { createCounterGpio } = await import('./gpio/open-counter-gpio.js');
      return createCounterGpio(settings, env);
    },
  },
};

export function isDeviceKind(kind: unknown): kind is DeviceKind {
  return typeof kind === 'string' && (DEVICE_KINDS as readonly string[]).includes(kind);
}

/** Whether a driver of `kind` takes `uri` (without importing the driver or touching the device). */
export function supported(kind: string, uri: string): boolean {
  return isDeviceKind(kind) && typeof uri === 'string' && FACTORIES[kind].supports(uri);
}

/**
 * Makes the device `settings` describe, not started. Rejects with DeviceError: `unknown_kind`,
 * `unsupported_uri` (naming the schemes the kind takes) or `bad_settings`; with the driver's own
 * typed error for settings it refuses (an unknown printer profile, a bad pin map). A device that
 * is absent is no error here: it shows in the device's health once started.
 */
export async function createDevice<K extends DeviceKind>(kind: K, settings: DeviceSettings[K], env: DeviceEnvironment = {}): Promise<DeviceTypes[K]> {
  if (!isDeviceKind(kind)) throw new DeviceError('unknown_kind', `no driver for devices of kind ${JSON.stringify(kind)} (${DEVICE_KINDS.join(', ')})`);
  const factory: DeviceFactory<K> = FACTORIES[kind];
  checkSettings(kind, settings, factory.keys);
  if (!factory.supports(settings.uri)) {
    throw new DeviceError('unsupported_uri', `${kind}: no driver takes ${JSON.stringify(settings.uri)} (a ${kind} is named by ${factory.schemes.join(', ')})`);
  }
  return factory.create(settings, env);
}

/** Makes every device a config's devices section names, not started; kinds it leaves out stay out. */
export async function createDevices(config: DevicesConfig, env: DeviceEnvironment = {}): Promise<Partial<DeviceTypes>> {
  for (const kind of Object.keys(config)) {
    if (!isDeviceKind(kind)) throw new DeviceError('unknown_kind', `no driver for devices of kind ${JSON.stringify(kind)} (${DEVICE_KINDS.join(', ')})`);
  }
  const made: Partial<Record<DeviceKind, AnyDevice>> = {};
  for (const kind of DEVICE_KINDS) {
    const settings = config[kind];
    if (settings !== undefined) made[kind] = await createDevice(kind, settings, env);
  }
  return made as Partial<DeviceTypes>;
}

function checkSettings(kind: DeviceKind, settings: unknown, keys: readonly string[]): asserts settings is { uri: string } {
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) {
    throw new DeviceError('bad_settings', `${kind}: settings must be an object such as { "uri": ... }`);
  }
  const record = settings as Record<string, unknown>;
  if (typeof record.uri !== 'string' || record.uri.length === 0) throw new DeviceError('bad_settings', `${kind}.uri: expected a device URI`);
  for (const key of Object.keys(record)) {
    if (!keys.includes(key)) throw new DeviceError('bad_settings', `${kind}.${key} is not a setting (known: ${keys.join(', ')})`);
  }
  for (const key of ['profile', 'mode'] as const) {
    if (keys.includes(key) && record[key] !== undefined && typeof record[key] !== 'string') {
      throw new DeviceError('bad_settings', `${kind}.${key}: expected a string`);
    }
  }
}
