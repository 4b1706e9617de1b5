import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { DeviceError } from '../../src/drivers/device.js';
import { CounterGpio } from '../../src/drivers/gpio/counter-gpio.js';
import { NfcReader } from '../../src/drivers/nfc/nfc-reader.js';
import { EscPosPrinter } from '../../src/drivers/printer/escpos-printer.js';
import { createDevice, createDevices, supported, type DeviceSettings } from '../../src/drivers/registry.js';
import { Scanner } from '../../src/drivers/scanner/scanner.js';
import { SimBus } from '../../src/drivers/transport/sim-bus.js';
import { SimHidBus } from '../../src/drivers/transport/sim-hid-bus.js';
import { GpioTwin } from '../../hw-sim/gpio/gpio-twin.js';

const run = promisify(execFile);
const twins: GpioTwin[] = [];
afterEach(() => {
  for (const twin of twins.splice(0)) twin.dispose();
});

describe('supported(kind, uri)', () => {
  it.each([
    ['printer', 'serial:/dev/serial/by-id/usb-1fc9_2016-if00?baud=19200', true],
    ['printer', 'sim:printer', true],
    ['printer', 'hid:0c2e:0b61', false],
    ['printer', 'sim:printer?transport=hid', false],
    ['printer', 'gpio:raspi', false],
    ['scanner', 'hid:0c2e:0b61?mode=pos', true],
    ['scanner', 'hid:/dev/hidraw3', true],
    ['scanner', 'serial:/dev/ttyACM0', true],
    ['scanner', 'sim:scanner?transport=hid', true],
    ['scanner', 'hid:not-an-id', false],
    ['nfc', 'serial:/dev/serial0?baud=115200', true],
    ['nfc', 'sim:nfc', true],
    ['nfc', 'hid:072f:2200', false],
    ['gpio', 'gpio:raspi', true],
    ['gpio', 'gpio:pi-io', true],
    ['gpio', 'sim:gpio', true],
    ['gpio', 'gpio:arduino', false],
    ['gpio', 'serial:/dev/ttyUSB0', false],
    ['display', 'serial:/dev/ttyUSB0', false],
    ['printer', 'serial:', false],
    ['printer', '/dev/ttyUSB0', false],
  ])('%s at %s: %s', (kind, uri, expected) => {
    expect(supported(kind, uri)).toBe(expected);
  });
});

