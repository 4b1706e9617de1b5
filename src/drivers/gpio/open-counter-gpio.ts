import { CounterGpio, type IoPluginOpener } from './counter-gpio.js';
import { GpioError } from './errors.js';
import type { IoPlugin } from './io-plugin.js';
import { openIoPlugin, parseGpioUri, type GpioEnvironment } from './open-io-plugin.js';
import { parsePinMap, pinsInUse, type GpioPinMap } from './pin-map.js';
import { parseGpioTiming, type GpioTiming } from './timing.js';

/** The `gpio` section of posd's config, checked. */
export interface GpioSettings {
  uri: string;
  pins: GpioPinMap;
  timing: GpioTiming;
}

/**
 * Reads the `gpio` section of posd's config:
 *   { "uri": "gpio:raspi", "pins": { "drawerRelay": "GPIO17", ... }, "timing": { "drawerPulseMs": 120 } }
 * Throws GpioError('bad_config' | 'bad_uri') naming what is wrong.
 */
export function parseGpioSettings(config: unknown): GpioSettings {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new GpioError('bad_config', 'gpio: expected { uri, pins, timing? }');
  const { uri, pins: rawPins, timing: rawTiming, ...rest } = config as Record<string, unknown>;
  const unknownKey = Object.keys(rest)[0];
  if (unknownKey !== undefined) throw new GpioError('bad_config', `gpio: unknown key ${JSON.stringify(unknownKey)} (uri, pins, timing)`);
  if (typeof uri !== 'string') throw new GpioError('bad_config', 'gpio.uri: expected a string such as "gpio:raspi" or "sim:gpio"');
  const pins = parsePinMap(rawPins);
  const timing = parseGpioTiming(rawTiming ?? {});
  parseGpioUri(uri);
  return { uri, pins, timing };
}

/**
 * Makes the device (not started) from the config section. A simulated plugin is looked up now
 * (a missing twin is a config error); a real one is loaded when the device starts, so a plugin
 * that cannot load shows as the device's failed health, with the reason.
 */
export async function createCounterGpio(config: unknown, env: GpioEnvironment = {}): Promise<CounterGpio> {
  const { uri, pins, timing } = parseGpioSettings(config);
  const io: IoPlugin | IoPluginOpener =
    parseGpioUri(uri).kind === 'sim' ? await openIoPlugin(uri, pinsInUse(pins), env) : () => openIoPlugin(uri, pinsInUse(pins), env);
  return new CounterGpio({ io, pins, timing, uri });
}

/** createCounterGpio, started; resolves once ready, rejects with the GpioError that failed it. */
export async function openCounterGpio(config: unknown, env: GpioEnvironment = {}): Promise<CounterGpio> {
  const device = await createCounterGpio(config, env);
  await device.start();
  return device;
}
