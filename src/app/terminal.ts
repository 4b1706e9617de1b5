import { toHex } from '../encoding/hex.js';
import type { DeviceHealth, DeviceKind } from '../drivers/device.js';
import type { DeviceTypes } from '../drivers/registry.js';
import type { Totals } from '../protocol/record.js';
import type { DrainReport, SettlementDrainer, SettlementStatus } from '../settlement/drainer.js';
import type { Catalog } from '../terminal/catalog/catalog.js';
import type { AfterPayment } from '../payments/after-payment.js';
import type { CashApproval, Checkout } from '../payments/checkout.js';
import type { PaymentEngine } from '../payments/engine.js';
import type { Payment, PaymentMethod, OfflinePolicy } from '../payments/payment.js';
import type { PaymentRequest } from '../payments/request.js';
import type { Sale } from '../terminal/counter/sale.js';
import type { Journal } from '../terminal/ledger/journal.js';
import { PaymentError } from '../payments/errors.js';
import { closeDay, type DayClose } from '../terminal/reports/day-close.js';
import type { ScanClass } from '../terminal/scan-classification/index.js';
import type { DeviceSet } from './device-set.js';
import type { TerminalEventStream } from './events.js';
import type { IntegrityGuard, IntegrityStatus } from './integrity-guard.js';
import type { Logger } from './logger.js';
import type { DrawerService } from './drawer.js';
import type { PairingDesk, PairingState } from './pairing.js';
import type { PaymentReceipt } from './receipt-view.js';

/** What the faces see of the terminal at a glance. */
export interface TerminalStatus {
  terminal: string;
  headSeq: number;
  totals: Totals;
  devices: Partial<Record<DeviceKind, DeviceHealth>>;
  settlement: SettlementStatus | null;
  integrity: IntegrityStatus;
  /** The register pairing code shown on the counter screen, if any, and any lockout. */
  pairing: PairingState;
}

/** The basket being rung up and the ways to pay for it. */
export interface SaleService {
  /** Classifies scanned text and rings up a product (what the scanner does). */
  scan(text: string, symbology?: string): ScanClass;
  current(): Sale;
  /** Cash tendered for the current sale; returns once the payment is durable. */
  payCash(tendered: number): CashApproval;
  /** Starts paying the basket, by a chosen method or by whatever the customer presents. */
  pay(options?: { method?: PaymentMethod; offline?: OfflinePolicy; tendered?: number }): Payment;
  /** Empties the basket (not while it is being paid). */
  clear(): void;
  catalog(): Catalog;
}

/** Payments by id or idempotency key; one at a time. */
export interface PaymentService {
  create(request: PaymentRequest): Payment;
  get(id: string): Payment | undefined;
  byKey(idempotencyKey: string): Payment | undefined;
  last(): Payment | undefined;
  current(): Payment | undefined;
  recent(limit?: number): Payment[];
  cancel(id: string): Payment;
  /** Cash handed over for a waiting payment. */
  payCash(id: string, tendered: number): Payment;
  /** Prints a succeeded payment's receipt again. */
  reprint(id: string): Promise<void>;
  methods(): PaymentMethod[];
  /** A succeeded payment's receipt: its fields, its printed lines and its verification QR text. */
  receipt(id: string): PaymentReceipt | undefined;
}

/** What the faces need besides the sale: the pairing desk, the drawer, receipts as data. */
export interface FaceParts {
  pairing: PairingDesk;
  drawer: DrawerService;
  receiptOf: (payment: Payment) => PaymentReceipt | undefined;
}

/** The parts of the sale the app wired: the engine, the counter's checkout, what follows a payment. */
export interface SaleParts {
  engine: PaymentEngine;
  checkout: Checkout;
  after: AfterPayment;
}

export interface SettlementService {
  status(): SettlementStatus;
  /** Forwards and settles everything now (retrying up to `maxAttempts` failures in a row). */
  settleNow(maxAttempts?: number): Promise<DrainReport>;
}

export interface ReportService {
  /** The Z report: closes the business day with a signed day_close record and a checkpoint. */
  closeDay(day: string): DayClose;
}

