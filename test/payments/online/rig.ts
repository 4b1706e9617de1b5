import { randomInt } from 'node:crypto';
import { afterEach } from 'vitest';
import { assemble, type PosTerminal } from '../../../src/app/index.js';
import { toHex } from '../../../src/encoding/hex.js';
import type { Payment } from '../../../src/payments/payment.js';
import type { SignedRecord } from '../../../src/protocol/record.js';
import { Journal } from '../../../src/terminal/ledger/journal.js';
import { defaultPaymentPolicy, DEFAULT_TIMINGS, type PaymentPolicy, type PaymentTimings } from '../../../src/payments/policy.js';
import { DEMO_PRODUCTS } from '../../../hw-sim/demo/shelf.js';
import { startSimulatedTerminal, type SimulatedTerminal } from '../../../hw-sim/terminal/simulated-terminal.js';
import { enrolledDataDir } from '../../support/acquirer.js';
import { tempDir } from '../../support/tmp.js';
import { until } from '../../support/wait.js';

const running: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  while (running.length) await running.pop()!.stop();
});

/**
 * Short timings so a test sees every path in seconds. They decide which path is taken only
 * where the test says so (a slow answer is 4 s against a 1.5 s timeout); outcomes never depend
 * on how fast the machine is.
 */
export const FAST_TIMINGS: PaymentTimings = {
  ...DEFAULT_TIMINGS,
  authTimeoutMs: 1500,
  pollIntervalsMs: [100, 100, 200],
  pollDeadlineMs: 3000,
  reverseNotBeforeMs: 300,
  merchantQrExpiryMs: 20_000,
  customerDeadlineMs: 60_000,
};

export const SLOW_ANSWER_MS = 4000;

export function fastPolicy(timings: Partial<PaymentTimings> = {}): PaymentPolicy {
  const defaults = defaultPaymentPolicy();
  return defaultPaymentPolicy({
    timings: { ...FAST_TIMINGS, ...timings },
    merchant: { ...defaults.merchant, id: '123456789012345', name: 'Corner Shop', nameZh: '街角小店', city: 'Hangzhou', terminalLabel: 'T0000001' },
  });
}

/** A WeChat-style payment code (18 digits, prefix 13) ending in the given two digits: the simulator's behaviour (docs/authorization-protocol.md section 10). */
export function wechatCode(lastTwo = '00'): string {
  return `13${String(randomInt(0, 1e8)).padStart(8, '0')}${String(randomInt(0, 1e6)).padStart(6, '0')}${lastTwo}`;
}

/** An Alipay-style code (20 digits, prefix 28). */
export function alipayCode(lastTwo = '00'): string {
  return `28${String(randomInt(0, 1e8)).padStart(8, '0')}${String(randomInt(0, 1e8)).padStart(8, '0')}${lastTwo}`;
}

export interface OnlineRig {
  pos: PosTerminal;
  sim: SimulatedTerminal<'scanner' | 'printer' | 'gpio'>;
  dataDir: string;
  updates: Payment[];
  printed: number[];
  refused: string[];
  /** Scans text through the scanner twin (serial, CR LF), as the customer's phone under the scanner. */
  scan(text: string): Promise<void>;
  /** Rings up products by scanning them. */
  ringUp(...gtins: string[]): Promise<void>;
  /** Waits for the current (or given) payment to reach a final state. */
  settled(id: string, timeoutMs?: number): Promise<Payment>;
  waitState(id: string, state: Payment['state'], timeoutMs?: number): Promise<Payment>;
}

/** posd assembled over the twins (scanner, printer, GPIO) and the acquirer simulator, with fast payment timings. */
export async function onlineRig(options: { timings?: Partial<PaymentTimings>; dataDir?: string; settleInBackground?: boolean } = {}): Promise<OnlineRig> {
  const sim = await startSimulatedTerminal({ twins: ['scanner', 'printer', 'gpio'], wallets: 0, scanner: { mode: 'serial' }, acquirer: { slowAnswerMs: SLOW_ANSWER_MS } });
  running.push({ stop: () => sim.close() });
  const dataDir = enrolledDataDir(sim.acquirer!, options.dataDir ?? tempDir('posd-online-'));
  const pos = await assemble(
    { dataDir, merchant: { name: 'Corner Shop' }, acquirer: { url: sim.acquirer!.url, publicKey: toHex(sim.acquirer!.publicKey) }, devices: sim.devices },
    { env: sim.env, products: DEMO_PRODUCTS, policy: fastPolicy(options.timings), settleInBackground: options.settleInBackground ?? false },
  );
  running.push(pos);
  const updates: Payment[] = [];
  const printed: number[] = [];
  const refused: string[] = [];
  pos.events.on('payment.updated', (p) => updates.push(p));
  pos.events.on('receipt.printed', ({ seq }) => printed.push(seq));
  pos.events.on('sale.refused', ({ reason }) => refused.push(reason));
  await until(() => pos.deviceHealth().scanner?.state === 'ready' && pos.deviceHealth().printer?.state === 'ready', 'scanner and printer ready', 10_000);
  const items = (): number => pos.sale.current().count;
  const rig: OnlineRig = {
    pos,
    sim,
    dataDir,
    updates,
    printed,
    refused,
    async scan(text) {
      await sim.twins.scanner.scan(text, { suffix: 'crlf' });
    },
    async ringUp(...gtins) {
      for (const gtin of gtins) {
        const before = items();
        await rig.scan(gtin);
        await until(() => items() === before + 1, `product ${gtin} rung up`);
      }
    },
    async settled(id, timeoutMs = 15_000) {
      await until(() => ['succeeded', 'declined', 'canceled', 'expired', 'reversed', 'needs_attention'].includes(pos.payments.get(id)?.state ?? ''), `payment ${id} final`, timeoutMs);
      return pos.payments.get(id)!;
    },
    async waitState(id, state, timeoutMs = 10_000) {
      await until(() => pos.payments.get(id)?.state === state, `payment ${id} ${state}`, timeoutMs);
      return pos.payments.get(id)!;
    },
  };
  return rig;
}

/** Scans products, then the code; answers the payment the code started. */
export async function payByCode(rig: OnlineRig, code: string, gtins: string[] = ['6923450657713']): Promise<Payment> {
  await rig.ringUp(...gtins);
  const before = rig.updates.length;
  await rig.scan(code);
  const taken = (p: Payment): boolean => p.method === 'code' && p.state !== 'waiting_for_customer' && p.state !== 'created';
  await until(() => rig.updates.slice(before).some(taken) || rig.refused.length > 0, 'the code taken');
  const payment = rig.updates.slice(before).find(taken);
  if (!payment) throw new Error(`the code was refused: ${rig.refused.join('; ')}`);
  return payment;
}

/** Every record of the rig's journal, read through a second, read-only handle. */
export function journalRecords(dataDir: string): SignedRecord[] {
  const journal = Journal.open(dataDir, { readOnly: true });
  try {
    return [...journal.records()].map((r) => JSON.parse(r.text) as SignedRecord);
  } finally {
    journal.close();
  }
}
