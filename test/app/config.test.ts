import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig } from '../../src/app/index.js';
import { tempDir } from '../support/tmp.js';

/** The sentences a config is refused with, without the file prefix. */
function problems(value: unknown): string[] {
  try {
    parseConfig(value, '/etc/posd', 'posd.json');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).code).toBe('bad_config');
    return (err as ConfigError).problems.map((p) => p.replace(/^posd\.json: /, ''));
  }
  throw new Error('the configuration was accepted');
}

const KEY = 'ab'.repeat(32);

describe('posd.json: reading a good configuration', () => {
  it('fills in every default the schema states', () => {
    const config = parseConfig({ dataDir: 'data' }, '/etc/posd');
    expect(config).toEqual({
      dataDir: '/etc/posd/data',
      merchant: { name: 'posd' },
      devices: {},
      api: { listen: '127.0.0.1:8737' },
      log: { level: 'info' },
    });
  });

  it('takes relative paths from the configuration file\'s folder and leaves absolute ones alone', () => {
    const config = parseConfig({ dataDir: '/var/lib/posd', catalog: '../shop/catalog.csv', api: { tls: { cert: 'tls/cert.pem', key: '/etc/ssl/posd.key' } } }, '/etc/posd');
    expect(config.dataDir).toBe('/var/lib/posd');
    expect(config.catalog).toBe('/etc/shop/catalog.csv');
    expect(config.api.tls).toEqual({ cert: '/etc/posd/tls/cert.pem', key: '/etc/ssl/posd.key' });
  });

  it('keeps every setting it was given, and fills defaults inside sections too', () => {
    const given = {
      $schema: './config.schema.json',
      dataDir: '/var/lib/posd',
      merchant: { name: '街角小店', city: '杭州' },
      acquirer: { url: 'https://acquirer.example/', publicKey: KEY },
      devices: {
        printer: { uri: 'serial:/dev/posd/printer' },
        scanner: { uri: 'hid:0c2e:0b61', mode: 'pos' },
        nfc: { uri: 'serial:/dev/serial0?baud=115200' },
        gpio: { uri: 'gpio:raspi', pins: { drawerRelay: 'GPIO17', cancelButton: { pin: 27, active: 'low', pull: 'up' } }, timing: { drawerPulseMs: 150 } },
      },
      api: { listen: '[::1]:9000' },
      log: { level: 'debug' },
    };
    const config = parseConfig(given, '/');
    expect(config.merchant).toEqual(given.merchant);
    expect(config.acquirer).toEqual(given.acquirer);
    expect(config.devices.printer).toEqual({ uri: 'serial:/dev/posd/printer', profile: 'generic-58-zh' });
    expect(config.devices.scanner).toEqual(given.devices.scanner);
    expect(config.devices.gpio?.pins).toEqual(given.devices.gpio.pins);
    expect(config.devices.gpio?.timing).toMatchObject({ drawerPulseMs: 150, drawerRecoveryMs: 500, readyTimeoutMs: 5000 });
    expect(config.api.listen).toBe('[::1]:9000');
    expect(config.log.level).toBe('debug');
  });

  it('does not change the value it was given', () => {
    const given = { dataDir: 'data', devices: { gpio: { uri: 'sim:gpio', pins: {} } } };
    const copy = structuredClone(given);
    parseConfig(given, '/');
    expect(given).toEqual(copy);
  });
});

