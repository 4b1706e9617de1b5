import { toHex } from '../encoding/hex.js';
import type { DeviceHealth, DeviceKind } from '../drivers/device.js';
import type { DeviceTypes } from '../drivers/registry.js';
import type { TerminalProfile } from '../protocol/profile.js';
import type { Totals } from '../protocol/record.js';
import type { Pairing, ProfileState, Provisioning } from '../provisioning/provisioning.js';
import type { DrainReport, SettlementDrainer, SettlementStatus } from '../settlement/drainer.js';
import type { Catalog } from '../terminal/catalog/catalog.js';
import type { AfterPayment, CopyChoice } from '../payments/after-payment.js';
import type { CashApproval, Checkout } from '../payments/checkout.js';
import type { PaymentEngine } from '../payments/engine.js';
import type { Payment, PaymentMethod, OfflinePolicy } from '../payments/payment.js';
import type { PaymentPolicy } from '../payments/policy.js';
import type { PaymentRequest } from '../payments/request.js';
import type { OfflineExposure } from '../payments/offline-limits.js';
import type { PaymentReturn, RefundRequest, Returns, VoidRequest } from '../payments/refunds/returns.js';
import type { Sale } from '../terminal/counter/sale.js';
import type { Journal } from '../terminal/ledger/journal.js';
import { PaymentError } from '../payments/errors.js';
import type { ReceiptContent, ReceiptOutput } from '../terminal/ports.js';
import { ReceiptError } from '../terminal/receipts/errors.js';
import { businessDay, closeDay, dayAfter, lastClosedDay, type DayClose } from '../terminal/reports/day-close.js';
import { ReportError } from '../terminal/reports/errors.js';
import { reportContent, xReport, zReport, type EndOfDayReport } from '../terminal/reports/end-of-day.js';
import type { ScanClass } from '../terminal/scan-classification/index.js';
import type { DeviceSet } from './device-set.js';
import type { TerminalEventStream } from './events.js';
import type { IntegrityGuard, IntegrityStatus } from './integrity-guard.js';
import type { Logger } from './logger.js';
import type { DrawerService } from './drawer.js';
import type { PairingDesk, PairingState } from './pairing.js';
import type { PaymentReceipt, RecordReceipt } from './receipt-view.js';
import type { ServiceDesk } from './service/service-desk.js';

/** What the faces see of the terminal at a glance. */
export interface TerminalStatus {
  terminal: string;
  headSeq: number;
  totals: Totals;
  devices: Partial<Record<DeviceKind, DeviceHealth>>;
  settlement: SettlementStatus | null;
  integrity: IntegrityStatus;
  /** Offline payments taken and not yet settled: count, amount per asset, time since the last settlement. */
  offline: OfflineExposure | null;
  /** Null when no acquirer root key is configured (provisioning off). */
  provisioning: ProfileState | null;
  /** The register pairing code shown on the counter screen, if any, and any lockout. */
  pairing: PairingState;
}

/**
 * Provisioning as the faces use it (docs/provisioning.md): the profile's state, the pairing code
 * while unprovisioned, enrolment, profile updates, key rotation.
 */
export interface ProvisioningService {
  state(): ProfileState;
  profile(): TerminalProfile | undefined;
  pairing(): Pairing;
  /** The enrolment exchange with a one-time code from the acquirer (the console's `provision`). */
  provision(code: string, acquirerUrl?: string): Promise<ProfileState>;
  /** A profile pushed through the local API: verified, journaled and stored when newer. */
  acceptProfile(profile: unknown): { changed: boolean; version: number };
  /** Asks the acquirer for a pending key endorsement and the newest profile (done after every settlement). */
  refresh(): Promise<{ changed: boolean; version: number }>;
  rotateKey(): Promise<{ keyId: string; seq: number; endorsed: boolean; pendingReason?: string }>;
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
  /**
   * Refunds part or all of what is left of a payment (by payment id or journal seq), under the
   * caller's idempotency key: online payments at the acquirer first, then the journal record;
   * cash out of the drawer. State `pending` when the acquirer could not be reached: ask again with the same key.
   */
  refund(request: RefundRequest): Promise<PaymentReturn>;
  /** Voids a whole payment before it is settled (online: the acquirer cancels the order first). */
  void(request: VoidRequest): Promise<PaymentReturn>;
  /** A refund or void by its idempotency key. */
  returned(key: string): PaymentReturn | undefined;
  /** A succeeded payment's receipt: its fields, its printed lines and its verification QR text. */
  receipt(id: string): PaymentReceipt | undefined;
}