describe('createDevice', () => {
  it('makes each kind from its settings, unstarted', async () => {
    const simBus = new SimBus();
    const simHidBus = new SimHidBus();
    const twin = new GpioTwin();
    twins.push(twin);
    const env = { simBus, simHidBus, simPlugins: new Map([['gpio', twin]]) };
    const printer = await createDevice('printer', { uri: 'sim:printer', profile: 'generic-80' }, env);
    expect(printer).toBeInstanceOf(EscPosPrinter);
    expect(printer.profile.id).toBe('generic-80');
    const scanner = await createDevice('scanner', { uri: 'sim:scanner?transport=hid' }, env);
    expect(scanner).toBeInstanceOf(Scanner);
    expect(scanner.mode).toBe('wedge');
    const nfc = await createDevice('nfc', { uri: 'sim:nfc' }, env);
    expect(nfc).toBeInstanceOf(NfcReader);
    const gpio = await createDevice('gpio', { uri: 'sim:gpio', pins: { buzzer: 'GPIO26' }, timing: { buzzerGapMs: 10 } }, env);
    expect(gpio).toBeInstanceOf(CounterGpio);
    expect(gpio.timing.buzzerGapMs).toBe(10);
    for (const device of [printer, scanner, nfc, gpio]) {
      expect(device.health().state).toBe('stopped');
      expect(typeof device.uri).toBe('string');
    }
    expect([printer.kind, scanner.kind, nfc.kind, gpio.kind]).toEqual(['printer', 'scanner', 'nfc', 'gpio']);
    expect(printer.profile.id).toBe('generic-80');
  });

  it('defaults the printer profile to generic-58-zh', async () => {
    const printer = await createDevice('printer', { uri: 'sim:printer' }, { simBus: new SimBus() });
    expect(printer.profile.id).toBe('generic-58-zh');
  });

  it('an unknown kind is a DeviceError naming it', async () => {
    const made = createDevice('display' as 'printer', { uri: 'serial:/dev/ttyUSB0' });
    await expect(made).rejects.toBeInstanceOf(DeviceError);
    await expect(made).rejects.toMatchObject({ code: 'unknown_kind', message: expect.stringContaining('"display"') });
  });

  it('a URI no driver of the kind takes is a DeviceError naming it and the schemes that work', async () => {
    const made = createDevice('printer', { uri: 'hid:0c2e:0b61' });
    await expect(made).rejects.toMatchObject({ code: 'unsupported_uri', message: expect.stringContaining('"hid:0c2e:0b61"') });
    await expect(made).rejects.toMatchObject({ message: expect.stringContaining('serial:, sim:') });
    await expect(createDevice('gpio', { uri: 'gpio:arduino', pins: {} })).rejects.toMatchObject({ code: 'unsupported_uri' });
  });

  it.each([
    [null, 'bad_settings'],
    [{}, 'bad_settings'],
    [{ uri: 42 }, 'bad_settings'],
    [{ uri: 'serial:/dev/ttyUSB0', colour: 'red' }, 'bad_settings'],
    [{ uri: 'serial:/dev/ttyUSB0', profile: 58 }, 'bad_settings'],
  ])('settings %j: %s', async (settings, code) => {
    await expect(createDevice('printer', settings as unknown as DeviceSettings['printer'])).rejects.toMatchObject({ name: 'DeviceError', code });
  });

  it("passes the drivers' own typed errors through", async () => {
    await expect(createDevice('printer', { uri: 'sim:printer', profile: 'tm-t88' }, { simBus: new SimBus() })).rejects.toMatchObject({ code: 'unknown_profile' });
    await expect(createDevice('scanner', { uri: 'serial:/dev/ttyACM0', mode: 'pos' })).rejects.toMatchObject({ name: 'ScannerError', code: 'bad_config' });
    await expect(createDevice('gpio', { uri: 'sim:gpio', pins: { drawer: 17 } }, { simPlugins: new Map() })).rejects.toMatchObject({ name: 'GpioError', code: 'bad_config' });
    await expect(createDevice('gpio', { uri: 'sim:gpio', pins: {} }, { simPlugins: new Map() })).rejects.toMatchObject({ name: 'GpioError', code: 'bad_uri' });
  });

  it('a real GPIO plugin that cannot load is no error at creation: it is the failed health, with the reason', async () => {
    const missing = Object.assign(new Error("Cannot find package 'raspi-io' imported from /opt/posd"), { code: 'ERR_MODULE_NOT_FOUND' });
    const gpio = await createDevice('gpio', { uri: 'gpio:raspi', pins: { buzzer: 'GPIO26' } }, { importPackage: () => Promise.reject(missing) });
    await expect(gpio.start()).rejects.toMatchObject({ code: 'plugin_missing' });
    expect(gpio.health()).toMatchObject({ state: 'failed', detail: { failure: 'plugin_missing', plugin: null } });
    expect(gpio.health().reason).toContain('npm install raspi-io');
    await expect(gpio.waitReady(10)).rejects.toMatchObject({ code: 'not_ready', message: expect.stringContaining('raspi-io') });
    await gpio.stop();
  });

  it('a GPIO plugin refused its device node names the gpio group', async () => {
    class RaspiIO {
      constructor() {
        throw Object.assign(new Error("EACCES: permission denied, open '/dev/gpiomem'"), { code: 'EACCES' });
      }
    }
    const gpio = await createDevice('gpio', { uri: 'gpio:raspi', pins: { buzzer: 'GPIO26' } }, { importPackage: async () => ({ RaspiIO }) });
    await gpio.start().catch(() => undefined);
    expect(gpio.health().state).toBe('failed');
    expect(gpio.health().reason).toContain('gpio group');
    expect(gpio.health().reason).toContain('/dev/gpiomem');
    await gpio.stop();
  });
});

describe('createDevices', () => {
  it('makes the devices a config names, and only those', async () => {
    const devices = await createDevices({ printer: { uri: 'sim:printer' }, nfc: { uri: 'sim:nfc' } }, { simBus: new SimBus() });
    expect(Object.keys(devices).sort()).toEqual(['nfc', 'printer']);
    expect(devices.printer).toBeInstanceOf(EscPosPrinter);
    expect(devices.nfc).toBeInstanceOf(NfcReader);
  });

  it('refuses a kind it does not know before making anything', async () => {
    await expect(createDevices({ printer: { uri: 'sim:printer' }, display: { uri: 'serial:/dev/ttyUSB1' } } as never, { simBus: new SimBus() })).rejects.toMatchObject({
      code: 'unknown_kind',
      message: expect.stringContaining('"display"'),
    });
  });
});

describe('lazy drivers', () => {
  it('importing the registry and making a scanner loads no other driver', async () => {
    // A module hook that refuses the other drivers' modules: an eager import would fail the import of the registry.
    const hook = `export async function load(url, context, next) {
      if (/drivers\\/(printer\\/escpos-printer|nfc\\/nfc-reader|pn532\\/pn532|gpio\\/counter-gpio|gpio\\/johnny-five)\\.js$/.test(url)) throw new Error('driver loaded: ' + url);
      return next(url, context);
    }`;
    const registry = pathToFileURL(resolve('dist/src/drivers/registry.js')).href;
    const script = `
      import { register } from 'node:module';
      register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));
      const { createDevice } = await import(${JSON.stringify(registry)});
      const scanner = await createDevice('scanner', { uri: 'serial:/dev/ttyACM0' });
      const printer = await createDevice('printer', { uri: 'serial:/dev/ttyUSB0' }).then(() => 'made', (err) => err.message);
      console.log(JSON.stringify({ scanner: scanner.kind, printer }));
    `;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { timeout: 20_000 });
    const result = JSON.parse(stdout) as { scanner: string; printer: string };
    expect(result.scanner).toBe('scanner');
    expect(result.printer).toContain('driver loaded: '); // the hook works: the printer's driver is loaded only now
    expect(result.printer).toContain('escpos-printer.js');
  });
});
