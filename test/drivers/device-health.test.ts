import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DeviceError, type Device, type DeviceHealth, type HealthState } from '../../src/drivers/device.js';
import { GENERIC_58_ZH, GENERIC_80_ZH } from '../../src/drivers/escpos/profiles.js';
import { EscPosPrinter } from '../../src/drivers/printer/escpos-printer.js';
import { createDevice, type DeviceEnvironment } from '../../src/drivers/registry.js';
import type { DeviceEndpoint } from '../../src/drivers/transport/device-endpoint.js';
import { SimBus } from '../../src/drivers/transport/sim-bus.js';
import { SimHidBus } from '../../src/drivers/transport/sim-hid-bus.js';
import { GpioTwin } from '../../hw-sim/gpio/gpio-twin.js';
import { Pn532Twin } from '../../hw-sim/pn532/pn532-twin.js';
import { EscPosPrinterTwin } from '../../hw-sim/printer/printer-twin.js';
import { printerFaults } from '../../hw-sim/printer/faults.js';
import { ScannerTwin } from '../../hw-sim/scanner/scanner-twin.js';
import { PtyPair } from '../../hw-sim/wire/pty-pair.js';
import { until } from '../support/wait.js';
import { FAST } from './printer/rig.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const fastReopen: DeviceEnvironment = { reopen: { minMs: 10, maxMs: 40 } };

function track<D extends Device>(device: D): D {
  cleanups.push(() => device.stop());
  return device;
}

/** A directory that exists, with a path in it that does not. */
function missingPath(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'posd-missing-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, name);
}

async function reasonOf(device: Device): Promise<DeviceHealth> {
  await until(() => device.health().reason !== null, `${device.kind} gives a reason`);
  return device.health();
}

/** Each change of health state once, from the events. */
function states(device: Device): HealthState[] {
  const seen: HealthState[] = [];
  device.on('health', (h) => {
    if (seen.at(-1) !== h.state) seen.push(h.state);
  });
  return seen;
}

describe('a device that is not there says why, from its first failed attempt', () => {
  it.each(['printer', 'nfc', 'scanner'] as const)('%s at a serial path that does not exist: connecting, naming the path and by-id links', async (kind) => {
    const path = missingPath(`tty-${kind}`);
    const device = track(await createDevice(kind, { uri: `serial:${path}` }, fastReopen));
    expect(device.health()).toMatchObject({ state: 'stopped', reason: null });
    device.start();
    const health = await reasonOf(device);
    expect(health.state).toBe('connecting');
    expect(health.reason).toContain(path);
    expect(health.reason).toContain('/dev/serial/by-id/');
    expect(health.reason).toContain('ENOENT');
  });

  it('a HID scanner by vendor:product that is not connected: says so, naming the ids', async () => {
    const hidBus = new SimHidBus(); // node-hid's behaviour, without node-hid: nothing registered under 1a2b:3c4d
    const scanner = track(await createDevice('scanner', { uri: 'hid:1a2b:3c4d?mode=pos' }, { ...fastReopen, hidBackend: hidBus.backend }));
    scanner.start();
    const health = await reasonOf(scanner);
    expect(health.state).toBe('connecting');
    expect(health.reason).toContain('no HID device with vendor:product 1a2b:3c4d is connected');
  });

  it('a HID scanner by a hidraw path that does not exist: names the path', async () => {
    const scanner = track(await createDevice('scanner', { uri: 'hid:/dev/hidraw-posd-missing' }, { ...fastReopen, hidBackend: new SimHidBus().backend }));
    scanner.start();
    const health = await reasonOf(scanner);
    expect(health).toMatchObject({ state: 'connecting' });
    expect(health.reason).toContain('no such device /dev/hidraw-posd-missing');
  });

  it('a simulated device that is unplugged says so in simulator words', async () => {
    const bus = new SimBus();
    bus.register('printer', new EscPosPrinterTwin());
    bus.unplug('printer');
    const printer = track(await createDevice('printer', { uri: 'sim:printer' }, { ...fastReopen, simBus: bus }));
    printer.start();
    expect((await reasonOf(printer)).reason).toBe('no simulated device printer is plugged in (hw-sim)');
  });

  it('waitReady rejects with DeviceError not_ready, carrying the reason', async () => {
    const path = missingPath('ttyUSB9');
    const printer = track(await createDevice('printer', { uri: `serial:${path}` }, fastReopen));
    printer.start();
    await reasonOf(printer);
    const error = await printer.waitReady(50).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(DeviceError);
    expect(error).toMatchObject({ code: 'not_ready', message: expect.stringContaining(`no such device ${path}`) });
  });

  it('the reason clears once the device appears', async () => {
    const bus = new SimBus();
    bus.register('printer', new EscPosPrinterTwin());
    bus.unplug('printer');
    const printer = track(await createDevice('printer', { uri: 'sim:printer' }, { ...fastReopen, simBus: bus }));
    printer.start();
    await reasonOf(printer);
    const ready = printer.waitReady(10_000);
    bus.plug('printer');
    await ready;
    expect(printer.health()).toMatchObject({ state: 'ready', reason: null });
  });
});