/** What the faces need besides the sale: the pairing desk, the drawer, receipts as data. */
export interface FaceParts {
  pairing: PairingDesk;
  drawer: DrawerService;
  receiptOf: (payment: Payment) => PaymentReceipt | undefined;
  /** The technician's device report, self-tests and queue (posctl console). */
  service: ServiceDesk;
  /** Any money record's receipt as data (payments, refunds, voids, reversals). */
  recordReceipt: (seq: number) => RecordReceipt;
}

/** The parts of the sale the app wired: the engine, the counter's checkout, what follows a payment. */
export interface SaleParts {
  engine: PaymentEngine;
  checkout: Checkout;
  after: AfterPayment;
  /** The policy in force (merchant, time zone); default: the defaults. */
  policy?: () => PaymentPolicy;
  /** The printer for reports. */
  printer?: ReceiptOutput;
  /** The live offline counters (what the offline limits are checked against). */
  offlineExposure?: () => OfflineExposure;
  /** Refunds and voids; absent where the app wires none (the facade then refuses them). */
  returns?: Returns;
}

export interface SettlementService {
  status(): SettlementStatus;
  /** Forwards and settles everything now (retrying up to `maxAttempts` failures in a row). */
  settleNow(maxAttempts?: number): Promise<DrainReport>;
}

export interface ReportService {
  /** The Z report: closes the business day with a signed day_close record and a checkpoint. */
  closeDay(day: string): DayClose;
  /** The X report: running totals since the last Z, by asset and by method; resets nothing. */
  x(): EndOfDayReport;
  /**
   * The Z report: closes the business day (irreversible; the next Z number), appends the
   * day_close record and a checkpoint, then starts settlement. `day` defaults to the local date
   * (shop's zone) of the day's first financial record, or today when there is none; the day
   * after the last closed one when that day is closed already. Refused with PaymentError('busy')
   * while a payment is in progress, and with ReportError('day_closed') for the day the last Z closed.
   */
  z(options?: { day?: string }): EndOfDayReport;
  /** Prints an X or Z report. */
  print(report: EndOfDayReport): Promise<void>;
}

