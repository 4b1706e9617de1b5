import type {
  BindingInterface,
  BindingPortInterface,
  OpenOptions,
  PortInfo,
  PortStatus,
  SetOptions,
  UpdateOptions,
} from '@serialport/bindings-cpp';
import type { DeviceEndpoint } from './device-endpoint.js';
import { WirePacer } from './wire-pacer.js';

export interface SimDeviceOptions {
  /** Pace bytes in both directions as a UART at the port's baud rate would. */
  wireTiming?: boolean;
}

interface SimDevice {
  endpoint: DeviceEndpoint;
  options: SimDeviceOptions;
  plugged: boolean;
  port: SimPort | undefined;
}

class BindingError extends Error {
  constructor(
    message: string,
    readonly canceled = false,
    readonly code?: string,
  ) {
    super(message);
  }
}

/**
 * An in-process serial bus: serialport's binding interface in front of hw-sim twins.
 * The production SerialLink opens `sim:NAME` through it exactly as it opens /dev/ttyUSB0
 * through the native binding. Devices can be unplugged and plugged back while in use.
 */
export class SimBus {
  private readonly devices = new Map<string, SimDevice>();
  readonly binding: BindingInterface;

  constructor() {
    this.binding = {
      list: async (): Promise<PortInfo[]> =>
        [...this.devices.entries()]
          .filter(([, d]) => d.plugged)
          .map(([path]) => ({
            path,
            manufacturer: 'posd hw-sim',
            serialNumber: undefined,
            pnpId: undefined,
            locationId: undefined,
            productId: undefined,
            vendorId: undefined,
          })),
      open: async (options: OpenOptions): Promise<BindingPortInterface> => this.open(options),
    };
  }

  register(path: string, endpoint: DeviceEndpoint, options: SimDeviceOptions = {}): void {
    if (this.devices.has(path)) throw new Error(`sim bus: ${path} is already registered`);
    this.devices.set(path, { endpoint, options, plugged: true, port: undefined });
  }

  /** The cable is pulled: the open port fails its reads (a disconnect), new opens fail. */
  unplug(path: string): void {
    const device = this.device(path);
    device.plugged = false;
    device.port?.disconnect();
  }

  plug(path: string): void {
    this.device(path).plugged = true;
  }

  isOpen(path: string): boolean {
    return this.device(path).port?.isOpen ?? false;
  }

  private device(path: string): SimDevice {
    const device = this.devices.get(path);
    if (!device) throw new Error(`sim bus: no device at ${path}`);
    return device;
  }

  private async open(options: OpenOptions): Promise<BindingPortInterface> {
    const device = this.devices.get(options.path);
    if (!device || !device.plugged) {
      throw new BindingError(`Error: No such file or directory, cannot open ${options.path}`, false, 'ENOENT');
    }
    if (device.port?.isOpen) {
      throw new BindingError(`Error Resource temporarily unavailable Cannot lock port ${options.path}`, false, 'EBUSY');
    }
    const port = new SimPort(options, device, () => {
      if (device.port === port) device.port = undefined;
    });
    device.port = port;
    return port;
  }
}

class SimPort implements BindingPortInterface {
  readonly openOptions: Required<OpenOptions>;
  isOpen = true;
  private unplugged = false;
  private readonly inbox: Buffer[] = [];
  private pendingRead: { resolve: () => void; reject: (err: Error) => void } | undefined;
  private readonly toHost: (bytes: Uint8Array) => void;
  private readonly toDevice: (bytes: Uint8Array) => void;
  private baudRate: number;

  constructor(
    options: OpenOptions,
    private readonly device: SimDevice,
    private readonly onClosed: () => void,
  ) {
    this.openOptions = {
      dataBits: 8,
      lock: true,
      stopBits: 1,
      parity: 'none',
      rtscts: false,
      xon: false,
      xoff: false,
      xany: false,
      hupcl: true,
      ...options,
    };
    this.baudRate = options.baudRate;
    const deliverToHost = (bytes: Uint8Array): void => {
      if (!this.isOpen || this.unplugged) return;
      this.inbox.push(Buffer.from(bytes));
      this.wakeReader();
    };
    const deliverToDevice = (bytes: Uint8Array): void => {
      if (this.isOpen && !this.unplugged) device.endpoint.receiveFromHost(bytes);
    };
    if (device.options.wireTiming) {
      const up = new WirePacer(this.baudRate, deliverToHost);
      const down = new WirePacer(this.baudRate, deliverToDevice);
      this.toHost = (bytes) => up.send(bytes);
      this.toDevice = (bytes) => down.send(bytes);
    } else {
      this.toHost = deliverToHost;
      this.toDevice = deliverToDevice;
    }
    device.endpoint.attachHost((bytes) => this.toHost(Uint8Array.from(bytes)));
  }

  async close(): Promise<void> {
    if (!this.isOpen) throw new BindingError('Port is not open');
    this.isOpen = false;
    this.detach();
    this.rejectPendingRead(new BindingError('Canceled', true));
  }

  /** The cable is pulled: reads fail as they do on a vanished tty, and serialport closes the port. */
  disconnect(): void {
    if (!this.isOpen || this.unplugged) return;
    this.unplugged = true;
    this.detach();
    this.rejectPendingRead(unpluggedError());
  }

  private detach(): void {
    this.inbox.length = 0;
    this.device.endpoint.attachHost(null);
    this.onClosed();
  }

  private rejectPendingRead(err: BindingError): void {
    const pending = this.pendingRead;
    this.pendingRead = undefined;
    pending?.reject(err);
  }

  async read(buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }> {
    while (this.inbox.length === 0) {
      if (!this.isOpen) throw new BindingError('Read canceled', true);
      if (this.unplugged) throw unpluggedError();
      await new Promise<void>((resolve, reject) => {
        this.pendingRead = { resolve, reject };
      });
    }
    const head = this.inbox[0]!;
    const bytesRead = Math.min(length, head.length);
    head.copy(buffer, offset, 0, bytesRead);
    if (bytesRead === head.length) this.inbox.shift();
    else this.inbox[0] = head.subarray(bytesRead);
    return { buffer, bytesRead };
  }

  async write(buffer: Buffer): Promise<void> {
    if (!this.isOpen) throw new BindingError('Write canceled', true);
    if (this.unplugged) throw unpluggedError();
    this.toDevice(Uint8Array.from(buffer));
  }

  async update(options: UpdateOptions): Promise<void> {
    this.baudRate = options.baudRate;
  }

  async set(_options: SetOptions): Promise<void> {}

  async get(): Promise<PortStatus> {
    return { cts: true, dsr: true, dcd: true };
  }

  async getBaudRate(): Promise<{ baudRate: number }> {
    return { baudRate: this.baudRate };
  }

  async flush(): Promise<void> {
    this.inbox.length = 0;
  }

  async drain(): Promise<void> {}

  private wakeReader(): void {
    const pending = this.pendingRead;
    this.pendingRead = undefined;
    pending?.resolve();
  }
}

function unpluggedError(): BindingError {
  return new BindingError('EIO: i/o error, read (device disconnected)', false, 'EIO');
}