describe('posd.json: a mistake is a sentence naming the field', () => {
  it.each([
    [{ dataDir: 'd', devices: { printer: { uri: 'usb0' } } }, 'devices.printer.uri must be a printer device URI (serial: or sim:), got "usb0"'],
    [{ dataDir: 'd', devices: { printer: { uri: 'hid:0c2e:0b61' } } }, 'devices.printer.uri must be a printer device URI (serial: or sim:), got "hid:0c2e:0b61"'],
    [{ dataDir: 'd', devices: { scanner: { uri: 'gpio:raspi' } } }, 'devices.scanner.uri must be a scanner device URI (serial:, hid: or sim:), got "gpio:raspi"'],
    [{ dataDir: 'd', devices: { printer: { uri: 'serial:/dev/x', baud: 9600 } } }, 'devices.printer.baud is not a setting (known: uri, profile)'],
    [{ dataDir: 'd', devices: { printer: { uri: 'serial:/dev/x', profile: '58mm' } } }, 'devices.printer.profile must be a printer profile (generic-58-zh, generic-80, generic-80-zh), got "58mm"'],
    [{ dataDir: 'd', devices: { scanner: { uri: 'hid:0c2e:0b61', mode: 'keyboard' } } }, 'devices.scanner.mode must be one of wedge, pos, serial, got "keyboard"'],
    [{ dataDir: 'd', devices: { camera: { uri: 'sim:cam' } } }, 'devices.camera is not a setting (known: printer, scanner, nfc, gpio)'],
    [{ dataDir: 'd', devices: { gpio: { uri: 'gpio:raspi' } } }, 'devices.gpio.pins is missing: it must be an object naming the pin of each line wired, such as { "drawerRelay": "GPIO17" }'],
    [{ dataDir: 'd', devices: { gpio: { uri: 'gpio:raspi', pins: { buzzer: true } } } }, 'devices.gpio.pins.buzzer must be a pin: a name such as "GPIO17" or a number 0..1023, or { "pin": ..., "active": "high" | "low" }, got true'],
    [{ dataDir: 'd', devices: { gpio: { uri: 'gpio:raspi', pins: { buzzer: 'GPIO 5' } } } }, 'devices.gpio.pins.buzzer must be a pin: a name such as "GPIO17" or a number 0..1023, got "GPIO 5"'],
    [{ dataDir: 'd', devices: { gpio: { uri: 'gpio:raspi', pins: { buzzer: { pin: 'GPIO5', activ: 'low' } } } } }, 'devices.gpio.pins.buzzer.activ is not a setting (did you mean active?) (known: pin, active)'],
    [{ dataDir: 'd', devices: { gpio: { uri: 'gpio:raspi', pins: { cancelButton: { pin: 'GPIO3', pull: 'sideways' } } } } }, 'devices.gpio.pins.cancelButton.pull must be "up", "down" or "none", got "sideways"'],
    [{ dataDir: 'd', devices: { gpio: { uri: 'gpio:raspi', pins: { cancelButton: { pin: true } } } } }, 'devices.gpio.pins.cancelButton.pin must be a pin: a name such as "GPIO17" or a number 0..1023, got true'],
    [{ dataDir: 'd', devices: { gpio: { uri: 'gpio:raspi', pins: {}, timing: { drawerPulseMs: 5000 } } } }, 'devices.gpio.timing.drawerPulseMs must be whole milliseconds 10..1000, got 5000'],
    [{ dataDir: 'd', devices: { gpio: { uri: 'gpio:raspi', pins: {}, timing: { blinkOnMs: 2.5 } } } }, 'devices.gpio.timing.blinkOnMs must be whole milliseconds 20..10000, got 2.5'],
    [{ dataDir: 'd', acquirer: { url: 'ftp://x', publicKey: KEY } }, 'acquirer.url must be an http(s) URL such as "https://acquirer.example/", got "ftp://x"'],
    [{ dataDir: 'd', acquirer: { url: 'http://x', publicKey: KEY.toUpperCase() } }, `acquirer.publicKey must be 64 lower-case hex digits (a raw Ed25519 public key), got "${KEY.toUpperCase()}"`],
    [{ dataDir: 'd', acquirer: { url: 'http://x' } }, 'acquirer.publicKey is missing: it must be 64 lower-case hex digits (a raw Ed25519 public key)'],
    [{ dataDir: 'd', api: { listen: '0.0.0.0:99999' } }, 'api.listen must be host:port, such as "127.0.0.1:8737" or "[::1]:8737", got "0.0.0.0:99999"'],
    [{ dataDir: 'd', api: { listen: '8737' } }, 'api.listen must be host:port, such as "127.0.0.1:8737" or "[::1]:8737", got "8737"'],
    [{ dataDir: 'd', api: { tls: { cert: 'c.pem' } } }, 'api.tls.key is missing: it must be a file path'],
    [{ dataDir: 'd', log: { level: 'loud' } }, 'log.level must be one of fatal, error, warn, info, debug, trace, silent, got "loud"'],
    [{ dataDir: 'd', merchant: 'shop' }, 'merchant must be an object { ... }, got "shop"'],
    [{ dataDir: 'd', merchant: { name: '' } }, 'merchant.name must be the shop name (1 to 64 characters), got ""'],
    [{ dataDir: '' }, 'dataDir must be a directory path, got ""'],
    [{}, 'dataDir is missing: it must be a directory path'],
    [{ datadir: 'd', dataDir: 'd' }, 'datadir is not a setting (did you mean dataDir?) (known: $schema, dataDir, catalog, merchant, acquirer, provisioning, payments, devices, api, log)'],
    [[], 'the configuration must be an object { ... }, got []'],
  ])('%j', (value, sentence) => {
    expect(problems(value)).toEqual([sentence]);
  });

  it('names every mistake at once, each prefixed with the file', () => {
    let error: ConfigError | undefined;
    try {
      parseConfig({ dataDir: 'd', merchant: { nam: 'x' }, log: { level: 'loud' }, extra: 1 }, '/', '/etc/posd/posd.json');
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error?.message.split('\n')).toEqual([
      '/etc/posd/posd.json: extra is not a setting (known: $schema, dataDir, catalog, merchant, acquirer, provisioning, payments, devices, api, log)',
      '/etc/posd/posd.json: merchant.name is missing: it must be the shop name (1 to 64 characters)',
      '/etc/posd/posd.json: merchant.nam is not a setting (did you mean name?) (known: name, city)',
      '/etc/posd/posd.json: log.level must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    ]);
  });
});

describe('posd.json: reading the file', () => {
  it('reads, checks and resolves a file', () => {
    const dir = tempDir();
    const file = join(dir, 'posd.json');
    writeFileSync(file, JSON.stringify({ dataDir: 'data', catalog: 'catalog.csv' }));
    expect(loadConfig(file)).toMatchObject({ dataDir: join(dir, 'data'), catalog: join(dir, 'catalog.csv') });
  });

  it('says plainly when the file is missing or not JSON, with the line and column', () => {
    const dir = tempDir();
    const file = join(dir, 'posd.json');
    expect(() => loadConfig(file)).toThrow(new ConfigError(`${file}: cannot read the configuration: no such file`));
    writeFileSync(file, '{\n  "dataDir": "data",\n  "merchant": { "name": "x", }\n}\n');
    expect(() => loadConfig(file)).toThrow(/posd\.json: not valid JSON \(line 3, column 30\): /);
    expect(() => loadConfig(dir)).toThrow(new ConfigError(`${dir}: cannot read the configuration: a directory, not a file`));
  });

  it('prefixes the mistakes with the file name', () => {
    const dir = tempDir();
    const file = join(dir, 'posd.json');
    writeFileSync(file, JSON.stringify({ dataDir: 'data', devices: { printer: { uri: 'usb0' } } }));
    expect(() => loadConfig(file)).toThrow(new ConfigError(`${file}: devices.printer.uri must be a printer device URI (serial: or sim:), got "usb0"`));
  });
});
