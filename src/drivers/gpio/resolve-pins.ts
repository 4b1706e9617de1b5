import { GpioError } from './errors.js';
import type { IoPlugin } from './io-plugin.js';
import type { J5Pins } from './johnny-five.js';
import type { LineName, PinId } from './pin-map.js';

/**
 * Turns configured pin ids into the plugin's pin indices, as johnny-five does: through the
 * plugin's normalize() when it has one (raspi-io maps "GPIO17", "P1-11" and WiringPi numbers),
 * else numbers are indices. Checks each pin offers the mode its line needs and that no two
 * lines land on the same pin under different names.
 */
export function resolvePins(
  io: IoPlugin,
  pins: J5Pins,
  wanted: readonly { line: LineName; id: PinId; direction: 'output' | 'input' }[],
): Map<LineName, number> {
  const resolved = new Map<LineName, number>();
  const owner = new Map<number, LineName>();
  for (const { line, id, direction } of wanted) {
    const index = normalize(io, line, id);
    const supported = direction === 'output' ? pins.isOutput(index) : pins.isInput(index);
    if (!supported) {
      throw new GpioError('pin_unsupported', `${line}: pin ${JSON.stringify(id)} (index ${index}) of IO plugin ${io.name} does not support ${direction.toUpperCase()}`);
    }
    const other = owner.get(index);
    if (other) throw new GpioError('bad_config', `${line} and ${other} are the same pin (index ${index})`);
    owner.set(index, line);
    resolved.set(line, index);
  }
  return resolved;
}

function normalize(io: IoPlugin, line: LineName, id: PinId): number {
  let index: unknown;
  if (io.normalize) {
    try {
      index = io.normalize(id);
    } catch (err) {
      throw new GpioError('pin_unsupported', `${line}: IO plugin ${io.name} does not know pin ${JSON.stringify(id)}`, { cause: err });
    }
  } else if (typeof id === 'number') {
    index = id;
  } else {
    throw new GpioError('bad_config', `${line}: IO plugin ${io.name} has no pin names; give pin ${JSON.stringify(id)} as a number`);
  }
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= io.pins.length) {
    throw new GpioError('pin_unsupported', `${line}: IO plugin ${io.name} has no pin ${JSON.stringify(id)}`);
  }
  return index;
}