/** Runs `body` (an ES module's text, with `registry` imported) as uid/gid 65534, and returns what it printed. */
function runAsNobody(body: string): Promise<string> {
  const registry = pathToFileURL(resolve('dist/src/drivers/registry.js')).href;
  const script = `const registry = await import(${JSON.stringify(registry)});\n${body}`;
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { uid: 65534, gid: 65534, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolveRun(out) : reject(new Error(`child exited ${code}: ${err}`))));
  });
}

describe('permission denied on a real device node', () => {
  it('a printer on a pseudo-terminal it may not open: connecting, and the reason names the dialout group', async () => {
    // Root ignores file modes: the open is made by an unprivileged child (the compiled driver from dist/).
    const dir = mkdtempSync(join(tmpdir(), 'posd-perm-'));
    chmodSync(dir, 0o755);
    const pair = await PtyPair.create('printer', dir);
    cleanups.push(async () => {
      await pair.close();
      rmSync(dir, { recursive: true, force: true });
    });
    chmodSync(pair.hostPath, 0o600); // the pty itself: root's alone, as a tty without the dialout group is
    const uri = `serial:${pair.hostPath}?baud=19200`;
    let health: DeviceHealth;
    if (process.getuid?.() === 0) {
      const out = await runAsNobody(`
        const printer = await registry.createDevice('printer', { uri: ${JSON.stringify(uri)} }, { reopen: { minMs: 10, maxMs: 40 } });
        printer.start();
        const deadline = Date.now() + 10000;
        while (printer.health().reason === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
        const health = printer.health();
        await printer.stop();
        process.stdout.write(JSON.stringify(health), () => process.exit(0));
      `);
      health = JSON.parse(out) as DeviceHealth;
    } else {
      const printer = track(await createDevice('printer', { uri }, fastReopen));
      printer.start();
      health = await reasonOf(printer);
    }
    expect(health.state).toBe('connecting');
    expect(health.reason).toContain('permission denied');
    expect(health.reason).toContain(pair.hostPath);
    expect(health.reason).toContain('dialout group');
  });
});

describe('a PN532 that answers as another chip', () => {
  it('is failed, with an "unexpected firmware" reason naming the IC', async () => {
    const bus = new SimBus();
    bus.register('nfc', new Pn532Twin({ firmware: [0x33, 0x02, 0x01, 0x07] }));
    const reader = track(await createDevice('nfc', { uri: 'sim:nfc' }, { simBus: bus }));
    reader.start();
    await until(() => reader.health().state === 'failed', 'failed');
    const health = reader.health();
    expect(health.reason).toContain('unexpected firmware');
    expect(health.reason).toContain('IC 0x33');
    expect(health.detail).toMatchObject({ phase: 'failed', failure: 'unsupported_chip', firmware: { ic: 0x33 } });
    await expect(reader.waitReady(20)).rejects.toMatchObject({ code: 'not_ready', message: expect.stringContaining('unexpected firmware') });
  });
});

