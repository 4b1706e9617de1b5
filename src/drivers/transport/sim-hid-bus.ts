import { EventEmitter } from 'node:events';
import type { DeviceEndpoint } from './device-endpoint.js';
import type { HidBackend, HidHandle, HidTarget } from './hid-link.js';

interface SimHidDevice {
  endpoint: DeviceEndpoint;
  plugged: boolean;
  handle: SimHidHandle | undefined;
}

/**
 * In-process HID devices for hw-sim twins, behind the same backend interface as node-hid.
 * Targets are `{ path: 'sim:NAME' }`. Each chunk a twin sends is one input report.
 */
export class SimHidBus {
  private readonly devices = new Map<string, SimHidDevice>();

  readonly backend: HidBackend = {
    open: async (target: HidTarget): Promise<HidHandle> => {
      const key = 'path' in target ? target.path : `${hex4(target.vendorId)}:${hex4(target.productId)}`;
      const device = this.devices.get(key);
      if (!device || !device.plugged) {
        // node-hid's own words: by path the errno is known, by vendor:product it is not.
        if ('path' in target) throw withCode(new Error(`cannot open device with path ${key}`), 'ENOENT');
        throw new Error(`cannot open device with vendor id 0x${target.vendorId.toString(16)} and product id 0x${target.productId.toString(16)}`);
      }
      if (device.handle) throw withCode(new Error(`${key} is already open`), 'EBUSY');
      const handle = new SimHidHandle(device.endpoint, () => {
        if (device.handle === handle) device.handle = undefined;
      });
      device.handle = handle;
      return handle;
    },
  };

  register(key: string, endpoint: DeviceEndpoint): void {
    if (this.devices.has(key)) throw new Error(`sim hid bus: ${key} is already registered`);
    this.devices.set(key, { endpoint, plugged: true, handle: undefined });
  }

  unplug(key: string): void {
    const device = this.device(key);
    device.plugged = false;
    device.handle?.fail(new Error('could not read from HID device'));
  }

  plug(key: string): void {
    this.device(key).plugged = true;
  }

  private device(key: string): SimHidDevice {
    const device = this.devices.get(key);
    if (!device) throw new Error(`sim hid bus: no device at ${key}`);
    return device;
  }
}

function withCode(err: Error, code: string): Error {
  return Object.assign(err, { code });
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}

class SimHidHandle extends EventEmitter implements HidHandle {
  private open = true;

  constructor(
    private readonly endpoint: DeviceEndpoint,
    private readonly onClosed: () => void,
  ) {
    super();
    endpoint.attachHost((report) => {
      if (this.open) this.emit('data', Buffer.from(report));
    });
  }

  async write(values: number[] | Buffer): Promise<number> {
    if (!this.open) throw new Error('Cannot write to hid device');
    this.endpoint.receiveFromHost(Uint8Array.from(values));
    return values.length;
  }

  async close(): Promise<void> {
    this.shutdown();
  }

  fail(err: Error): void {
    if (!this.open) return;
    this.shutdown();
    this.emit('error', err);
  }

  private shutdown(): void {
    if (!this.open) return;
    this.open = false;
    this.endpoint.attachHost(null);
    this.onClosed();
  }
}
