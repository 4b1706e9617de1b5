import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble, type PosTerminal } from '../../../src/app/index.js';
import { toHex } from '../../../src/encoding/hex.js';
import { isFinal } from '../../../src/payments/payment.js';
import { defaultPaymentPolicy, DEFAULT_TIMINGS } from '../../../src/payments/policy.js';
import { DEMO_PRODUCTS } from '../../../hw-sim/demo/shelf.js';
import type { AcquirerSimulator } from '../../../hw-sim/acquirer/server.js';
import { enrolledDataDir, startAcquirer } from '../../support/acquirer.js';
import { tempDir } from '../../support/tmp.js';
import { until } from '../../support/wait.js';
import { journalRecords, wechatCode } from './rig.js';

const WORKER = join(process.cwd(), 'dist/test/fixtures/online-payment-worker.js');
const TIMINGS = { ...DEFAULT_TIMINGS, authTimeoutMs: 10_000, pollIntervalsMs: [100, 100, 200], pollDeadlineMs: 3000, reverseNotBeforeMs: 300 };

interface Worker {
  lines: string[];
  killed: Promise<void>;
  kill(): void;
}

/** Starts the worker; `lines` fills as it prints. It never exits by itself. */
function startWorker(dataDir: string, sim: AcquirerSimulator, code: string): Worker {
  const child = spawn(process.execPath, [WORKER, dataDir, sim.url, toHex(sim.publicKey), code], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    const end = out.lastIndexOf('\n');
    if (end < 0) return;
    lines.push(...out.slice(0, end).split('\n').filter(Boolean));
    out = out.slice(end + 1);
  });
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const killed = new Promise<void>((resolve, reject) =>
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`worker exited by itself (${code}): ${err}`));
    }),
  );
  return { lines, killed, kill: () => child.kill('SIGKILL') };
}

function paymentLine(worker: Worker, state: string): { id: string; ref: string } | undefined {
  const line = worker.lines.find((l) => l.startsWith('U ') && l.endsWith(` ${state}`));
  if (!line) return undefined;
  const [, id, ref] = line.split(' ');
  return { id: id!, ref: ref! };
}

/** posd restarted on the same data, as a person would after the crash: recover() finishes what was left. */
async function restart(dataDir: string, sim: AcquirerSimulator): Promise<PosTerminal> {
  return assemble(
    { dataDir, merchant: { name: 'Crash shop' }, acquirer: { url: sim.url, publicKey: toHex(sim.publicKey) }, devices: {} },
    { products: DEMO_PRODUCTS, policy: defaultPaymentPolicy({ timings: TIMINGS }), settleInBackground: false },
  );
}

/** Charged at most once, and the terminal knows it: the acquirer holds the money exactly when the journal holds the record. */
function expectChargedAtMostOnce(dataDir: string, sim: AcquirerSimulator, terminal: string, ref: string): 0 | 1 {
  const records = journalRecords(dataDir).filter((r) => r.kind === 'payment' && r.body.ref === ref);
  const order = sim.orders.store.get(terminal, ref);
  const charged = order !== undefined && order.paidAt !== null && order.status === 'paid';
  expect(records.length).toBeLessThanOrEqual(1);
  expect(records.length, `order ${ref} is ${order?.status} at the acquirer`).toBe(charged ? 1 : 0);
  return charged ? 1 : 0;
}

describe('an online payment across SIGKILL', () => {
  it('killed between the acquirer committing the authorisation and the journal append: after restart it is recorded once', async () => {
    expect(existsSync(WORKER), 'run `npm test` (it builds dist/) before this test').toBe(true);
    const sim = await startAcquirer();
    sim.slowAnswerMs = 60_000; // the acquirer commits at once and answers a minute later: the window stays open
    const dataDir = enrolledDataDir(sim, tempDir('posd-online-crash-'));
    const worker = startWorker(dataDir, sim, wechatCode('71'));
    await until(() => worker.lines.some((l) => l.startsWith('T ')) && paymentLine(worker, 'authorizing') !== undefined, 'the worker authorising', 15_000);
    const terminal = worker.lines.find((l) => l.startsWith('T '))!.slice(2);
    const { id, ref } = paymentLine(worker, 'authorizing')!;
    await until(() => sim.orders.store.get(terminal, ref)?.paidAt != null, 'the acquirer committed the order', 10_000);
    worker.kill();
    await worker.killed;
    expect(journalRecords(dataDir).filter((r) => r.kind === 'payment')).toHaveLength(0);

    const pos = await restart(dataDir, sim);
    try {
      await until(() => isFinal(pos.payments.get(id)?.state ?? 'created'), 'recovered to a final state', 15_000);
      expect(pos.payments.get(id)!.state).toBe('succeeded');
      expect(expectChargedAtMostOnce(dataDir, sim, terminal, ref)).toBe(1);
      expect(sim.orders.log.filter((l) => l.ref === ref && l.op === 'authorize')).toHaveLength(1);
    } finally {
      await pos.stop();
    }
  }, 60_000);

  it('killed at random points of the payment: every payment ends final after restart, and nobody is charged twice', async () => {
    const sim = await startAcquirer();
    sim.slowAnswerMs = 2000;
    const dataDir = enrolledDataDir(sim, tempDir('posd-online-crash-'));
    let seed = 4242;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const endings = ['00', '72', '61', '71', '75', '73'];
    const outcomes: string[] = [];
    for (let round = 0; round < 8; round++) {
      const worker = startWorker(dataDir, sim, wechatCode(endings[round % endings.length]));
      await until(() => worker.lines.some((l) => l.startsWith('T ')), 'the worker started', 15_000);
      const terminal = worker.lines.find((l) => l.startsWith('T '))!.slice(2);
      await until(() => paymentLine(worker, 'created') !== undefined, 'a payment created', 15_000);
      await new Promise((r) => setTimeout(r, Math.floor(rand() * 120)));
      worker.kill();
      await worker.killed;
      const { id, ref } = paymentLine(worker, 'created')!;
      const pos = await restart(dataDir, sim);
      try {
        await until(() => isFinal(pos.payments.get(id)?.state ?? 'created'), `payment ${id} final after restart`, 20_000);
        const state = pos.payments.get(id)!.state;
        outcomes.push(state);
        expect(['succeeded', 'reversed', 'expired', 'declined']).toContain(state);
        expect(expectChargedAtMostOnce(dataDir, sim, terminal, ref)).toBe(state === 'succeeded' ? 1 : 0);
      } finally {
        await pos.stop();
      }
    }
    console.log(`online sigkill: outcomes ${outcomes.join(', ')}`);
  }, 240_000);
});
