import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { CounterGpio } from '../../../src/drivers/gpio/counter-gpio.js';
import { GpioError } from '../../../src/drivers/gpio/errors.js';
import type { IoPlugin } from '../../../src/drivers/gpio/io-plugin.js';
import { openCounterGpio } from '../../../src/drivers/gpio/open-counter-gpio.js';
import { openIoPlugin, parseGpioUri } from '../../../src/drivers/gpio/open-io-plugin.js';
import { GpioTwin } from '../../../hw-sim/gpio/gpio-twin.js';
import { startSimulatedTerminal } from '../../../hw-sim/terminal/simulated-terminal.js';

/** Stands in for a real plugin's class; remembers what it was constructed with. */
class FakePlugin extends EventEmitter {
  static lastOptions: unknown;
  readonly pins = [];
  constructor(options?: unknown) {
    super();
    FakePlugin.lastOptions = options;
  }
  pinMode(): void {}
  digitalWrite(): void {}
  digitalRead(): void {}
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('GPIO plugin URIs', () => {
  it('names real plugins and twins', () => {
    expect(parseGpioUri('gpio:raspi')).toEqual({ kind: 'real', plugin: 'raspi', uri: 'gpio:raspi' });
    expect(parseGpioUri('gpio:pi-io')).toEqual({ kind: 'real', plugin: 'pi-io', uri: 'gpio:pi-io' });
    expect(parseGpioUri('sim:gpio')).toEqual({ kind: 'sim', name: 'gpio', uri: 'sim:gpio' });
  });

  it.each(['raspi', 'gpio:', 'gpio:wiringpi', 'gpio:constructor', 'serial:/dev/ttyAMA0', 'sim:a b', 'gpio:raspi?x=1'])('rejects %s', (uri) => {
    expect(() => parseGpioUri(uri)).toThrow(expect.objectContaining({ code: 'bad_uri' }));
  });
});

describe('opening a plugin', () => {
  it('says plainly that raspi-io is not installed (it is not a dependency of posd)', async () => {
    const err = await openIoPlugin('gpio:raspi', ['GPIO17']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GpioError);
    expect(err).toMatchObject({ code: 'plugin_missing', message: expect.stringContaining('npm install raspi-io') });
  });

  it('says the same for pi-io', async () => {
    await expect(openIoPlugin('gpio:pi-io', [])).rejects.toMatchObject({ code: 'plugin_missing' });
  });

  it('constructs raspi-io limited to the pins in use (it drives every pin it manages low at start)', async () => {
    const loaded: string[] = [];
    const io = await openIoPlugin('gpio:raspi', ['GPIO17', 'GPIO27'], {
      importPackage: async (name) => {
        loaded.push(name);
        return { RaspiIO: FakePlugin, default: { RaspiIO: FakePlugin } };
      },
    });
    expect(loaded).toEqual(['raspi-io']);
    expect(io).toBeInstanceOf(FakePlugin);
    expect(FakePlugin.lastOptions).toEqual({ includePins: ['GPIO17', 'GPIO27'] });
  });

  it('accepts an older raspi-io whose module is the constructor, and pi-io', async () => {
    expect(await openIoPlugin('gpio:raspi', [], { importPackage: async () => ({ default: FakePlugin }) })).toBeInstanceOf(FakePlugin);
    expect(await openIoPlugin('gpio:pi-io', [], { importPackage: async () => ({ default: FakePlugin }) })).toBeInstanceOf(FakePlugin);
  });

  it('tells a missing dependency of an installed plugin apart from a missing plugin', async () => {
    const missingPigpio = Object.assign(new Error("Cannot find package 'pigpio' imported from /opt/posd/node_modules/pi-io/lib/pi-io.js"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    await expect(
      openIoPlugin('gpio:pi-io', [], {
        importPackage: async () => {
          throw missingPigpio;
        },
      }),
    ).rejects.toMatchObject({ code: 'plugin_failed', message: expect.stringContaining('pigpio') });
  });

  it('reports a plugin that throws while constructing (not a Pi, no permission) as plugin_failed', async () => {
    class Refuses {
      constructor() {
        throw new Error('pigpio: initInitialise: Can not open /dev/mem, did you forget sudo?');
      }
    }
    await expect(openIoPlugin('gpio:raspi', [], { importPackage: async () => ({ RaspiIO: Refuses }) })).rejects.toMatchObject({
      code: 'plugin_failed',
      message: expect.stringContaining('/dev/mem'),
    });
    await expect(openIoPlugin('gpio:raspi', [], { importPackage: async () => ({ RaspiIO: class {} }) })).rejects.toMatchObject({ code: 'plugin_failed' });
    await expect(openIoPlugin('gpio:pi-io', [], { importPackage: async () => ({ default: 42 }) })).rejects.toMatchObject({ code: 'plugin_failed' });
  });

  it('finds a twin by name for sim:NAME, and only a registered one', async () => {
    const twin = new GpioTwin();
    cleanups.push(() => twin.dispose());
    const simPlugins = new Map<string, IoPlugin>([['gpio', twin]]);
    expect(await openIoPlugin('sim:gpio', [], { simPlugins })).toBe(twin);
    await expect(openIoPlugin('sim:counter', [], { simPlugins })).rejects.toMatchObject({ code: 'bad_uri' });
    await expect(openIoPlugin('sim:gpio', [])).rejects.toMatchObject({ code: 'bad_uri' });
  });
});

describe('openCounterGpio (the config section)', () => {
  it('opens, wires and starts the device from config', async () => {
    const terminal = await startSimulatedTerminal({ twins: ['gpio'], acquirer: false, wallets: 0 });
    const gpio = await openCounterGpio(
      {
        uri: terminal.devices.gpio.uri,
        pins: { drawerRelay: 'GPIO17', buzzer: 'GPIO26', drawerSwitch: { pin: 'GPIO22', active: 'low' } },
        timing: { drawerPulseMs: 40 },
      },
      terminal.env,
    );
    cleanups.push(async () => {
      await gpio.stop();
      await terminal.close();
    });
    expect(gpio).toBeInstanceOf(CounterGpio);
    expect(gpio.health().state).toBe('ready');
    expect(gpio.timing.drawerPulseMs).toBe(40);
    expect(await gpio.kickDrawer()).toBe('pulsed');
  });

  it.each([
    [null, 'bad_config'],
    [{ pins: {} }, 'bad_config'],
    [{ uri: 'sim:gpio', pins: { drawer: 17 } }, 'bad_config'],
    [{ uri: 'sim:gpio', pins: {}, timing: { drawerPulseMs: 5000 } }, 'bad_config'],
    [{ uri: 'sim:gpio', pins: {}, colour: 'red' }, 'bad_config'],
    [{ uri: 'usb:gpio', pins: {} }, 'bad_uri'],
  ])('rejects %j with %s before opening anything', async (config, code) => {
    await expect(openCounterGpio(config, { simPlugins: new Map() })).rejects.toMatchObject({ code });
  });
});
