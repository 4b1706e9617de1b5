import { toHex } from '../encoding/hex.js';
import type { DeviceHealth, DeviceKind } from '../drivers/device.js';
import type { DeviceTypes } from '../drivers/registry.js';
import type { TerminalProfile } from '../protocol/profile.js';
import type { Totals } from '../protocol/record.js';
import type { Pairing, PaymentPolicy, ProfileState, Provisioning } from '../provisioning/provisioning.js';
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
  /** Null when no acquirer root key is configured (provisioning off). */
  provisioning: ProfileState | null;
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

/**
 * Provisioning as the faces use it (docs/provisioning.md): the profile's state, what it allows,
 * the pairing code while unprovisioned, enrolment, profile updates, key rotation.
 */
export interface ProvisioningService {
  state(): ProfileState;
  profile(): TerminalProfile | undefined;
  /** What payments the profile allows now; the payments work asks before each payment. */
  paymentPolicy(): PaymentPolicy;
  /** Throws `not_provisioned` / `profile_expired` unless this kind of payment is allowed now. */
  assertMayTakePayment(kind: 'online' | 'offline'): TerminalProfile;
  pairing(): Pairing;
  /** The enrolment exchange with a one-time code from the acquirer (the console's `provision`). */
  provision(code: string, acquirerUrl?: string): Promise<ProfileState>;
  /** A profile pushed through the local API: verified, journaled and stored when newer. */
  acceptProfile(profile: unknown): { changed: boolean; version: number };
  /** Asks the acquirer for a pending key endorsement and the newest profile (done after every settlement). */
  refresh(): Promise<{ changed: boolean; version: number }>;
  rotateKey(): Promise<{ keyId: string; seq: number; endorsed: boolean; pendingReason?: string }>;
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
  readonly provisioning: ProvisioningService | null;

  constructor(
    readonly events: TerminalEventStream,
    private readonly journal: Journal,
    counter: Counter,
    private readonly catalogOf: () => Catalog,
    private readonly deviceSet: DeviceSet,
    private readonly drainer: SettlementDrainer | undefined,
    private readonly closers: readonly (() => Promise<void> | void)[],
    private readonly log: Logger,
    private readonly provisioner?: Provisioning,
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
    this.provisioning = provisioner ? provisioningService(provisioner) : null;
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
      provisioning: this.provisioner?.profileState() ?? null,
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
    paymentPolicy: () => p.paymentPolicy(),
    assertMayTakePayment: (kind) => p.assertMayTakePayment(kind),
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
