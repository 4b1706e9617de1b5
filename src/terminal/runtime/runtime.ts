import { EventEmitter } from 'node:events';
import { fromHex } from '../../encoding/hex.js';
import type { CounterGpio, GpioEnvironment } from '../../drivers/gpio/index.js';
import type { NfcReader } from '../../drivers/nfc/index.js';
import type { EscPosPrinter as PrinterDevice } from '../../drivers/printer/index.js';
import type { Scanner } from '../../drivers/scanner/index.js';
import type { LinkEnvironment } from '../../drivers/transport/open-link.js';
import { AcquirerClient } from '../../settlement/acquirer-client.js';
import { SettlementDrainer, type SettlementStatus } from '../../settlement/drainer.js';
import type { PosdConfig } from '../config/config.js';
import { Catalog, DEMO_PRODUCTS, type Product } from '../counter/catalog.js';
import { Counter } from '../counter/counter.js';
import { Journal } from '../ledger/journal.js';
import type { Indicators, ReceiptOutput } from '../ports.js';
import { gpioIndicators } from './gpio-indicators.js';
import { silentLogger, type Logger } from './logger.js';

export type RuntimeEnvironment = LinkEnvironment & GpioEnvironment;

export interface RuntimeOptions {
  config: PosdConfig;
  env?: RuntimeEnvironment;
  log?: Logger;
  catalog?: readonly Product[];
}

export interface DeviceStatus {
  printer?: string;
  scanner?: string;
  nfc?: string;
  gpio?: string;
}

export interface RuntimeStatus {
  terminal: string;
  headSeq: number;
  devices: DeviceStatus;
  sync: SettlementStatus | null;
}

interface RuntimeEvents {
  status: [RuntimeStatus];
}

/**
 * Drivers are imported only when the config names their device, so start-up pays for what
 * the terminal has.
 *
 * posd itself: the journal, the devices the config names, the counter, and settlement.
 * A device that cannot be opened is reported and retried by its link; it never stops the
 * counter from taking cash (the journal is the record; receipts can be reprinted).
 */
export class PosdRuntime extends EventEmitter<RuntimeEvents> {
  readonly devices: DeviceStatus = {};
  scanner: Scanner | undefined;
  nfc: NfcReader | undefined;
  printer: PrinterDevice | undefined;
  gpio: CounterGpio | undefined;
  drainer: SettlementDrainer | undefined;
  private client: AcquirerClient | undefined;

  private constructor(
    readonly journal: Journal,
    readonly counter: Counter,
    private readonly log: Logger,
  ) {
    super();
  }