describe('every device: stopped -> connecting -> ready -> stopped, each change once', () => {
  it('printer', async () => {
    const bus = new SimBus();
    bus.register('printer', new EscPosPrinterTwin({ dotsPerLine: 384 }));
    const printer = await createDevice('printer', { uri: 'sim:printer?baud=19200', profile: 'generic-58-zh' }, { simBus: bus });
    await expectLifecycle(printer);
  });

  it('scanner', async () => {
    const bus = new SimHidBus();
    bus.register('sim:scanner', new ScannerTwin('pos'));
    const scanner = await createDevice('scanner', { uri: 'sim:scanner?transport=hid', mode: 'pos' }, { simHidBus: bus });
    expect(scanner.mode).toBe('pos');
    await expectLifecycle(scanner);
  });

  it('nfc', async () => {
    const bus = new SimBus();
    bus.register('nfc', new Pn532Twin());
    const reader = await createDevice('nfc', { uri: 'sim:nfc' }, { simBus: bus });
    await expectLifecycle(reader);
    expect(reader.health().detail.firmware).toMatchObject({ ic: 0x32 });
  });

  it('gpio', async () => {
    const twin = new GpioTwin({ wiring: { drawerSwitch: { pin: 22 }, drawerSolenoid: { pin: 17 } } });
    cleanups.push(() => twin.dispose());
    const gpio = await createDevice('gpio', { uri: 'sim:gpio', pins: { drawerRelay: 'GPIO17', buzzer: 'GPIO26' } }, { simPlugins: new Map([['gpio', twin]]) });
    await expectLifecycle(gpio);
    expect(gpio.health().detail).toMatchObject({ plugin: twin.name, failure: null, features: { drawerRelay: true, buzzer: true, cancelButton: false } });
  });

  async function expectLifecycle(device: Device): Promise<void> {
    const seen = states(device);
    expect(device.health()).toMatchObject({ state: 'stopped', reason: null });
    const before = device.health().since;
    device.start();
    await device.waitReady(10_000);
    expect(device.health()).toMatchObject({ state: 'ready', reason: null });
    expect(device.health().since).toBeGreaterThanOrEqual(before);
    await device.stop();
    expect(seen).toEqual(['connecting', 'ready', 'stopped']);
    expect(Object.isFrozen(device.health().detail)).toBe(true);
  }
});

/** The twin, but GS a never reaches it: a printer that does not do Automatic Status Back. */
function withoutAsb(twin: EscPosPrinterTwin): DeviceEndpoint {
  return {
    receiveFromHost: (bytes) => {
      if (bytes.length === 3 && bytes[0] === 0x1d && bytes[1] === 0x61) return;
      twin.receiveFromHost(bytes);
    },
    attachHost: (sink) => twin.attachHost(sink),
  };
}

describe('printer health: what a person should see', () => {
  async function printerOn(endpoint: DeviceEndpoint, profile = GENERIC_58_ZH): Promise<EscPosPrinter> {
    const bus = new SimBus();
    bus.register('printer', endpoint);
    const printer = track(await EscPosPrinter.open('sim:printer', { simBus: bus }, { profile, ...FAST }));
    printer.start();
    await printer.waitReady(10_000);
    return printer;
  }

  it('paper near end is degraded; paper out and an open cover are failed; each with what to do', async () => {
    const twin = new EscPosPrinterTwin({ dotsPerLine: 384 });
    const printer = await printerOn(twin);
    twin.setFault('paper_near_end', true);
    await until(() => printer.health().state === 'degraded', 'degraded');
    expect(printer.health().reason).toContain('replace it soon');
    twin.setFault('paper_out', true);
    await until(() => printer.health().state === 'failed', 'failed');
    expect(printer.health().reason).toContain('load a new roll');
    twin.setFault('paper_out', false);
    twin.setFault('paper_near_end', false);
    twin.setFault('cover_open', true);
    await until(() => printer.health().detail.condition === 'cover_open', 'cover open');
    expect(printer.health()).toMatchObject({ state: 'failed', reason: expect.stringContaining('cover is open') });
    twin.setFault('cover_open', false);
    await until(() => printer.health().state === 'ready', 'ready again');
    expect(printer.health().reason).toBeNull();
  });

  it('a printer whose profile promises ASB but that never pushes it is degraded, and still works', async () => {
    const twin = new EscPosPrinterTwin({ dotsPerLine: 576 });
    const printer = await printerOn(withoutAsb(twin), GENERIC_80_ZH);
    await until(() => printer.health().state === 'degraded', 'degraded');
    expect(printer.health().reason).toContain('Automatic Status Back');
    expect(printer.health().detail).toMatchObject({ condition: 'ok', asb: false });
    await expect(printer.print({ blocks: [{ kind: 'text', text: 'still prints' }] }).done).resolves.toMatchObject({ confirmed: true });
  });

  it('a printer that pushes ASB is ready, not degraded', async () => {
    const printer = await printerOn(new EscPosPrinterTwin({ dotsPerLine: 576 }), GENERIC_80_ZH);
    await until(() => printer.health().detail.asb, 'ASB confirmed');
    expect(printer.health().state).toBe('ready');
  });

  it('a printer that answers nothing: connecting, saying to check power and baud rate', async () => {
    const twin = new EscPosPrinterTwin({ dotsPerLine: 384 });
    const printer = await printerOn(twin);
    twin.behave(printerFaults.ignoreStatusRequests());
    await until(() => printer.health().detail.condition === 'unresponsive', 'unresponsive');
    expect(printer.health().state).toBe('connecting');
    expect(printer.health().reason).toMatch(/answers nothing.*switched on.*baud/);
  });
});
