import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSimulatedTerminal, type SimulatedTerminal, type SimulatedTerminalOptions } from '../terminal/simulated-terminal.js';

export interface ServeOptions {
  host?: string;
  /** Pace bytes as the real UARTs would (PN532 at 115200, printer at 19200, scanner at 9600). */
  wireTiming?: boolean;
  /** Keep the pty links, the acquirer's key and database, the ports and the operator's token here across runs (default: a temporary directory). */
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
  const base: SimulatedTerminalOptions<'printer' | 'scanner' | 'nfc'> = {
    twins: ['printer', 'scanner', 'nfc'],
    transport: 'pty',
    control: true,
    scanner: { mode: 'serial' },
    wireTiming: options.wireTiming ?? false,
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
    ...(options.wallets !== undefined ? { wallets: options.wallets } : {}),
  };
  // With a data directory the ports and the operator's token stay too, so a posd.json and
  // scripts written against one run work with the next; a port taken meanwhile is given up.
  const keptFile = options.dataDir !== undefined ? join(options.dataDir, KEPT_FILE) : undefined;
  const kept = keptFile ? readKept(keptFile) : undefined;
  let terminal: SimulatedTerminal<'printer' | 'scanner' | 'nfc'>;
  try {
    terminal = await startSimulatedTerminal({ ...base, ...keptOptions(kept) });
  } catch (err) {
    if (!kept || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    terminal = await startSimulatedTerminal({ ...base, token: kept.token });
  }
  const a = terminal.addresses;
  if (keptFile) writeKept(keptFile, { acquirerPort: portOf(a.acquirer!), acquirerControlPort: portOf(a.acquirerControl!), controlPort: portOf(a.control!), token: a.token! });
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

const KEPT_FILE = 'serve.json';

/** What `hw-sim serve --data-dir` keeps besides the pty links and the acquirer's files. */
interface Kept {
  acquirerPort: number;
  acquirerControlPort: number;
  controlPort: number;
  token: string;
}

function readKept(file: string): Kept | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as Partial<Kept>;
    const port = (n: unknown): n is number => Number.isInteger(n) && (n as number) > 0 && (n as number) < 65536;
    if (!port(value.acquirerPort) || !port(value.acquirerControlPort) || !port(value.controlPort) || typeof value.token !== 'string' || !/^[A-Za-z0-9_-]{16,128}$/.test(value.token)) return undefined;
    return value as Kept;
  } catch {
    return undefined;
  }
}

function keptOptions(kept: Kept | undefined): Partial<SimulatedTerminalOptions> {
  if (!kept) return {};
  return { token: kept.token, controlPort: kept.controlPort, acquirer: { port: kept.acquirerPort, controlPort: kept.acquirerControlPort } };
}

function writeKept(file: string, kept: Kept): void {
  writeFileSync(`${file}.tmp`, `${JSON.stringify(kept)}\n`, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}
