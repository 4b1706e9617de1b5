import { toHex } from '../encoding/hex.js';
import type { DeviceHealth, DeviceKind } from '../drivers/device.js';
import type { DeviceTypes } from '../drivers/registry.js';
import type { Totals } from '../protocol/record.js';
import type { DrainReport, SettlementDrainer, SettlementStatus } from '../settlement/drainer.js';
import type { Catalog } from '../terminal/catalog/catalog.js';
import type { Approval, Counter } from '../terminal/counter/counter.js';
import type { Sale } from '../terminal/counter/sale.js';
import type { Journal } from '../terminal/ledger/journal.js';
import { closeDay, type DayClose } from '../terminal/reports/day-close.js';
import type { ScanClass } from '../terminal/scan-classification/index.js';
import type { DeviceSet } from './device-set.js';
import type { TerminalEventStream } from './events.js';
import type { Logger } from './logger.js';

/** What the faces see of the terminal at a glance. */
export interface TerminalStatus {
  terminal: string;
  headSeq: number;
  totals: Totals;
  devices: Partial<Record<DeviceKind, DeviceHealth>>;
  settlement: SettlementStatus | null;
}

/** The basket being rung up and the ways to pay for it. */
export interface SaleService {
  /** Classifies scanned text and rings up a product (what the scanner does). */
  scan(text: string, symbology?: string): ScanClass;
  current(): Sale;
  /** Cash tendered for the current sale; resolves once the payment is durable. */
  payCash(tendered: number): Approval;
  catalog(): Catalog;
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
  readonly settlement: SettlementService | null;
  readonly reports: ReportService;

  constructor(
    readonly events: TerminalEventStream,
    private readonly journal: Journal,
    counter: Counter,
    private readonly catalogOf: () => Catalog,
    private readonly deviceSet: DeviceSet,
    private readonly drainer: SettlementDrainer | undefined,
    private readonly closers: readonly (() => Promise<void> | void)[],
    private readonly log: Logger,
  ) {
    this.sale = {
      scan: (text, symbology) => counter.scanned(text, symbology),
      current: () => counter.current,
      payCash: (tendered) => counter.payCash(tendered),
      catalog: () => this.catalogOf(),
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
