import { fromHex } from '../encoding/hex.js';
import type { DeviceEnvironment } from '../drivers/registry.js';
import { AcquirerClient } from '../settlement/acquirer-client.js';
import { SettlementDrainer } from '../settlement/drainer.js';
import type { Product } from '../terminal/catalog/catalog.js';
import type { PaymentPolicy } from '../payments/policy.js';
import { Journal } from '../terminal/ledger/journal.js';
import type { Indicators, ReceiptOutput } from '../terminal/ports.js';
import { escposReceiptPrinter } from './adapters/escpos-receipts.js';
import { gpioIndicators } from './adapters/gpio-indicators.js';
import { CatalogSource } from './catalog-source.js';
import type { PosdConfig } from './config/config.js';
import { DeviceSet } from './device-set.js';
import { IntegrityGuard } from './integrity-guard.js';
import { TerminalEventStream } from './events.js';
import { paymentPolicyFor, wireSale } from './sale-wiring.js';
import { silentLogger, type Logger } from './logger.js';
import { PosTerminal } from './terminal.js';
import { drawerService } from './drawer.js';
import { PairingDesk } from './pairing.js';
import { receiptViews } from './receipt-view.js';
import { GENERIC_58_ZH, profileById } from '../drivers/escpos/profiles.js';
import type { Tender } from '../payments/tender.js';

export interface AssembleOptions {
  /** Where simulated devices live (hw-sim's buses and IO plugins); real hardware needs none. */
  env?: DeviceEnvironment;
  log?: Logger;
  /** Sell these products instead of the catalogue file (the demo and tests). */
  products?: readonly Product[];
  /** Settle in the background as records arrive (default); posctl settles in the foreground instead. */
  settleInBackground?: boolean;
  /** Tenders added to the terminal's own (tests: a stand-in that holds a payment in a given state). */
  extraTenders?: readonly Tender[];
}

/**
 * The one composition root: the ledger, the devices the config names, the counter, settlement,
 * wired to one event stream, started, and handed back as one facade. Nothing else in posd
 * builds these parts or connects them.
 */
export async function assemble(config: PosdConfig, options: AssembleOptions = {}): Promise<PosTerminal> {
  const log = options.log ?? silentLogger;
  const events = new TerminalEventStream();
  const journal = Journal.open(config.dataDir);
  const closers: (() => Promise<void> | void)[] = [];
  try {
    log.info({ terminal: journal.terminalId, headSeq: journal.headSeq, dataDir: config.dataDir }, 'journal open');
    for (const warning of journal.keyWarnings) log.warn({ warning }, 'key store');
    const integrity = new IntegrityGuard(journal, events, log);
    const healthy = integrity.checkAtStart(config.acquirer ? fromHex(config.acquirer.publicKey, 32) : undefined);
    const catalog = options.products ? CatalogSource.fixed(options.products, events, log) : CatalogSource.open(config.catalog, config.dataDir, events, log);
    const devices = await DeviceSet.create(config.devices, options.env ?? {}, events, log);
    const { printer, gpio, scanner, nfc } = devices.devices;
    const receipts: ReceiptOutput | undefined = printer && escposReceiptPrinter(printer);
    const indicators: Indicators | undefined = gpio && gpioIndicators(gpio);

    const policy = (): PaymentPolicy => paymentPolicyFor(config);
    const { engine, checkout, after } = wireSale({
      config,
      journal,
      policy,
      outOfService: () => integrity.outOfService(),
      events,
      log,
      catalog,
      devices: devices.devices,
      ...(receipts ? { receipts } : {}),
      ...(indicators ? { indicators } : {}),
      ...(options.extraTenders ? { extraTenders: options.extraTenders } : {}),
    });
    closers.push(() => engine.stop());

    if (printer) {
      printer.on('job', (job) => job.phase === 'interrupted' && log.warn({ job: job.id, reason: job.reason }, 'printing interrupted; the whole receipt will be printed again'));
    }
    if (scanner) scanner.on('reject', (e) => log.info({ code: e.code }, 'scanner input ignored'));
    if (nfc) {
      nfc.on('card', (card) => {
        log.info({ isoDep: card.isoDep, sak: card.sak }, 'card in the field');
        events.emit('nfc.card', { tapId: card.tapId, isoDep: card.isoDep });
      });
      nfc.on('removed', (card, reason) => events.emit('nfc.removed', { tapId: card.tapId, reason }));
    }
    if (gpio) {
      gpio.on('drawer', (state) => events.emit('drawer.state', { state }));
      gpio.on('drawerLeftOpen', (openForMs) => events.emit('drawer.left_open', { openForMs }));
      gpio.on('cancel', () => events.emit('key.cancel'));
    }

    let drainer: SettlementDrainer | undefined;
    if (config.acquirer) {
      const client = new AcquirerClient(config.acquirer.url);
      drainer = new SettlementDrainer({ journal, client, acquirerPublicKey: fromHex(config.acquirer.publicKey, 32) });
      drainer.on('status', (status) => {
        const offline = status.lastError?.code === 'unreachable' || status.lastError?.code === 'timeout';
        indicators?.setOffline(offline);
        events.emit('settlement.status', status);
      });
      drainer.on('settled', (ack) => {
        log.info({ through: ack.through, totals: ack.totals }, 'settled; checkpoint countersigned');
        events.emit('settlement.settled', { through: ack.through, checkpoint: ack.checkpoint });
      });
      drainer.on('deadLetter', (d) => {
        log.warn({ seq: d.seq, code: d.code }, 'record refused by the acquirer (dead letter)');
        events.emit('settlement.dead_letter', d);
      });
      const running = drainer;
      closers.push(async () => {
        await running.stop();
        client.close();
      });
    } else {
      log.warn({}, 'no acquirer configured: payments are kept in the journal until one is');
    }
    closers.push(() => devices.stop(), () => catalog.close());

    devices.start();
    indicators?.setFault(false);
    if (healthy && options.settleInBackground !== false) drainer?.start();
    if (healthy) integrity.startAudit();
    closers.unshift(() => integrity.stopAudit());
    closers.push(() => journal.close());
    const printerProfile = () => printer?.profile ?? (config.devices.printer?.profile ? profileById(config.devices.printer.profile) : GENERIC_58_ZH);
    const faces = {
      pairing: new PairingDesk({ events, log }),
      drawer: drawerService({ ...(gpio ? { gpio } : {}), ...(printer ? { printer } : {}), log }),
      receiptOf: receiptViews(journal, () => config.merchant, printerProfile),
    };
    return new PosTerminal(events, journal, { engine, checkout, after }, () => catalog.catalog, devices, drainer, integrity, closers, log, faces);
  } catch (err) {
    for (const close of closers) await Promise.resolve(close()).catch(() => undefined);
    journal.close();
    throw err;
  }
}