/** Receipts from the journal: reprints of any payment, refund, void or reversal. */
export interface ReceiptService {
  /** Prints a record's receipt again, marked as a reprint; the last receipt when no seq is given. Returns the seq printed. */
  reprint(seq?: number, options?: { copies?: CopyChoice }): Promise<number>;
  /** The newest record with a receipt (payment, refund or void), or null. */
  last(): number | null;
  /** A record's receipts as they would print now, one per copy. */
  content(seq: number, options?: { copies?: CopyChoice; reprint?: boolean }): ReceiptContent[];
  /** The QR text of a record's receipt (docs/receipt-qr.md). */
  qr(seq: number): string | null;
  /** A record's customer receipt as data: its printed lines and its QR text. Throws ReceiptError (not_found, no_receipt). */
  view(seq: number): RecordReceipt;
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
  readonly receipts: ReceiptService;
  readonly provisioning: ProvisioningService | null;
  private readonly offlineExposure: (() => OfflineExposure) | undefined;
  /** The code registers pair with (shown on the counter screen). */
  readonly pairing: Pick<PairingDesk, 'state' | 'open' | 'redeem' | 'unlock'>;
  readonly drawer: DrawerService;
  /** The technician's tools: device report, self-tests, the settlement queue. */
  readonly service: ServiceDesk;

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
    private readonly provisioner: Provisioning | undefined,
    faces: FaceParts,
  ) {
    this.provisioning = provisioner ? provisioningService(provisioner) : null;
    const { engine, checkout, after, returns } = parts;
    this.offlineExposure = parts.offlineExposure;
    this.pairing = faces.pairing;
    this.drawer = faces.drawer;
    this.service = faces.service;
    const noReturns = (): never => {
      throw new PaymentError('method_unavailable', 'refunds and voids are not set up on this terminal');
    };
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
        await after.print(payment, { reprint: true });
      },
      methods: () => engine.methods(),
      refund: async (request) => (returns ? returns.refund(request) : noReturns()),
      void: async (request) => (returns ? returns.void(request) : noReturns()),
      returned: (key) => returns?.get(key),
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
    this.reports = this.reportService(parts);
    this.receipts = {
      reprint: async (seq, options = {}) => {
        const target = seq ?? after.lastReceiptSeq();
        if (target === null) throw new ReceiptError('not_found', 'no receipt has been printed on this terminal yet');
        await after.printRecord(target, { reprint: true, ...(options.copies ? { copies: options.copies } : {}) });
        return target;
      },
      last: () => after.lastReceiptSeq(),
      content: (seq, options = {}) => after.receipts(seq, options),
      qr: (seq) => after.qr(seq),
      view: (seq) => faces.recordReceipt(seq),
    };
  }

  private reportService(parts: SaleParts): ReportService {
    const journal = this.journal;
    const zone = (): string => parts.policy?.().merchant.timezone ?? 'Asia/Shanghai';
    return {
      closeDay: (day) => closeDay(journal, day),
      x: () => xReport(journal, Date.now()),
      z: (options = {}) => {
        const active = parts.engine.current();
        if (active) throw new PaymentError('busy', `payment ${active.id} is in progress (${active.state}): finish or cancel it before closing the day`);
        const now = Date.now();
        const closed = lastClosedDay(journal);
        if (options.day !== undefined && options.day === closed?.day) {
          throw new ReportError('day_closed', `business day ${options.day} was closed by Z ${closed.z}: print that report again, or close another day`);
        }
        // Sales after a Z on the same calendar day belong to the next business day.
        let day = options.day ?? businessDay(journal, zone(), now);
        if (options.day === undefined && closed && day <= closed.day) day = dayAfter(closed.day);
        const report = zReport(journal.terminalId, closeDay(journal, day), now);
        this.log.info({ z: report.z, day: report.day, from: report.from, through: report.through, seq: report.dayCloseSeq }, 'day closed (Z report)');
        this.drainer?.drainOnce().catch((err: Error) => this.log.warn({ err: err.message }, 'settlement after the day close did not finish; it is retried'));
        return report;
      },
      print: async (report) => {
        if (!parts.printer) throw new ReceiptError('no_printer', 'this terminal has no printer');
        const policy = parts.policy?.();
        const merchant = { name: policy?.merchant.name ?? 'posd', ...(policy?.merchant.city ? { city: policy.merchant.city } : {}) };
        await parts.printer.print(reportContent(report, { merchant, timezone: zone(), language: parts.printer.chinese === false ? 'en' : 'zh-en' }));
      },
    };
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
      provisioning: this.provisioner?.profileState() ?? null,
      offline: this.offlineExposure?.() ?? null,
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

function provisioningService(p: Provisioning): ProvisioningService {
  return {
    state: () => p.profileState(),
    profile: () => p.currentProfile(),
    pairing: () => p.pairing(),
    provision: async (code, acquirerUrl) => {
      await p.enrol(code, acquirerUrl);
      return p.profileState();
    },
    acceptProfile: (profile) => {
      const result = p.accept(profile);
      return { changed: result.changed, version: result.profile.version };
    },
    refresh: () => p.refresh(),
    rotateKey: () => p.rotateKey(),
  };
}
