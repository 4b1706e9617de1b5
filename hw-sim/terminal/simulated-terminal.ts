import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimBus } from '../../src/drivers/transport/sim-bus.js';
import { SimHidBus } from '../../src/drivers/transport/sim-hid-bus.js';
import { toHex } from '../../src/encoding/hex.js';
import { issuerKey } from '../../src/protocol/wallet/certificate.js';
import { AcquirerSimulator, type AcquirerOptions } from '../acquirer/server.js';
import { IsoDepCard } from '../cards/iso-dep-card.js';
import { NtagTag } from '../cards/ntag-tag.js';
import { simulatorIssuers, type IssuerKeyInfo, type SimulatorIssuers, type WalletIssuer } from '../cards/issuer.js';
import { OfflineWalletApplet, type OfflineWalletOptions } from '../cards/offline-wallet.js';
import type { GpioTwin, GpioTwinOptions } from '../gpio/gpio-twin.js';
import { Pn532Twin, type Pn532TwinOptions } from '../pn532/pn532-twin.js';
import { EscPosPrinterTwin, type PrinterTwinOptions } from '../printer/printer-twin.js';
import { ScannerTwin, type ScannerTwinMode, type ScannerTwinOptions } from '../scanner/scanner-twin.js';
import { startTwinControl } from './control-server.js';
import { counterGpioTwin, DEFAULT_BAUD, REFERENCE_GPIO_PINS } from './counter-wiring.js';
import { SimulatedTerminalError } from './errors.js';
import { busSocket, hidSocket, ptySocket, type TwinSocket } from './serial-port.js';

export type TwinName = 'printer' | 'scanner' | 'nfc' | 'gpio';
export const TWIN_NAMES: readonly TwinName[] = ['printer', 'scanner', 'nfc', 'gpio'];

/** In-process buses (SimBus, SimHidBus), or socat pseudo-terminals any program can open. GPIO is in-process either way. */
export type TwinTransport = 'bus' | 'pty';

/**
 * A hardware wallet to put on a card: its key and id, its offline balance, limits, certificate
 * end and counter (OfflineWalletOptions), its asset, and the card's label and UID.
 */
export interface WalletSpec extends Omit<OfflineWalletOptions, 'issuer'> {
  label?: string;
  /** A fixed UID (4 or 7 bytes), or 'random' per tap as phones do (the default). */
  uid?: Uint8Array | 'random';
  /** The wallet's asset (default CNY): the terminal's issuer of that asset certifies it. */
  asset?: 'CNY' | 'MAT';
  /** Certified by this issuer instead (one the terminal does not trust). */
  issuer?: WalletIssuer;
  /** A clone of the wallet at this index (given earlier): the same key, id, certificate, balance and counter. */
  cloneOf?: number;
}

/** `devices.gpio.pins` of posd's configuration (docs/devices/gpio.md). */
export type GpioPinsConfig = Readonly<Record<string, string | { readonly pin: string; readonly active?: 'high' | 'low'; readonly pull?: 'up' | 'down' | 'none' }>>;

export interface SimulatedTerminalOptions<T extends TwinName = TwinName> {
  /** Which twins to start; default all four. */
  twins?: readonly T[];
  /** Default 'bus'. */
  transport?: TwinTransport;
  /** Start the acquirer simulator (default true); an object passes its options. */
  acquirer?: boolean | Omit<AcquirerOptions, 'dataDir'>;
  /** Keeps pty links and the acquirer's key and database across runs; default a temporary directory removed on close. */
  dataDir?: string;
  /** Pace the serial twins' bytes at their baud rates. */
  wireTiming?: boolean;
  /** Address of the HTTP servers (acquirer, control); default 127.0.0.1. */
  host?: string;
  /** Serve the twin control API over HTTP (scan, tap, printer faults), as `hw-sim serve` does; default false. */
  control?: boolean;
  /** The control API's port (default any free one). */
  controlPort?: number;
  /** The operator's bearer token for the twin control API and the acquirer's control port; default a random one (in `addresses.token`). */
  token?: string;
  printer?: PrinterTwinOptions & { profile?: string; baud?: number };
  scanner?: ScannerTwinOptions & { mode?: ScannerTwinMode; baud?: number };
  nfc?: Partial<Pn532TwinOptions> & { baud?: number };
  /** Pins as posd's config names them, and the twin (wiring, drawer, clock); default the reference counter. */
  gpio?: { pins?: GpioPinsConfig; twin?: GpioTwinOptions };
  /** How many hardware wallets to make (default 1, CNY), or each one's key, id, asset, balance, limits and card. */
  wallets?: number | readonly WalletSpec[];
  /** The wallet issuers of CNY and MAT (default the simulator's fixed ones, `simulatorIssuers()`). */
  issuers?: SimulatorIssuers;
}

