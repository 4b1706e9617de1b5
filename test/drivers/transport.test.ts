import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceEndpoint, HostSink } from '../../src/drivers/transport/device-endpoint.js';
import type { ByteLink, LinkState } from '../../src/drivers/transport/link.js';
import { LinkError } from '../../src/drivers/transport/link.js';
import { openLink } from '../../src/drivers/transport/open-link.js';
import { SimBus } from '../../src/drivers/transport/sim-bus.js';
import { SimHidBus } from '../../src/drivers/transport/sim-hid-bus.js';
import { parseDeviceUri } from '../../src/drivers/transport/uri.js';
import { PtyPair } from '../../hw-sim/wire/pty-pair.js';
import { PtyWire } from '../../hw-sim/wire/pty-wire.js';
import { until } from '../support/wait.js';

/** Answers every chunk with the same bytes, +1 each: enough to see both directions work. */
class IncrementingEcho implements DeviceEndpoint {
  private sink: HostSink | null = null;
  received = 0;
  receiveFromHost(bytes: Uint8Array): void {
    this.received += bytes.length;
    this.sink?.(bytes.map((b) => (b + 1) & 0xff));
  }
  attachHost(sink: HostSink | null): void {
    this.sink = sink;
  }
}

function collect(link: ByteLink): { bytes: () => Buffer; states: LinkState[] } {
  const chunks: Buffer[] = [];
  const states: LinkState[] = [];
  link.on('data', (c) => chunks.push(c));
  link.on('state', (s) => states.push(s));
  return { bytes: () => Buffer.concat(chunks), states };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('device URIs', () => {
  it('parses serial, hid and sim URIs', () => {
    expect(parseDeviceUri('serial:/dev/ttyUSB0?baud=115200')).toMatchObject({ scheme: 'serial', path: '/dev/ttyUSB0', baudRate: 115200 });
    expect(parseDeviceUri('hid:0c2e:0B61')).toMatchObject({ scheme: 'hid', target: { vendorId: 0x0c2e, productId: 0x0b61 } });
    expect(parseDeviceUri('hid:/dev/hidraw2')).toMatchObject({ target: { path: '/dev/hidraw2' } });
    expect(parseDeviceUri('sim:printer', 19200)).toMatchObject({ scheme: 'sim', name: 'printer', baudRate: 19200 });
  });

  it.each(['printer', 'usb:/dev/x', 'serial:', 'hid:12:34', 'serial:/dev/x?baud=fast', 'sim:a b', 'serial:/dev/x?flag'])(
    'rejects %s with a typed error',
    (uri) => {
      expect(() => parseDeviceUri(uri)).toThrow(LinkError);
    },
  );
});

describe('serial link over the simulator bus', () => {
  it('carries bytes both ways and survives unplug and replug', async () => {
    const bus = new SimBus();
    const echo = new IncrementingEcho();
    bus.register('echo', echo);
    const link = await openLink('sim:echo', { simBus: bus, reopen: { minMs: 5, maxMs: 20 } });
    cleanups.push(() => link.stop());
    const seen = collect(link);
    link.start();
    await link.waitOpen(1000);
    await link.write(Uint8Array.of(1, 2, 3));
    await until(() => seen.bytes().length === 3);
    expect([...seen.bytes()]).toEqual([2, 3, 4]);

    bus.unplug('echo');
    await until(() => link.state === 'disconnected');
    await expect(link.write(Uint8Array.of(9))).rejects.toMatchObject({ code: 'not_open' });
    await new Promise((r) => setTimeout(r, 50));
    expect(link.state).toBe('disconnected');

    bus.plug('echo');
    await link.waitOpen(1000);
    await link.write(Uint8Array.of(10));
    await until(() => seen.bytes().length === 4);
    expect(seen.bytes()[3]).toBe(11);
    expect(seen.states).toEqual(['connecting', 'open', 'disconnected', 'open']);
  });

  it('waits in connecting while the device is absent, then opens when it appears', async () => {
    const bus = new SimBus();
    const echo = new IncrementingEcho();
    bus.register('late', echo);
    bus.unplug('late');
    const link = await openLink('sim:late', { simBus: bus, reopen: { minMs: 5, maxMs: 10 } });
    cleanups.push(() => link.stop());
    link.start();
    await expect(link.waitOpen(50)).rejects.toMatchObject({ code: 'open_timeout' });
    expect(link.state).toBe('connecting');
    bus.plug('late');
    await link.waitOpen(1000);
  });

  it('paces bytes at the baud rate when wire timing is on', async () => {
    const bus = new SimBus();
    bus.register('slow', new IncrementingEcho(), { wireTiming: true });
    const link = await openLink('sim:slow?baud=9600', { simBus: bus });
    cleanups.push(() => link.stop());
    const seen = collect(link);
    link.start();
    await link.waitOpen(1000);
    const started = performance.now();
    await link.write(new Uint8Array(96));
    await until(() => seen.bytes().length === 96);
    // 96 bytes down and 96 back at 9600 baud: 2 x 100 ms on the wire.
    expect(performance.now() - started).toBeGreaterThanOrEqual(195);
  });
});

describe('HID link over the simulator bus', () => {
  it('delivers one report per data event and reconnects after unplug', async () => {
    const bus = new SimHidBus();
    const echo = new IncrementingEcho();
    bus.register('sim:kbd', echo);
    const link = await openLink('sim:kbd?transport=hid', { simHidBus: bus, reopen: { minMs: 5, maxMs: 10 } });
    cleanups.push(() => link.stop());
    const reports: Buffer[] = [];
    link.on('data', (r) => reports.push(r));
    link.start();
    await link.waitOpen(1000);
    await link.write(Uint8Array.of(0, 0, 4));
    await until(() => reports.length === 1);
    expect([...reports[0]!]).toEqual([1, 1, 5]);
    bus.unplug('sim:kbd');
    await until(() => link.state === 'disconnected');
    bus.plug('sim:kbd');
    await link.waitOpen(1000);
  });
});

describe('serial link over a real pseudo-terminal (native binding)', () => {
  it('fails a write that cannot complete when the link is stopped, instead of hanging', async () => {
    const pair = await PtyPair.create('stuck');
    cleanups.push(() => pair.close());
    // Nobody reads the device end: the kernel's pty buffer fills and the write cannot finish.
    const link = await openLink(`serial:${pair.hostPath}?baud=115200`);
    link.start();
    await link.waitOpen(2000);
    const write = link.write(new Uint8Array(1 << 20));
    const outcome = write.then(
      () => 'completed',
      (err: { code?: string }) => err.code,
    );
    await new Promise((r) => setTimeout(r, 100));
    await link.stop();
    expect(await outcome).toBe('write_failed');
  });

  it('carries bytes both ways and survives the device vanishing and coming back', async () => {
    const pair = await PtyPair.create('echo');
    cleanups.push(() => pair.close());
    const echo = new IncrementingEcho();
    let wire = new PtyWire(echo, pair.devicePath, { baudRate: 115200 });
    await wire.open();
    cleanups.push(() => wire.close());

    const link = await openLink(`serial:${pair.hostPath}?baud=115200`, { reopen: { minMs: 10, maxMs: 50 } });
    cleanups.push(() => link.stop());
    const seen = collect(link);
    link.start();
    await link.waitOpen(2000);
    await link.write(Uint8Array.of(0x10, 0x20));
    await until(() => seen.bytes().length === 2);
    expect([...seen.bytes()]).toEqual([0x11, 0x21]);

    await wire.close();
    await pair.unplug();
    await until(() => link.state === 'disconnected');
    await pair.plug();
    wire = new PtyWire(echo, pair.devicePath, { baudRate: 115200 });
    await wire.open();
    await link.waitOpen(3000);
    await link.write(Uint8Array.of(0x30));
    await until(() => seen.bytes().length === 3);
    expect(seen.bytes()[2]).toBe(0x31);
  });
});
