import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceEndpoint } from '../../src/drivers/transport/device-endpoint.js';
import type { ByteLink, LinkFailure } from '../../src/drivers/transport/link.js';
import { openLink } from '../../src/drivers/transport/open-link.js';
import { SimBus } from '../../src/drivers/transport/sim-bus.js';
import { baudRateOf } from '../../src/drivers/transport/uri.js';
import { until } from '../support/wait.js';

const silent: DeviceEndpoint = { receiveFromHost: () => undefined, attachHost: () => undefined };

const links: ByteLink[] = [];
afterEach(async () => {
  while (links.length) await links.pop()!.stop();
});

async function simLink(bus: SimBus): Promise<{ link: ByteLink; failures: LinkFailure[] }> {
  const link = await openLink('sim:dev', { simBus: bus, reopen: { minMs: 5, maxMs: 10 } });
  links.push(link);
  const failures: LinkFailure[] = [];
  link.on('failure', (f) => failures.push(f));
  return { link, failures };
}

describe('a link keeps and reports why it is not open', () => {
  it('every failed open attempt, even while the state stays connecting; cleared once open', async () => {
    const bus = new SimBus();
    bus.register('dev', silent);
    bus.unplug('dev');
    const { link, failures } = await simLink(bus);
    expect(link.failure).toBeUndefined();
    link.start();
    await until(() => failures.length >= 2, 'two failed attempts');
    expect(link.state).toBe('connecting');
    expect(link.failure).toMatchObject({ during: 'open', errno: 'ENOENT', reason: 'no simulated device dev is plugged in (hw-sim)' });
    bus.plug('dev');
    await link.waitOpen(5000);
    expect(link.failure).toBeUndefined();
  });

  it('a loss, then the failed reopen attempts', async () => {
    const bus = new SimBus();
    bus.register('dev', silent);
    const { link, failures } = await simLink(bus);
    link.start();
    await link.waitOpen(5000);
    bus.unplug('dev');
    await until(() => failures.some((f) => f.during === 'open'), 'a reopen attempt failed');
    expect(failures[0]).toMatchObject({ during: 'lost', errno: 'EIO' });
    expect(failures[0]!.reason).toContain('simulated device dev was unplugged');
    expect(link.state).toBe('disconnected');
  });

  it('forgets the failure on stop', async () => {
    const bus = new SimBus();
    bus.register('dev', silent);
    bus.unplug('dev');
    const { link, failures } = await simLink(bus);
    link.start();
    await until(() => failures.length >= 1);
    await link.stop();
    expect(link.failure).toBeUndefined();
  });
});

describe('baudRateOf', () => {
  it('the URI baud rate or the default for serial and sim URIs; undefined for HID and what does not parse', () => {
    expect(baudRateOf('serial:/dev/ttyUSB0?baud=19200', 9600)).toBe(19200);
    expect(baudRateOf('sim:nfc', 115200)).toBe(115200);
    expect(baudRateOf('hid:0c2e:0b61', 9600)).toBeUndefined();
    expect(baudRateOf('test:stalling', 9600)).toBeUndefined();
  });
});
