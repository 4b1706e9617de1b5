import type { DeviceEndpoint } from '../../src/drivers/transport/device-endpoint.js';
import type { SimBus } from '../../src/drivers/transport/sim-bus.js';
import type { SimHidBus } from '../../src/drivers/transport/sim-hid-bus.js';
import { PtyPair } from '../wire/pty-pair.js';
import { PtyWire } from '../wire/pty-wire.js';

/** Where a twin is plugged in, and how its cable is pulled and put back. */
export interface TwinSocket {
  /** What a host opens: a `sim:` name on a bus, or the pseudo-terminal's path. */
  readonly hostPath: string;
  unplug(): Promise<void>;
  plug(): Promise<void>;
  close(): Promise<void>;
}

/** A twin on the in-process serial bus. */
export function busSocket(bus: SimBus, name: string, endpoint: DeviceEndpoint, wireTiming: boolean): TwinSocket {
  bus.register(name, endpoint, { wireTiming });
  return {
    hostPath: name,
    unplug: async () => bus.unplug(name),
    plug: async () => bus.plug(name),
    close: async () => bus.unplug(name),
  };
}

/** A HID twin on the in-process HID bus (`sim:NAME`). */
export function hidSocket(bus: SimHidBus, name: string, endpoint: DeviceEndpoint): TwinSocket {
  const key = `sim:${name}`;
  bus.register(key, endpoint);
  return {
    hostPath: key,
    unplug: async () => bus.unplug(key),
    plug: async () => bus.plug(key),
    close: async () => bus.unplug(key),
  };
}

/**
 * A twin on the device end of a socat pseudo-terminal pair; any program opens the host end.
 * Unplugging kills the pair (open ports see a hang-up) and plugging makes it again under the
 * same path, as a device that comes back on the same by-id link.
 */
export async function ptySocket(dir: string, name: string, endpoint: DeviceEndpoint, baudRate: number, wireTiming: boolean): Promise<TwinSocket> {
  const pair = await PtyPair.create(name, dir);
  let wire: PtyWire | undefined;
  const attach = async (): Promise<void> => {
    const next = new PtyWire(endpoint, pair.devicePath, { baudRate, wireTiming });
    await next.open();
    wire = next;
  };
  const detach = async (): Promise<void> => {
    const current = wire;
    wire = undefined;
    await current?.close();
  };
  try {
    await attach();
  } catch (err) {
    await pair.close();
    throw err;
  }
  return {
    hostPath: pair.hostPath,
    unplug: async () => {
      await detach();
      await pair.unplug();
    },
    plug: async () => {
      if (pair.plugged) return;
      await pair.plug();
      await attach();
    },
    close: async () => {
      await detach();
      await pair.close();
    },
  };
}
