import { Journal } from '../src/terminal/ledger/journal.js';
import Database from 'better-sqlite3';
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assemble } from '../src/app/index.js';
import { toHex } from '../src/encoding/hex.js';
import type { Payment } from '../src/payments/payment.js';
import { defaultPaymentPolicy } from '../src/payments/policy.js';
import { DEMO_PRODUCTS } from '../hw-sim/demo/shelf.js';
import { startSimulatedTerminal } from '../hw-sim/terminal/simulated-terminal.js';
import { runWhenMain, type BenchModule, type Metric } from './metric.js';

const WARM_UP = 10;
const RUNS = 300;

/** Nearest-rank percentile. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

/** What one durable commit (WAL, synchronous=FULL) costs on this disk: a code payment needs two. */
function diskCommitMs(dir: string): number {
  const db = new Database(join(dir, 'commit-probe.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE t (x INTEGER)');
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    const times: number[] = [];
    for (let i = 0; i < 50; i++) {
      const t0 = performance.now();
      insert.run(i);
      times.push(performance.now() - t0);
    }
    return percentile(times.sort((a, b) => a - b), 0.5);
  } finally {
    db.close();
  }
}

/** A WeChat-style code the simulator approves at once (last two digits 00). */
function approvedCode(): string {
  return `13${String(randomInt(0, 1e8)).padStart(8, '0')}${String(randomInt(0, 1e6)).padStart(6, '0')}00`;
}

/**
 * A scanned payment code, end to end: from the scanner twin's last byte (serial, CR LF, in-process
 * link) through the Scanner, classification, the checkout, the payment engine, the signed request
 * to the acquirer simulator over loopback HTTP, the answer's checks and the durable journal append,
 * to `succeeded`. The acquirer's own answer time (request arrival to answer sent, measured inside
 * the simulator) is subtracted: what is left is what posd adds.
 */
const bench: BenchModule = {
  title: 'Scanned payment code: last scanned byte to succeeded (journaled), minus the acquirer\'s own time',
  async run(log) {
    const sim = await startSimulatedTerminal({ twins: ['scanner'], wallets: 0, scanner: { mode: 'serial' } });
    const dataDir = mkdtempSync(join(tmpdir(), 'posd-bench-code-'));
    // The acquirer takes orders only from enrolled terminals: make the terminal's key and enrol it first.
    const journal = Journal.open(dataDir);
    sim.acquirer!.fleet.preEnrol(toHex(journal.genesisPublicKey), {});
    journal.close();
    const pos = await assemble(
      { dataDir, merchant: { name: 'Bench shop' }, acquirer: { url: sim.acquirer!.url, publicKey: toHex(sim.acquirer!.publicKey) }, devices: sim.devices },
      { env: sim.env, products: DEMO_PRODUCTS, policy: defaultPaymentPolicy(), settleInBackground: false },
    );
    const twin = sim.twins.scanner;
    let waiting: ((payment: Payment) => void) | undefined;
    pos.events.on('payment.updated', (payment) => {
      if (payment.state === 'succeeded' || payment.state === 'declined' || payment.state === 'reversed') waiting?.(payment);
    });
    const overheads: number[] = [];
    const totals: number[] = [];
    const acquirerTimes: number[] = [];
    try {
      await pos.devices.scanner!.waitReady(5000);
      for (let i = 0; i < WARM_UP + RUNS; i++) {
        pos.sale.scan('6923450657713');
        const done = new Promise<{ payment: Payment; at: number }>((resolve) => {
          waiting = (payment) => resolve({ payment, at: performance.now() });
        });
        await twin.scan(approvedCode(), { suffix: 'crlf' });
        const scannedAt = twin.lastCompletedAt;
        const { payment, at } = await done;
        waiting = undefined;
        if (payment.state !== 'succeeded') throw new Error(`payment ${payment.id} ended ${payment.state}: ${payment.outcome?.message}`);
        const acquirerMs = sim.acquirer!.orders.answerTime('authorize', payment.ref);
        if (acquirerMs === undefined) throw new Error('the acquirer did not time its answer');
        if (i < WARM_UP) continue;
        totals.push(at - scannedAt);
        acquirerTimes.push(acquirerMs);
        overheads.push(at - scannedAt - acquirerMs);
      }
    } finally {
      await pos.stop();
      await sim.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
    const probeDir = mkdtempSync(join(tmpdir(), 'posd-bench-commit-'));
    const commitMs = diskCommitMs(probeDir);
    rmSync(probeDir, { recursive: true, force: true });
    const sorted = [...overheads].sort((a, b) => a - b);
    const total = [...totals].sort((a, b) => a - b);
    const acquirer = [...acquirerTimes].sort((a, b) => a - b);
    log(`   one durable commit on this disk: p50 ${commitMs.toFixed(2)} ms (a code payment makes two: authorizing before the request, the journal record)`);
    log(`   ${RUNS} payments: total p50 ${percentile(total, 0.5).toFixed(2)} ms, acquirer p50 ${percentile(acquirer, 0.5).toFixed(2)} ms, overhead p50 ${percentile(sorted, 0.5).toFixed(2)} ms, p99 ${percentile(sorted, 0.99).toFixed(2)} ms`);
    const metrics: Metric[] = [
      { name: 'code.overhead.p50_ms', value: percentile(sorted, 0.5), unit: 'ms' },
      { name: 'code.overhead.p99_ms', value: percentile(sorted, 0.99), unit: 'ms', goal: '<= 5', note: `${RUNS} codes, scan to journaled, acquirer's own time subtracted` },
      { name: 'code.total.p50_ms', value: percentile(total, 0.5), unit: 'ms', note: `acquirer's own time p50 ${percentile(acquirer, 0.5).toFixed(2)} ms` },
      { name: 'code.disk_commit.p50_ms', value: commitMs, unit: 'ms', note: 'one fsync-ed SQLite commit here; the overhead holds two' },
    ];
    return metrics;
  },
};

export default bench;

runWhenMain(bench, import.meta.url);
