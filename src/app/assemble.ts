import { fromHex } from '../encoding/hex.js';
import type { DeviceEnvironment } from '../drivers/registry.js';
import { AcquirerClient } from '../settlement/acquirer-client.js';
import { SettlementDrainer } from '../settlement/drainer.js';
import type { Product } from '../terminal/catalog/catalog.js';
import type { PaymentPolicy } from '../payments/policy.js';
import { Journal, SOFTWARE } from '../terminal/ledger/journal.js';
import { Provisioning } from '../provisioning/provisioning.js';
import { policyFromProvisioning } from './profile-policy.js';
import type { Indicators, ReceiptOutput } from '../terminal/ports.js';
import { escposReceiptPrinter } from './adapters/escpos-receipts.js';
import { gpioIndicators } from './adapters/gpio-indicators.js';
import { CatalogSource } from './catalog-source.js';
import type { PosdConfig } from './config/config.js';
import { DeviceSet } from './device-set.js';
import { IntegrityGuard } from './integrity-guard.js';
import { LedgerIntegrityError } from '../terminal/ledger/integrity-error.js';
import { TerminalEventStream } from './events.js';
import { acquireWriterLock } from './writer-lock.js';
import { paymentPolicyFor, wireSale } from './sale-wiring.js';
import { silentLogger, type Logger } from './logger.js';
import { PosTerminal } from './terminal.js';
import { drawerService } from './drawer.js';
import { PairingDesk } from './pairing.js';
import { receiptViews, recordReceiptViews } from './receipt-view.js';
import { GENERIC_58_ZH, profileById } from '../drivers/escpos/profiles.js';
import type { Tender } from '../payments/tender.js';
import { classifyScan } from '../terminal/scan-classification/index.js';
import { InputHold } from './service/input-hold.js';
import { serviceDesk } from './service/service-desk.js';

export interface AssembleOptions {
  /** Where simulated devices live (hw-sim's buses and IO plugins); real hardware needs none. */
  env?: DeviceEnvironment;
  log?: Logger;
  /** Sell these products instead of the catalogue file (the demo and tests). */
  products?: readonly Product[];
  /** Settle in the background as records arrive (default); posctl settles in the foreground instead. */
  settleInBackground?: boolean;
  /** The payment policy to use instead of the one from the config (tests, the demo), until provisioning supplies it. */
  policy?: PaymentPolicy;
  /** Tenders added to the terminal's own (tests: a stand-in that holds a payment in a given state). */
  extraTenders?: readonly Tender[];
}

/** How long a stop waits for a receipt still printing; inside posd's whole stop grace (5 s). */
const RECEIPT_STOP_GRACE_MS = 3000;

/**
 * The one composition root: the ledger, the devices the config names, the counter, settlement,
 * wired to one event stream, started, and handed back as one facade. Nothing else in posd
 * builds these parts or connects them.
 */