/**
 * The terminal as its faces use it: one facade over the ledger, the sale, the devices and
 * settlement, with one event stream. Only src/app builds it (assemble()); posd, posctl, the
 * demo, hw-sim and the tests hold one.
 */
export class PosTerminal {
  readonly sale: SaleService;
  readonly payments: PaymentService;
  readonly settlement: SettlementService | null;
  readonly reports: ReportService;
  /** The code registers pair with (shown on the counter screen). */
  readonly pairing: Pick<PairingDesk, 'state' | 'open' | 'redeem' | 'unlock'>;
  readonly drawer: DrawerService;

  constructor(
    readonly events: TerminalEventStream,
    private readonly journal: Journal,
    parts: SaleParts,
    private readonly catalogOf: () => Catalog,
    private readonly deviceSet: DeviceSet,
    private readonly drainer: SettlementDrainer | undefined,
    private readonly integrity: IntegrityGuard,
    private readonly closers: readonly (() => Promise<void> | void)[],
    private readonly log: Logger,
    faces: FaceParts,
  ) {
    const { engine, checkout, after } = parts;
    this.pairing = faces.pairing;
    this.drawer = faces.drawer;
    this.sale = {
      scan: (text, symbology) => checkout.scanned(text, symbology),
      current: () => checkout.current,
      payCash: (tendered) => checkout.payCash(tendered),
      pay: (options) => checkout.pay(options),
      clear: () => checkout.clear(),
      catalog: () => this.catalogOf(),
    };
    this.payments = {
      create: (request) => engine.create(request),
      get: (id) => engine.get(id),
      byKey: (key) => engine.byKey(key),
      last: () => engine.last(),
      current: () => engine.current(),
      recent: (limit) => engine.recent(limit),
      cancel: (id) => engine.cancel(id),
      payCash: (id, tendered) => {
        const current = engine.current();
        if (!current || current.id !== id) throw new PaymentError('not_waiting', `payment ${id} is not waiting for the customer`);
        return engine.present({ kind: 'cash', tendered });
      },
      reprint: async (id) => {
        const payment = engine.get(id);
        if (!payment) throw new PaymentError('payment_not_found', `no payment ${id}`);
        if (payment.state !== 'succeeded') throw new PaymentError('not_waiting', `payment ${id} is ${payment.state}: there is no receipt`);
        await after.print(payment);
      },
      methods: () => engine.methods(),
      receipt: (id) => {
        const payment = engine.get(id);
        return payment && faces.receiptOf(payment);
      },
    };
    this.settlement = drainer
      ? {
          status: () => drainer.status(),
          settleNow: (maxAttempts = 1) => drainer.drain(maxAttempts),
        }
      : null;
    this.reports = { closeDay: (day) => closeDay(journal, day) };
  }

  get id(): string {
    return this.journal.terminalId;
  }

  /** The terminal's genesis public key (hex): what anyone needs to verify its journal and receipts. */
  get publicKey(): string {
    return toHex(this.journal.genesisPublicKey);
  }

  /** The devices themselves, for the technician's self-tests and the simulator; the faces use health(). */
  get devices(): Partial<DeviceTypes> {
    return this.deviceSet.devices;
  }

  deviceHealth(): Partial<Record<DeviceKind, DeviceHealth>> {
    return this.deviceSet.health();
  }

  status(): TerminalStatus {
    return {
      terminal: this.journal.terminalId,
      headSeq: this.journal.headSeq,
      totals: this.journal.totals,
      devices: this.deviceSet.health(),
      settlement: this.drainer?.status() ?? null,
      integrity: this.integrity.status(),
      pairing: this.pairing.state(),
    };
  }

  /** Stops settlement, the devices and the journal, in that order; safe to call twice. */
  async stop(): Promise<void> {
    for (const close of this.closers) {
      try {
        await close();
      } catch (err) {
        this.log.error({ err: (err as Error).message }, 'stopping: a part did not stop cleanly');
      }
    }
  }
}