interface TwinOf {
  printer: EscPosPrinterTwin;
  scanner: ScannerTwin;
  nfc: Pn532Twin;
  gpio: GpioTwin;
}

/** What posd's `devices` section must say to reach each twin. */
export interface DeviceOf {
  printer: { uri: string; profile: string };
  scanner: { uri: string };
  nfc: { uri: string };
  gpio: { uri: string; pins: GpioPinsConfig };
}

/** The in-process environment posd's drivers take (`sim:` URIs resolve through it). */
export interface SimulatedEnvironment {
  readonly simBus: SimBus;
  readonly simHidBus: SimHidBus;
  readonly simPlugins: ReadonlyMap<string, GpioTwin>;
}

/** Where everything is: for the pty transport the JSON `hw-sim serve` prints (printer/scanner/nfc are paths there). */
export interface TerminalAddresses {
  printer?: string;
  scanner?: string;
  nfc?: string;
  gpio?: string;
  acquirer?: string;
  acquirerKey?: string;
  acquirerControl?: string;
  control?: string;
  /** The bearer token the control ports (twins and acquirer) require: `authorization: Bearer <token>`. */
  token?: string;
}

export interface SimulatedTerminal<T extends TwinName = TwinName> {
  readonly devices: Pick<DeviceOf, T> & Partial<DeviceOf>;
  readonly env: SimulatedEnvironment;
  readonly twins: Pick<TwinOf, T> & Partial<TwinOf>;
  /** Cards a customer may tap: one per wallet, and a plain NFC tag. */
  readonly cards: { readonly wallets: readonly IsoDepCard[]; readonly wallet: IsoDepCard | undefined; readonly tag: NtagTag };
  readonly wallets: readonly OfflineWalletApplet[];
  /** The issuers that certify the wallets (CNY and MAT, each its own key). */
  readonly issuers: SimulatorIssuers;
  /** The issuers' public keys by asset, as posd's `payments.issuerKeys` setting takes them. */
  readonly issuerKeys: Record<'CNY' | 'MAT', IssuerKeyInfo[]>;
  readonly acquirer: AcquirerSimulator | undefined;
  readonly addresses: TerminalAddresses;
  /** Where pty links and the acquirer's files are (undefined when nothing needed a directory). */
  readonly dataDir: string | undefined;
  /** Pulls a serial or HID twin's cable (a bus unplug, or the pty pair gone); plug() puts it back. */
  unplug(twin: Exclude<TwinName, 'gpio'>): Promise<void>;
  plug(twin: Exclude<TwinName, 'gpio'>): Promise<void>;
  close(): Promise<void>;
}

/**
 * One simulated counter: the device twins wired to in-process buses or pseudo-terminals, the
 * cards a customer carries, the acquirer simulator, and optionally an HTTP control API. The
 * demo, `hw-sim serve` and every test rig start their hardware through here.
 */
