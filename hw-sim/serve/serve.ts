import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeviceEndpoint } from '../../src/drivers/transport/device-endpoint.js';
import { toHex } from '../../src/encoding/hex.js';
import { AcquirerSimulator } from '../acquirer/server.js';
import { PtyPair } from '../wire/pty-pair.js';
import { PtyWire } from '../wire/pty-wire.js';
import { startTwinControl } from './control.js';
import { makeSerialTwins } from './twins.js';

export interface ServeOptions {
  host?: string;
  /** Pace bytes as the real UARTs would (PN532 at 115200, printer at 19200, scanner at 9600). */
  wireTiming?: boolean;
}

/** Where everything is: what `hw-sim serve --pty` prints as one JSON line. */
export interface ServeAddresses {
  printer: string;
  scanner: string;
  nfc: string;
  acquirer: string;
  acquirerKey: string;
  acquirerControl: string;
  control: string;
}

export interface Serving {
  addresses: ServeAddresses;
  close(): Promise<void>;
}

/**
 * Starts the serial twins on pseudo-terminals (so any program that talks to such a device over
 * a serial port talks to the twin) and the acquirer simulator on loopback.
 */
export async function serve(options: ServeOptions = {}): Promise<Serving> {
  const host = options.host ?? '127.0.0.1';
  const dir = mkdtempSync(join(tmpdir(), 'posd-hw-sim-'));
  const twins = makeSerialTwins();
  const closers: (() => Promise<void> | void)[] = [() => rmSync(dir, { recursive: true, force: true })];
  try {
    const wire = async (name: string, endpoint: DeviceEndpoint, baudRate: number): Promise<string> => {
      const pair = await PtyPair.create(name, dir);
      const w = new PtyWire(endpoint, pair.devicePath, { baudRate, wireTiming: options.wireTiming ?? false });
      await w.open();
      closers.push(() => pair.close(), () => w.close());
      return pair.hostPath;
    };
    const printer = await wire('printer', twins.printer, 19200);
    const scanner = await wire('scanner', twins.scanner, 9600);
    const nfc = await wire('nfc', twins.nfc, 115200);
    const acquirer = await AcquirerSimulator.start({ dataDir: join(dir, 'acquirer'), host });
    closers.push(() => acquirer.close());
    const control = await startTwinControl(twins, host);
    closers.push(() => control.close());
    const address = control.server.address() as { port: number };
    return {
      addresses: {
        printer,
        scanner,
        nfc,
        acquirer: acquirer.url,
        acquirerKey: toHex(acquirer.publicKey),
        acquirerControl: acquirer.controlUrl,
        control: `http://${host}:${address.port}`,
      },
      close: () => closeAll(closers),
    };
  } catch (err) {
    await closeAll(closers);
    throw err;
  }
}

async function closeAll(closers: (() => Promise<void> | void)[]): Promise<void> {
  for (const close of closers.reverse()) await Promise.resolve(close()).catch(() => undefined);
}