export async function assemble(config: PosdConfig, options: AssembleOptions = {}): Promise<PosTerminal> {
  const log = options.log ?? silentLogger;
  const events = new TerminalEventStream();
  const lock = acquireWriterLock(config.dataDir);
  let journal: Journal;
  try {
    journal = Journal.open(config.dataDir);
  } catch (err) {
    lock.release();
    throw err;
  }
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

    // The terminal's profile from its acquirer (docs/provisioning.md); without a pinned root key, the config's defaults.
    let provisioning: Provisioning | undefined;
    if (config.provisioning) {
      const acquirerUrl = config.provisioning.acquirerUrl ?? config.acquirer?.url;
      const started = new Provisioning({ journal, acquirerRootKey: fromHex(config.provisioning.acquirerRootKey, 32), ...(acquirerUrl ? { acquirerUrl } : {}), software: SOFTWARE });
      provisioning = started;
      closers.push(() => started.close());
      logProvisioning(log, started);
      started.on('change', (change) => {
        logProvisioning(log, started, change.cause);
        events.emit('provisioning.changed', change);
      });
    }
    const fallbackPolicy = options.policy ?? paymentPolicyFor(config);
    const policy = (): PaymentPolicy => (provisioning ? policyFromProvisioning(provisioning, fallbackPolicy) : fallbackPolicy);
    const hold = new InputHold();
    const { engine, checkout, after, offlineExposure, returns, online } = wireSale({
      hold,
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
      ...(provisioning ? { endorsement: () => provisioning!.currentEndorsement() } : {}),
    });
    closers.push(() => engine.stop());
    if (online) closers.push(() => online.stop());

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
      // Reversals of lost authorisations go before every upload (docs/authorization-protocol.md section 8).
      drainer = new SettlementDrainer({ journal, client, acquirerPublicKey: fromHex(config.acquirer.publicKey, 32), priorityWork: () => engine.reverseQueued() });
      drainer.on('status', (status) => {
        const offline = status.lastError?.code === 'unreachable' || status.lastError?.code === 'timeout';
        indicators?.setOffline(offline);
        events.emit('settlement.status', status);
      });
      drainer.on('settled', (ack) => {
        log.info({ through: ack.through, totals: ack.totals }, 'settled; checkpoint countersigned');
        events.emit('settlement.settled', { through: ack.through, checkpoint: ack.checkpoint });
        // Profile updates (and a pending key endorsement) are fetched at every settlement.
        if (provisioning?.isProvisioned()) {
          provisioning.refresh().catch((err: Error & { code?: string }) => {
            log.warn({ code: err.code, err: err.message }, 'profile update not fetched; the profile held stays in force');
            events.emit('provisioning.refresh_failed', { code: err.code ?? 'internal', message: err.message });
          });
        }
      });
      drainer.on('failed', (failure) => {
        const fields = {
          code: failure.code,
          cause: failure.message,
          attempt: failure.attempt,
          retryable: failure.retryable,
          retryInMs: failure.retryInMs,
          ...(failure.batch ? { batch: failure.batch.id, batchKind: failure.batch.kind } : {}),
        };
        if (failure.halted) log.error(fields, 'settlement halted: the journal failed an integrity check; no retries until posd restarts or a settle is asked for');
        else if (failure.retryable) log.warn(fields, 'settlement attempt failed; retrying');
        else log.error(fields, 'settlement attempt failed');
        events.emit('settlement.failed', failure);
        if (failure.code === 'integrity_failed') integrity.fail(new LedgerIntegrityError('bad_record', failure.record ?? -1, failure.message));
      });
      drainer.on('deadLetter', (d) => {
        log.warn({ seq: d.seq, code: d.code }, 'record refused by the acquirer (dead letter)');
        events.emit('settlement.dead_letter', d);
      });
      const running = drainer;
      closers.push(async () => {
        // Abandon a request in flight first: its batch is stored and goes again, same key, at the next start.
        client.close();
        await running.stop();
      });
    } else {
      log.warn({}, 'no acquirer configured: payments are kept in the journal until one is');
    }
    closers.push(
      async () => {
        // The customer's receipt in the printer finishes before the printer closes (bounded: out of
        // paper it would wait for ever; the journal keeps it for a reprint either way).
        if (!(await after.finishPrinting(RECEIPT_STOP_GRACE_MS))) log.warn({ graceMs: RECEIPT_STOP_GRACE_MS }, 'stopping: a receipt was still printing; reprint it from the journal');
      },
      () => devices.stop(),
      () => catalog.close(),
    );

    devices.start();
    indicators?.setFault(false);
    // An unprovisioned terminal does not settle (the acquirer would refuse it): it starts once a profile is accepted.
    const settleInBackground = (): void => {
      if (healthy && options.settleInBackground !== false) drainer?.start();
    };
    if (!provisioning || provisioning.isProvisioned()) settleInBackground();
    else provisioning.on('change', () => provisioning!.isProvisioned() && settleInBackground());
    if (healthy) integrity.startAudit();
    closers.unshift(() => integrity.stopAudit());
    closers.push(() => journal.close(), () => lock.release());
    const drawer = drawerService({ ...(gpio ? { gpio } : {}), ...(printer ? { printer } : {}), log });
    const settlementStatus = drainer ? () => drainer!.status() : () => null;
    const printerProfile = () => printer?.profile ?? (config.devices.printer?.profile ? profileById(config.devices.printer.profile) : GENERIC_58_ZH);
    const faces = {
      pairing: new PairingDesk({ events, log }),
      drawer,
      service: serviceDesk({
        devices: devices.devices,
        journal,
        hold,
        drawer,
        settlement: settlementStatus,
        acquirerUrl: config.acquirer?.url,
        acquirerPublicKey: config.acquirer?.publicKey,
        currentPayment: () => engine.current(),
        classify: (text, symbology) => classifyScan(text, policy().codeTable, { symbology }).kind,
      }),
      receiptOf: receiptViews(after, printerProfile),
      recordReceipt: recordReceiptViews(after, printerProfile, (seq) => journal.recordAt(seq)?.kind),
    };
    return new PosTerminal(
      events,
      journal,
      { engine, checkout, after, returns, policy, offlineExposure, ...(receipts ? { printer: receipts } : {}) },
      () => catalog.catalog,
      devices,
      drainer,
      integrity,
      closers,
      log,
      provisioning,
      faces,
    );
  } catch (err) {
    for (const close of closers) await Promise.resolve(close()).catch(() => undefined);
    journal.close();
    lock.release();
    throw err;
  }
}

/** The log says what the terminal may do: while unprovisioned, why, with the pairing code and fingerprint to match. */
function logProvisioning(log: Logger, provisioning: Provisioning, cause?: string): void {
  const state = provisioning.profileState();
  if (state.state === 'unprovisioned') {
    log.warn(
      { provisioning: 'unprovisioned', reason: state.reason, pairingCode: state.pairing.code, fingerprint: state.pairing.fingerprint, terminal: state.pairing.terminal },
      'unprovisioned: no payments until the acquirer enrols this terminal (match the pairing code)',
    );
  } else if (state.state === 'expired') {
    log.warn({ provisioning: 'expired', reason: state.reason, version: state.version, ...(cause ? { cause } : {}) }, 'profile expired: offline payments stopped');
  } else {
    log.info({ provisioning: 'active', version: state.version, tid: state.tid, mid: state.mid, expiresAt: state.expiresAt, endorsementPending: state.endorsementPending, ...(cause ? { cause } : {}) }, 'profile in force');
  }
}