export async function startSimulatedTerminal<T extends TwinName = TwinName>(options: SimulatedTerminalOptions<T> = {}): Promise<SimulatedTerminal<T>> {
  const wanted = new Set<TwinName>(options.twins ?? TWIN_NAMES);
  for (const name of wanted) if (!TWIN_NAMES.includes(name)) throw new SimulatedTerminalError('no_such_twin', `no twin called ${String(name)} (known: ${TWIN_NAMES.join(', ')})`);
  const transport = options.transport ?? 'bus';
  if (transport !== 'bus' && transport !== 'pty') throw new SimulatedTerminalError('bad_option', `transport must be 'bus' or 'pty', not ${String(transport)}`);
  const wireTiming = options.wireTiming ?? false;
  const host = options.host ?? '127.0.0.1';
  const wantsAcquirer = options.acquirer !== false;
  const wantsControl = options.control ?? false;
  const token = options.token ?? randomBytes(24).toString('base64url');

  const closers: (() => Promise<void> | void)[] = [];
  let dataDir: string | undefined;
  const directory = (): string => {
    if (dataDir) return dataDir;
    if (options.dataDir) {
      mkdirSync(options.dataDir, { recursive: true });
      dataDir = options.dataDir;
    } else {
      const temporary = mkdtempSync(join(tmpdir(), 'posd-hw-sim-'));
      closers.push(() => rmSync(temporary, { recursive: true, force: true }));
      dataDir = temporary;
    }
    return dataDir;
  };

  const env = { simBus: new SimBus(), simHidBus: new SimHidBus(), simPlugins: new Map<string, GpioTwin>() };
  const twins: Partial<TwinOf> = {};
  const devices: Partial<DeviceOf> = {};
  const addresses: TerminalAddresses = {};
  const sockets = new Map<Exclude<TwinName, 'gpio'>, TwinSocket>();
  const issuers = options.issuers ?? simulatorIssuers();
  const { wallets, cards } = makeCards(options.wallets ?? 1, issuers);
  let acquirer: AcquirerSimulator | undefined;

  const serialSocket = async (name: 'printer' | 'scanner' | 'nfc', endpoint: EscPosPrinterTwin | ScannerTwin | Pn532Twin, baud: number): Promise<string> => {
    const socket = transport === 'pty' ? await ptySocket(directory(), name, endpoint, baud, wireTiming) : busSocket(env.simBus, name, endpoint, wireTiming);
    sockets.set(name, socket);
    closers.push(() => socket.close());
    addresses[name] = socket.hostPath;
    return transport === 'pty' ? `serial:${socket.hostPath}?baud=${baud}` : `sim:${name}?baud=${baud}`;
  };

  try {
    if (wanted.has('printer')) {
      const { profile, baud, ...twinOptions } = options.printer ?? {};
      const twin = new EscPosPrinterTwin({ dotsPerLine: 384, chineseFirmware: true, ...twinOptions });
      twins.printer = twin;
      devices.printer = { uri: await serialSocket('printer', twin, baud ?? DEFAULT_BAUD.printer), profile: profile ?? 'generic-58-zh' };
    }
    if (wanted.has('scanner')) {
      const { mode: askedMode, baud, ...twinOptions } = options.scanner ?? {};
      const mode = askedMode ?? (transport === 'pty' ? 'serial' : 'wedge');
      const twin = new ScannerTwin(mode, twinOptions);
      twins.scanner = twin;
      if (mode === 'serial') {
        devices.scanner = { uri: await serialSocket('scanner', twin, baud ?? DEFAULT_BAUD.scanner) };
      } else {
        const socket = hidSocket(env.simHidBus, 'scanner', twin);
        sockets.set('scanner', socket);
        closers.push(() => socket.close());
        addresses.scanner = socket.hostPath;
        devices.scanner = { uri: `sim:scanner?transport=hid&mode=${mode}` };
      }
    }
    if (wanted.has('nfc')) {
      const { baud, ...twinOptions } = options.nfc ?? {};
      const twin = new Pn532Twin(twinOptions);
      twins.nfc = twin;
      devices.nfc = { uri: await serialSocket('nfc', twin, baud ?? DEFAULT_BAUD.nfc) };
    }
    if (wanted.has('gpio')) {
      const twin = counterGpioTwin(options.gpio?.twin);
      twins.gpio = twin;
      env.simPlugins.set('gpio', twin);
      closers.push(() => twin.dispose());
      devices.gpio = { uri: 'sim:gpio', pins: options.gpio?.pins ?? REFERENCE_GPIO_PINS };
      addresses.gpio = 'sim:gpio';
    }
    if (wantsAcquirer) {
      const acquirerOptions = typeof options.acquirer === 'object' ? options.acquirer : {};
      const walletIssuers = [issuers.CNY, issuers.MAT].map((i) => issuerKey(i.asset, i.publicKey));
      const started = await AcquirerSimulator.start({ host, operatorToken: token, walletIssuers, ...acquirerOptions, dataDir: join(directory(), 'acquirer') });
      acquirer = started;
      closers.push(() => started.close());
      addresses.acquirer = started.url;
      addresses.acquirerKey = toHex(started.publicKey);
      addresses.acquirerControl = started.controlUrl;
      addresses.token = started.operatorToken;
    }
  } catch (err) {
    await closeAll(closers);
    throw err;
  }

  const socketOf = (name: TwinName): TwinSocket => {
    const socket = name === 'gpio' ? undefined : sockets.get(name);
    if (!socket) throw new SimulatedTerminalError(name === 'gpio' ? 'not_pluggable' : 'no_such_twin', name === 'gpio' ? 'the GPIO twin is an IO plugin, not a cable: use its fail()' : `this terminal has no ${name} twin`);
    return socket;
  };
  const terminal: SimulatedTerminal<T> = {
    devices: devices as Pick<DeviceOf, T> & Partial<DeviceOf>,
    env,
    twins: twins as Pick<TwinOf, T> & Partial<TwinOf>,
    cards,
    wallets,
    issuers,
    issuerKeys: { CNY: [issuers.CNY.key()], MAT: [issuers.MAT.key()] },
    acquirer,
    addresses,
    get dataDir() {
      return dataDir;
    },
    unplug: async (name) => socketOf(name).unplug(),
    plug: async (name) => socketOf(name).plug(),
    close: () => closeAll(closers),
  };
  if (wantsControl) {
    try {
      const control = await startTwinControl(terminal, host, addresses.token ?? token, options.controlPort ?? 0);
      addresses.token ??= token;
      closers.push(() => control.close());
      addresses.control = `http://${host}:${(control.server.address() as { port: number }).port}`;
    } catch (err) {
      await closeAll(closers);
      throw err;
    }
  }
  return terminal;
}

