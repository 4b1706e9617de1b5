import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  DeviceError,
  describeHealth,
  HealthTracker,
  isUsable,
  waitUntilUsable,
  type Device,
  type DeviceHealth,
  type HealthEvents,
  type HealthState,
} from '../../src/drivers/device.js';

type Detail = { readonly count: number; readonly nested: { readonly flag: boolean } };

function tracker(): { cell: HealthTracker<Detail>; events: DeviceHealth<Detail>[]; tick(ms: number): void } {
  let now = 1000;
  const events: DeviceHealth<Detail>[] = [];
  const cell = new HealthTracker<Detail>((h) => events.push(h), { count: 0, nested: { flag: false } }, () => now);
  return { cell, events, tick: (ms) => (now += ms) };
}

describe('HealthTracker', () => {
  it('starts stopped, with no reason, at the clock', () => {
    const { cell, events } = tracker();
    expect(cell.get()).toEqual({ state: 'stopped', reason: null, since: 1000, detail: { count: 0, nested: { flag: false } } });
    expect(events).toEqual([]);
  });

  it('reports a change of state, reason or detail once, and nothing that changes nothing', () => {
    const { cell, events, tick } = tracker();
    cell.set('connecting', null, { count: 0, nested: { flag: false } });
    cell.set('connecting', null, { count: 0, nested: { flag: false } });
    tick(5);
    cell.set('connecting', 'no such device', { count: 0, nested: { flag: false } });
    cell.set('connecting', 'no such device', { count: 0, nested: { flag: false } });
    tick(5);
    cell.set('connecting', 'no such device', { count: 0, nested: { flag: true } });
    expect(events.map((h) => [h.state, h.reason, h.detail.nested.flag])).toEqual([
      ['connecting', null, false],
      ['connecting', 'no such device', false],
      ['connecting', 'no such device', true],
    ]);
  });

  it('moves `since` on a change of state or reason, not of detail', () => {
    const { cell, tick } = tracker();
    tick(10);
    cell.set('ready', null, { count: 0, nested: { flag: false } });
    expect(cell.get().since).toBe(1010);
    tick(10);
    cell.set('ready', null, { count: 1, nested: { flag: false } });
    expect(cell.get().since).toBe(1010);
    tick(10);
    cell.set('degraded', 'paper near end', { count: 1, nested: { flag: false } });
    expect(cell.get().since).toBe(1030);
  });

  it('hands out frozen copies that share nothing with the driver', () => {
    const { cell } = tracker();
    const detail = { count: 1, nested: { flag: true } };
    cell.set('ready', null, detail);
    detail.nested.flag = false;
    const health = cell.get();
    expect(health.detail.nested.flag).toBe(true);
    expect(Object.isFrozen(health)).toBe(true);
    expect(Object.isFrozen(health.detail.nested)).toBe(true);
  });
});

class FakeDevice extends EventEmitter<HealthEvents> implements Device {
  readonly kind = 'scanner' as const;
  readonly uri = 'hid:0c2e:0b61';
  private readonly cell = new HealthTracker((h) => this.emit('health', h), {});
  start(): void {}
  async stop(): Promise<void> {}
  health(): DeviceHealth {
    return this.cell.get();
  }
  waitReady(timeoutMs: number): Promise<void> {
    return waitUntilUsable(this, timeoutMs);
  }
  set(state: HealthState, reason: string | null = null): void {
    this.cell.set(state, reason, {});
  }
}

describe('waitUntilUsable', () => {
  it('resolves at once when ready or degraded, and when the device gets there', async () => {
    const device = new FakeDevice();
    device.set('degraded', 'paper near end');
    await expect(device.waitReady(0)).resolves.toBeUndefined();
    device.set('connecting');
    const waiting = device.waitReady(10_000);
    device.set('ready');
    await expect(waiting).resolves.toBeUndefined();
    expect(device.listenerCount('health')).toBe(0);
  });

  it('rejects after the timeout with DeviceError not_ready, naming the device and its reason', async () => {
    const device = new FakeDevice();
    device.set('connecting', 'no HID device with vendor:product 0c2e:0b61 is connected');
    const error = await device.waitReady(5).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(DeviceError);
    expect(error).toMatchObject({ code: 'not_ready', message: 'scanner hid:0c2e:0b61 not ready after 5 ms: connecting: no HID device with vendor:product 0c2e:0b61 is connected' });
    expect(device.listenerCount('health')).toBe(0);
  });

  it('refuses a timeout that is no number of ms', async () => {
    await expect(new FakeDevice().waitReady(Number.NaN)).rejects.toMatchObject({ code: 'not_ready' });
    await expect(new FakeDevice().waitReady(-1)).rejects.toMatchObject({ code: 'not_ready' });
  });
});

describe('helpers', () => {
  it('isUsable: ready and degraded', () => {
    expect((['stopped', 'connecting', 'ready', 'degraded', 'failed'] as const).filter(isUsable)).toEqual(['ready', 'degraded']);
  });

  it('describeHealth: the state, and the reason when there is one', () => {
    expect(describeHealth({ state: 'ready', reason: null, since: 0, detail: {} })).toBe('ready');
    expect(describeHealth({ state: 'failed', reason: 'paper out', since: 0, detail: {} })).toBe('failed: paper out');
  });
});
