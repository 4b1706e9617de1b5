import { GpioError } from './errors.js';
import type { IoPlugin } from './io-plugin.js';
import type { PinId } from './pin-map.js';

/**
 * Which IO plugin drives the pins, named in config:
 *   gpio:raspi    raspi-io (npm), Raspberry Pi GPIO through the pigpio C library
 *   gpio:pi-io    pi-io (npm), likewise, on fivdi's linux-io + pigpio
 *   sim:NAME      an in-process hw-sim twin registered under NAME (sim:gpio by convention)
 * Real plugins are not dependencies of posd: install the one you use on the terminal. They are
 * imported only when named, so a terminal without GPIO never loads them.
 */
export type GpioPluginUri = { kind: 'real'; plugin: RealPluginName; uri: string } | { kind: 'sim'; name: string; uri: string };

export type RealPluginName = 'raspi' | 'pi-io';

export interface GpioEnvironment {
  /** Twins in this process, for `sim:NAME`. */
  simPlugins?: ReadonlyMap<string, IoPlugin>;
  /** Loads a real plugin's package; default is a dynamic import from posd's node_modules. Tests replace it. */
  importPackage?: (packageName: string) => Promise<unknown>;
}

interface RealPlugin {
  packageName: string;
  make(module: Record<string, unknown>, pins: readonly PinId[]): unknown;
}

type PluginConstructor = new (...args: unknown[]) => unknown;

const REAL_PLUGINS: Record<RealPluginName, RealPlugin> = {
  raspi: {
    packageName: 'raspi-io',
    // raspi-io >= 10 exports { RaspiIO }; older versions export the constructor itself.
    // includePins: raspi-io (through j5-io) drives every output-capable pin it manages LOW when
    // constructed, so it must manage only ours.
    make: (module, pins) => new (constructorOf(module, 'RaspiIO', 'raspi-io'))({ includePins: [...pins] }),
  },
  'pi-io': {
    packageName: 'pi-io',
    make: (module) => new (constructorOf(module, undefined, 'pi-io'))(),
  },
};

export function parseGpioUri(uri: string): GpioPluginUri {
  const match = /^(gpio|sim):([A-Za-z0-9][A-Za-z0-9._-]*)$/.exec(uri);
  if (!match) throw new GpioError('bad_uri', `GPIO URI ${JSON.stringify(uri)}: expected gpio:raspi, gpio:pi-io or sim:NAME`);
  const [, scheme, name] = match as unknown as [string, string, string];
  if (scheme === 'sim') return { kind: 'sim', name, uri };
  if (!Object.hasOwn(REAL_PLUGINS, name)) {
    throw new GpioError('bad_uri', `GPIO URI ${JSON.stringify(uri)}: unknown IO plugin ${JSON.stringify(name)} (${Object.keys(REAL_PLUGINS).map((n) => `gpio:${n}`).join(', ')})`);
  }
  return { kind: 'real', plugin: name as RealPluginName, uri };
}

/** Makes the IO plugin a URI names. `pins` are the pins the device will use (plugins that can be limited to them are). */
export async function openIoPlugin(uri: string, pins: readonly PinId[], env: GpioEnvironment = {}): Promise<IoPlugin> {
  const parsed = parseGpioUri(uri);
  if (parsed.kind === 'sim') {
    const twin = env.simPlugins?.get(parsed.name);
    if (!twin) throw new GpioError('bad_uri', `${uri}: no simulated GPIO board named ${JSON.stringify(parsed.name)} in this process`);
    return twin;
  }
  const plugin = REAL_PLUGINS[parsed.plugin];
  const importPackage = env.importPackage ?? ((name: string): Promise<unknown> => import(name));
  let module: unknown;
  try {
    module = await importPackage(plugin.packageName);
  } catch (err) {
    if (isMissingPackage(err, plugin.packageName)) {
      throw new GpioError(
        'plugin_missing',
        `${uri} needs the npm package ${plugin.packageName}, which is not installed. posd does not depend on it: ` +
          `install it on the terminal (npm install ${plugin.packageName}) and see docs/devices/gpio.md`,
        { cause: err },
      );
    }
    throw new GpioError('plugin_failed', `${uri}: loading ${plugin.packageName} failed: ${(err as Error).message}`, { cause: err });
  }
  let io: unknown;
  try {
    io = plugin.make(module as Record<string, unknown>, pins);
  } catch (err) {
    throw new GpioError('plugin_failed', `${uri}: ${plugin.packageName} could not start: ${(err as Error).message}`, { cause: err });
  }
  if (!looksLikeIoPlugin(io)) throw new GpioError('plugin_failed', `${uri}: ${plugin.packageName} did not make an IO plugin`);
  return io;
}

function constructorOf(module: Record<string, unknown>, exportName: string | undefined, packageName: string): PluginConstructor {
  const fallback = module.default as Record<string, unknown> | PluginConstructor | undefined;
  const candidates: unknown[] = exportName
    ? [module[exportName], typeof fallback === 'object' || typeof fallback === 'function' ? (fallback as Record<string, unknown>)[exportName] : undefined, fallback]
    : [fallback, module];
  const found = candidates.find((c) => typeof c === 'function');
  if (!found) throw new Error(`${packageName} exports no IO plugin constructor`);
  return found as PluginConstructor;
}

function isMissingPackage(err: unknown, packageName: string): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as Error & { code?: unknown }).code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false;
  // Only the package itself: a missing dependency of an installed plugin is a different problem.
  return err.message.includes(`'${packageName}'`);
}

function looksLikeIoPlugin(io: unknown): io is IoPlugin {
  if (typeof io !== 'object' || io === null) return false;
  const candidate = io as Record<string, unknown>;
  return ['pinMode', 'digitalWrite', 'digitalRead', 'on', 'once', 'off', 'emit'].every((m) => typeof candidate[m] === 'function') && Array.isArray(candidate.pins);
}