function makeCards(wallets: number | readonly WalletSpec[], issuers: SimulatorIssuers): Pick<SimulatedTerminal, 'wallets' | 'cards'> {
  const specs: readonly WalletSpec[] = typeof wallets === 'number' ? countOf(wallets) : wallets;
  const applets: OfflineWalletApplet[] = [];
  const walletCards: IsoDepCard[] = [];
  specs.forEach((spec, i) => {
    const { label, uid, asset, issuer, cloneOf, ...appletOptions } = spec;
    let applet: OfflineWalletApplet;
    if (cloneOf !== undefined) {
      const original = applets[cloneOf];
      if (!original) throw new SimulatedTerminalError('bad_option', `wallets[${i}].cloneOf must name an earlier wallet, not ${cloneOf}`);
      applet = original.clone();
    } else {
      applet = new OfflineWalletApplet({ ...appletOptions, issuer: issuer ?? issuers[asset ?? 'CNY'] });
    }
    applets.push(applet);
    walletCards.push(new IsoDepCard([applet], { label: label ?? (i === 0 ? 'hardware wallet' : `hardware wallet ${i + 1}`), ...(uid !== undefined ? { uid } : {}) }));
  });
  return { wallets: applets, cards: { wallets: walletCards, wallet: walletCards[0], tag: new NtagTag() } };
}

const MAX_WALLETS = 64;

function countOf(n: number): WalletSpec[] {
  if (!Number.isInteger(n) || n < 0 || n > MAX_WALLETS) throw new SimulatedTerminalError('bad_option', `wallets must be 0..${MAX_WALLETS}, not ${n}`);
  return Array.from({ length: n }, () => ({}));
}

/** Runs every closer, newest first, even when one fails; each runs once. */
async function closeAll(closers: (() => Promise<void> | void)[]): Promise<void> {
  while (closers.length > 0) await Promise.resolve(closers.pop()!()).catch(() => undefined);
}
