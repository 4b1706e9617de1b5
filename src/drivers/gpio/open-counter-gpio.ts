import { CounterGpio } from './counter-gpio.js';
import { GpioError } from './errors.js';
import { openIoPlugin, type GpioEnvironment } from './open-io-plugin.js';
import { parsePinMap, pinsInUse } from './pin-map.js';
import { parseGpioTiming } from './timing.js';

/**
 * The `gpio` section of posd's config:
 *   { "uri": "gpio:raspi", "pins": { "drawerRelay": "GPIO17", ... }, "timing": { "drawerPulseMs": 120 } }
 * Makes the plugin and the device and starts it; rejects with a GpioError naming what is wrong.
 */
export async function openCounterGpio(config: unknown, env: GpioEnvironment = {}): Promise<CounterGpio> {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new GpioError('bad_config', 'gpio: expected { uri, pins, timing? }');
  const { uri, pins: rawPins, timing: rawTiming, ...rest } = config as Record<string, unknown>;
  const unknownKey = Object.keys(rest)[0];
  if (unknownKey !== undefined) throw new GpioError('bad_config', `gpio: unknown key ${JSON.stringify(unknownKey)} (uri, pins, timing)`);
  if (typeof uri !== 'string') throw new GpioError('bad_config', 'gpio.uri: expected a string such as "gpio:raspi" or "sim:gpio"');
  const pins = parsePinMap(rawPins);
  const timing = parseGpioTiming(rawTiming ?? {});
  const io = await openIoPlugin(uri, pinsInUse(pins), env);
  const device = new CounterGpio({ io, pins, timing });
  await device.start();
  return device;
}
