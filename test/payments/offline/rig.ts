import { afterEach } from 'vitest';
import { assemble, type PosTerminal } from '../../../src/app/index.js';
import { toHex } from '../../../src/encoding/hex.js';
import type { OfflineLimits } from '../../../src/payments/policy.js';
import type { Payment } from '../../../src/payments/payment.js';
import type { SignedRecord } from '../../../src/protocol/record.js';
import { Journal } from '../../../src/terminal/ledger/journal.js';
import type { AcquirerSimulator } from '../../../hw-sim/acquirer/server.js';
import type { IsoDepCard } from '../../../hw-sim/cards/iso-dep-card.js';
import { DEMO_PRODUCTS } from '../../../hw-sim/demo/shelf.js';
import { startSimulatedTerminal, type SimulatedTerminal, type SimulatedTerminalOptions, type TwinName } from '../../../hw-sim/terminal/simulated-terminal.js';
import { enrolledDataDir } from '../../support/acquirer.js';
import { tempDir } from '../../support/tmp.js';
import { until } from '../../support/wait.js';

const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (running.length) await running.pop()!().catch(() => undefined);
});

/** A token-priced product: the merchant association's MAT (12.00 MAT). */
export const MAT_SNACK = DEMO_PRODUCTS.find((p) => p.asset === 'MAT')!;
export const WATER = DEMO_PRODUCTS[0]!; // 2.00 CNY
export const NOODLES = DEMO_PRODUCTS[2]!; // 4.50 CNY

export interface CounterOptions {
  sim?: SimulatedTerminalOptions<TwinName>;
  offline?: Partial<OfflineLimits>;
  /** Settle with this acquirer simulator (the terminal enrolled at it) instead of the simulated terminal's own. */
  acquirer?: AcquirerSimulator;
  /** Trust no issuer keys at all (the policy as shipped, before provisioning). */
  noIssuerKeys?: boolean;
  /** Settle only when the test says (settleNow) instead of in the background. */
  settleInBackground?: boolean;
}

/** posd on the twins, as a counter: the real PN532 driver over the simulated bus (or a pty), the printer twin, the acquirer simulator. */
export class OfflineCounter {
  readonly updates: Payment[] = [];
  readonly refusals: string[] = [];
  readonly printed: number[] = [];
  readonly deadLetters: { seq: number; code: string; message: string }[] = [];

  constructor(
    readonly pos: PosTerminal,
    readonly sim: SimulatedTerminal,
    readonly dataDir: string,
    /** What posd logged as warnings (message and fields). */
    readonly warnings: { message: string; fields: Record<string, unknown> }[] = [],
  ) {
    pos.events.on('payment.updated', (p) => this.updates.push(p));
    pos.events.on('sale.refused', ({ reason }) => this.refusals.push(reason));
    pos.events.on('receipt.printed', ({ seq }) => this.printed.push(seq));
    pos.events.on('settlement.dead_letter', (d) => this.deadLetters.push(d));
  }

  static async start(options: CounterOptions = {}): Promise<OfflineCounter> {
    const sim = await startSimulatedTerminal({ twins: ['nfc', 'printer'], ...options.sim });
    running.push(() => sim.close());
    const acquirerSim = options.acquirer ?? sim.acquirer;
    const acquirer = acquirerSim ? { url: acquirerSim.url, publicKey: toHex(acquirerSim.publicKey) } : undefined;
    const dataDir = acquirerSim ? enrolledDataDir(acquirerSim, tempDir()) : tempDir();
    const warnings: { message: string; fields: Record<string, unknown> }[] = [];
    const pos = await assemble(
      {
        dataDir,
        merchant: { name: 'Test shop' },
        ...(acquirer ? { acquirer } : {}),
        devices: sim.devices,
        payments: { ...(options.noIssuerKeys ? {} : { issuerKeys: sim.issuerKeys }), ...(options.offline ? { offline: options.offline } : {}) },
      },
      { env: sim.env, products: DEMO_PRODUCTS, settleInBackground: options.settleInBackground ?? false, log: { info() {}, warn: (fields, message) => warnings.push({ message, fields }), error() {} } },
    );
    running.push(() => pos.stop());
    await until(() => pos.deviceHealth().nfc?.state === 'ready', 'the NFC reader ready', 10_000);
    return new OfflineCounter(pos, sim, dataDir, warnings);
  }

  /** Rings products up (as if scanned). */
  ring(...gtins: string[]): void {
    for (const gtin of gtins) this.pos.sale.scan(gtin);
  }

  /** The card enters the field; resolves with the payment once it is final, or when it waits again after this tap. */
  async tap(card: IsoDepCard, until_: (p: Payment) => boolean = (p) => isFinal(p)): Promise<Payment> {
    const from = this.updates.length;
    this.sim.twins.nfc.enterField(card);
    await until(() => this.updates.slice(from).some(until_), 'the tap decided', 10_000);
    return this.updates.slice(from).find(until_)!;
  }

  /** Takes the card out of the field (if it is still there) and waits until the reader has no card. */
  async remove(card: IsoDepCard): Promise<void> {
    this.sim.twins.nfc.leaveField(card);
    await until(() => this.pos.devices.nfc?.card === undefined, 'the reader noticed the card left', 10_000);
  }

  /** A tap, then the card taken away again. */
  async tapAndRemove(card: IsoDepCard, until_?: (p: Payment) => boolean): Promise<Payment> {
    const payment = await this.tap(card, until_);
    await this.remove(card);
    return payment;
  }

  /** The journal's records, read as any reader of the data directory would. */
  records(): SignedRecord[] {
    const journal = Journal.open(this.dataDir, { readOnly: true });
    try {
      const out: SignedRecord[] = [];
      for (let seq = 0; seq <= journal.headSeq; seq++) out.push(JSON.parse(journal.get(seq)!.text) as SignedRecord);
      return out;
    } finally {
      journal.close();
    }
  }

  /** Every journal line, for a verifier. */
  lines(): string[] {
    const journal = Journal.open(this.dataDir, { readOnly: true });
    try {
      return Array.from({ length: journal.headSeq + 1 }, (_, seq) => journal.get(seq)!.text);
    } finally {
      journal.close();
    }
  }

  payments(): SignedRecord[] {
    return this.records().filter((r) => r.kind === 'payment');
  }

  async receiptFor(seq: number): Promise<void> {
    await until(() => this.printed.includes(seq), `receipt ${seq} printed`, 10_000);
  }
}

export function isFinal(p: Payment): boolean {
  return ['succeeded', 'declined', 'canceled', 'expired', 'reversed', 'needs_attention'].includes(p.state);
}
