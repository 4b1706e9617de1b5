import type { DeviceTypes } from '../drivers/registry.js';
import { ApduClient } from '../drivers/iso7816/apdu-client.js';
import { AfterPayment } from '../payments/after-payment.js';
import { Checkout } from '../payments/checkout.js';
import { PaymentEngine } from '../payments/engine.js';
import { offlineExposure, type OfflineExposure, type SettlementPoint } from '../payments/offline-limits.js';
import { defaultPaymentPolicy, type PaymentPolicy } from '../payments/policy.js';
import { Returns } from '../payments/refunds/returns.js';
import type { AuthorizationClient } from '../payments/online/authorization-client.js';
import { authorizationClientFor } from './online.js';
import type { KeyEndorsement } from '../protocol/key-endorsement.js';
import type { Journal } from '../terminal/ledger/journal.js';
import type { Indicators, ReceiptOutput } from '../terminal/ports.js';
import type { CatalogSource } from './catalog-source.js';
import type { PosdConfig } from './config/config.js';
import type { TerminalEventStream } from './events.js';
import type { Logger } from './logger.js';
import { buildTenders } from './tenders.js';
import { withPaymentsConfig } from './config/payments.js';
import type { Tender } from '../payments/tender.js';
import type { InputHold } from './service/input-hold.js';

export interface SaleInputs {
  config: PosdConfig;
  journal: Journal;
  policy: () => PaymentPolicy;
  /** Why the terminal must take no payment now (integrity failed), or null. */
  outOfService: () => string | null;
  events: TerminalEventStream;
  log: Logger;
  catalog: CatalogSource;
  devices: Partial<DeviceTypes>;
  receipts?: ReceiptOutput;
  indicators?: Indicators;
  /** Tenders beside buildTenders' (tests). */
  extraTenders?: readonly Tender[];
  /** While a technician's self-test holds the scanner or the reader, their input does not reach the sale. */
  hold?: InputHold;
  /** The acquirer's endorsement of the current key, for receipts' QR codes (provisioning). */
  endorsement?: () => KeyEndorsement | null;
}

/** The payment policy until provisioning supplies one: the defaults with the config's merchant. */
export function paymentPolicyFor(config: PosdConfig): PaymentPolicy {
  const defaults = defaultPaymentPolicy();
  const policy = defaultPaymentPolicy({ merchant: { ...defaults.merchant, name: config.merchant.name, ...(config.merchant.city ? { city: config.merchant.city } : {}) } });
  return withPaymentsConfig(policy, config.payments);
}

/**
 * The sale: the payment engine with every tender this terminal has, the counter's checkout (the
 * scanner rings up and presents codes; a wallet in the NFC field pays) and what follows a payment.
 */
export function wireSale(inputs: SaleInputs): {
  engine: PaymentEngine;
  checkout: Checkout;
  after: AfterPayment;
  offlineExposure: () => OfflineExposure;
  returns: Returns;
  online: AuthorizationClient | undefined;
} {
  const { config, journal, policy, outOfService, events, log, catalog, devices, receipts, indicators } = inputs;
  const online = authorizationClientFor(config, journal, policy);
  const engine = new PaymentEngine({
    terminalId: journal.terminalId,
    journal,
    book: journal.payments!,
    tenders: [...buildTenders({ config, journal, policy, devices, log, ...(online ? { online } : {}) }), ...(inputs.extraTenders ?? [])],
    policy,
    settlement: () => settlementPoint(journal),
    outOfService,
  });
  const checkout = new Checkout({ engine, catalog: { find: (gtin) => catalog.catalog.find(gtin) }, codeTables: () => policy().codeTable, ...(indicators ? { indicators } : {}) });
  const after = new AfterPayment({
    engine,
    journal,
    policy,
    settlement: () => settlementPoint(journal),
    ...(receipts ? { printer: receipts } : {}),
    ...(indicators ? { indicators } : {}),
    ...(inputs.endorsement ? { endorsement: inputs.endorsement } : {}),
  });
  checkout.on('item', (line, total) => {
    log.info({ gtin: line.product.gtin, name: line.product.name, quantity: line.quantity, total }, 'item');
    events.emit('sale.item', { line, total });
  });
  checkout.on('rejected', (reason) => {
    log.info({ reason }, 'scan refused');
    events.emit('sale.refused', { reason });
  });
  engine.on('updated', (payment) => {
    const fields = { id: payment.id, state: payment.state, method: payment.method, amount: payment.amount, asset: payment.asset, seq: payment.seq, outcome: payment.outcome?.code };
    log.info(fields, payment.state === 'succeeded' ? 'payment approved (journaled)' : 'payment');
    events.emit('payment.updated', payment);
  });
  engine.on('fault', (payment, err) => log.error({ id: payment.id, state: payment.state, err: err.message }, 'payment step failed; moved to a safe state'));
  after.on('receiptPrinted', (seq) => events.emit('receipt.printed', { seq }));
  after.on('receiptFailed', (seq, err) => {
    log.warn({ seq, err: err.message }, 'receipt not printed');
    events.emit('receipt.failed', { seq, message: err.message });
  });
  const { scanner, nfc } = devices;
  const held = (input: 'scanner' | 'nfc'): boolean => inputs.hold?.isHeld(input) ?? false;
  if (scanner) checkout.listen({ on: (event, listener) => scanner.on(event, (scan) => held('scanner') || listener(scan)) });
  if (nfc) nfc.on('card', (card) => card.isoDep && !held('nfc') && checkout.tapped(new ApduClient(nfc.channel()), card.tapId));
  const returns = new Returns({
    journal,
    book: journal.returns!,
    payments: journal.payments!,
    settledThrough: () => journal.settlement?.settledThrough ?? -1,
    ...(online ? { acquirer: online } : {}),
    ...(indicators ? { indicators } : {}),
  });
  returns.on('updated', (ret) => {
    log.info({ key: ret.key, kind: ret.kind, state: ret.state, of: ret.of, amount: ret.amount, seq: ret.seq, outcome: ret.outcome?.code }, ret.kind);
    events.emit('payment.returned', ret);
  });
  engine.recover();
  returns.recover().catch((err: Error) => log.error({ err: err.message }, 'pending refunds and voids could not be finished'));
  return { engine, checkout, after, offlineExposure: () => offlineExposure(journal.payments!, settlementPoint(journal), Date.now()), returns, online };
}

/** Where settlement stands, for the offline limits: the last balanced close, or the terminal's first record. */
function settlementPoint(journal: Journal): SettlementPoint {
  const settledThrough = journal.settlement?.settledThrough ?? -1;
  const ack = journal.lastSeqOfKind('settlement_ack');
  return { settledThrough, lastSettledAt: journal.recordAt(ack ?? 0)!.time.wall };
}