  static async start(options: RuntimeOptions): Promise<PosdRuntime> {
    const { config } = options;
    const env = options.env ?? {};
    const log = options.log ?? silentLogger;
    const journal = Journal.open(config.dataDir);
    log.info({ terminal: journal.terminalId, headSeq: journal.headSeq, dataDir: config.dataDir }, 'journal open');
    for (const warning of journal.keyWarnings) log.warn({ warning }, 'key store');

    let gpio: CounterGpio | undefined;
    if (config.devices.gpio) {
      try {
        const { openCounterGpio } = await import('../../drivers/gpio/index.js');
        gpio = await openCounterGpio(config.devices.gpio, env);
      } catch (err) {
        log.error({ err: (err as Error).message, uri: config.devices.gpio.uri }, 'GPIO unavailable');
      }
    }
    const indicators: Indicators | undefined = gpio ? gpioIndicators(gpio) : undefined;
    let printerDevice: PrinterDevice | undefined;
    let printer: ReceiptOutput | undefined;
    if (config.devices.printer) {
      const [{ EscPosPrinter }, { profileById, GENERIC_58_ZH }, { escposReceiptPrinter }] = await Promise.all([
        import('../../drivers/printer/index.js'),
        import('../../drivers/escpos/profiles.js'),
        import('./escpos-receipts.js'),
      ]);
      const profile = config.devices.printer.profile ? profileById(config.devices.printer.profile) : GENERIC_58_ZH;
      printerDevice = await EscPosPrinter.open(config.devices.printer.uri, env, { profile });
      printer = escposReceiptPrinter(printerDevice);
    }
    const counter = new Counter({
      journal,
      catalog: new Catalog(options.catalog ?? DEMO_PRODUCTS),
      merchant: config.merchant,
      ...(printer ? { printer } : {}),
      ...(indicators ? { indicators } : {}),
    });
    const runtime = new PosdRuntime(journal, counter, log);
    counter.on('item', (line, total) => log.info({ gtin: line.product.gtin, name: line.product.name, quantity: line.quantity, total }, 'item'));
    counter.on('rejected', (reason) => log.info({ reason }, 'scan refused'));
    counter.on('approved', (a) => log.info({ ...a }, 'payment approved (journaled)'));
    counter.on('receiptFailed', (seq, err) => log.warn({ seq, err: err.message }, 'receipt not printed'));
    runtime.gpio = gpio;
    if (printerDevice) {
      runtime.printer = printerDevice;
      printerDevice.on('health', (h) => runtime.track('printer', h.state, h.reason));
      printerDevice.on('job', (j) => j.phase === 'interrupted' && log.warn({ job: j.id, reason: j.reason }, 'printing interrupted; the whole receipt will be printed again'));
      printerDevice.start();
    }
    if (gpio) {
      runtime.track('gpio', gpio.health().state, gpio.health().reason);
      gpio.on('health', (h) => runtime.track('gpio', h.state, h.reason));
      indicators?.setFault(false);
    }
    if (config.devices.scanner) {
      const { Scanner } = await import('../../drivers/scanner/index.js');
      const scanner = await Scanner.open(config.devices.scanner.uri, env);
      scanner.on('health', (h) => runtime.track('scanner', h.state, h.reason));
      scanner.on('reject', (e) => log.info({ code: e.code }, 'scanner input ignored'));
      counter.listen(scanner);
      scanner.start();
      runtime.scanner = scanner;
    }
    if (config.devices.nfc) {
      const { NfcReader } = await import('../../drivers/nfc/index.js');
      const nfc = await NfcReader.open(config.devices.nfc.uri, env);
      nfc.on('health', (h) => runtime.track('nfc', h.state, h.reason));
      nfc.on('card', (card) => log.info({ isoDep: card.isoDep, sak: card.sak }, 'card in the field'));
      nfc.start();
      runtime.nfc = nfc;
    }
    if (config.acquirer) {
      runtime.client = new AcquirerClient(config.acquirer.url);
      const drainer = new SettlementDrainer({ journal, client: runtime.client, acquirerPublicKey: fromHex(config.acquirer.publicKey, 32) });
      drainer.on('status', (s) => {
        indicators?.setOffline(s.lastError?.code === 'unreachable' || s.lastError?.code === 'timeout');
        runtime.emitStatus();
      });
      drainer.on('settled', (ack) => log.info({ through: ack.through, totals: ack.totals }, 'settled; checkpoint countersigned'));
      drainer.on('deadLetter', (d) => log.warn({ seq: d.seq, code: d.code }, 'record refused by the acquirer (dead letter)'));
      drainer.start();
      runtime.drainer = drainer;
    } else {
      log.warn({}, 'no acquirer configured: payments are kept in the journal until one is');
    }
    return runtime;
  }

  status(): RuntimeStatus {
    return { terminal: this.journal.terminalId, headSeq: this.journal.headSeq, devices: { ...this.devices }, sync: this.drainer?.status() ?? null };
  }

  async stop(): Promise<void> {
    await this.drainer?.stop();
    this.client?.close();
    await this.scanner?.stop();
    await this.nfc?.stop();
    await this.gpio?.stop();
    await this.printer?.stop();
    this.journal.close();
  }

  private readonly reasons: Partial<Record<keyof DeviceStatus, string | null>> = {};

  private track(device: keyof DeviceStatus, status: string, reason: string | null): void {
    if (this.devices[device] === status && this.reasons[device] === reason) return;
    this.devices[device] = status;
    this.reasons[device] = reason;
    this.log.info({ device, status, reason }, 'device status');
    this.emitStatus();
  }

  private emitStatus(): void {
    this.emit('status', this.status());
  }
}
