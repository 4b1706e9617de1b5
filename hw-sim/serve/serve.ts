import { startSimulatedTerminal, type SimulatedTerminal } from '../terminal/simulated-terminal.js';

export interface ServeOptions {
  host?: string;
  /** Pace bytes as the real UARTs would (PN532 at 115200, printer at 19200, scanner at 9600). */
  wireTiming?: boolean;
  /** Keep the pty links and the acquirer's key and database here across runs (default: a temporary directory). */
  dataDir?: string;
  /** Hardware wallets on cards (default 1). */
  wallets?: number;
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
  /** The operator's bearer token for `control` and `acquirerControl`. */
  token: string;
  /** The wallet issuers' keys by asset: posd.json's `payments.issuerKeys`. */
  issuerKeys: SimulatedTerminal['issuerKeys'];
}

export interface Serving {
  addresses: ServeAddresses;
  terminal: SimulatedTerminal<'printer' | 'scanner' | 'nfc'>;
  close(): Promise<void>;
}

/**
 * The serial twins on pseudo-terminals (so any program that talks to such a device over a
 * serial port talks to the twin), the acquirer simulator and the twin control API on loopback.
 */
export async function serve(options: ServeOptions = {}): Promise<Serving> {
  const terminal = await startSimulatedTerminal({
    twins: ['printer', 'scanner', 'nfc'],
    transport: 'pty',
    control: true,
    scanner: { mode: 'serial' },
    wireTiming: options.wireTiming ?? false,
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
    ...(options.wallets !== undefined ? { wallets: options.wallets } : {}),
  });
  const a = terminal.addresses;
  return {
    addresses: {
      printer: a.printer!,
      scanner: a.scanner!,
      nfc: a.nfc!,
      acquirer: a.acquirer!,
      acquirerKey: a.acquirerKey!,
      acquirerControl: a.acquirerControl!,
      control: a.control!,
      token: a.token!,
      issuerKeys: terminal.issuerKeys,
    },
    terminal,
    close: () => terminal.close(),
  };
}
