import { SerialPort } from 'serialport';
import type { DeviceEndpoint } from '../../src/drivers/transport/device-endpoint.js';
import { WirePacer } from '../../src/drivers/transport/wire-pacer.js';

/**
 * Connects a twin to the device end of a pseudo-terminal, through serialport's native binding.
 * The twin then answers any program that opens the host end, posd or not.
 */
export class PtyWire {
  private port: SerialPort | undefined;

  constructor(
    private readonly endpoint: DeviceEndpoint,
    private readonly devicePath: string,
    private readonly options: { baudRate: number; wireTiming?: boolean },
  ) {}

  async open(): Promise<void> {
    const port = new SerialPort({ path: this.devicePath, baudRate: this.options.baudRate, autoOpen: false, lock: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    this.port = port;
    const write = (bytes: Uint8Array): void => {
      if (port.isOpen) port.write(Buffer.from(bytes));
    };
    const pacer = this.options.wireTiming ? new WirePacer(this.options.baudRate, write) : undefined;
    port.on('data', (chunk: Buffer) => this.endpoint.receiveFromHost(Uint8Array.from(chunk)));
    port.on('error', () => undefined);
    port.on('close', () => this.endpoint.attachHost(null));
    this.endpoint.attachHost((bytes) => (pacer ? pacer.send(bytes) : write(bytes)));
  }

  async close(): Promise<void> {
    const port = this.port;
    this.port = undefined;
    this.endpoint.attachHost(null);
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}
