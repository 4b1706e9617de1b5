import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assemble } from '../src/app/index.js';
import type { Payment } from '../src/payments/payment.js';
import { DEMO_PRODUCTS } from '../hw-sim/demo/shelf.js';
import { startSimulatedTerminal } from '../hw-sim/terminal/simulated-terminal.js';
import { runWhenMain, type BenchModule, type Metric } from './metric.js';
import { median, percentile } from './stats.js';

const BAUD = 115200;
const BYTES_PER_SECOND = BAUD / 10; // 8N1
const WARMUP = 3;
const RUNS = 40;

/**
 * An offline wallet tap, end to end: posd (assembled as in production) with the PN532 twin on
 * the simulated bus paced at 115200 baud, from the card entering the field to the payment's
 * journal record being durable (the `succeeded` event, announced after the commit), with the
 * payment waiting for the tap as the counter shows it ("tap your wallet"). The floor is
 * every byte that crossed the UART in that time (the poll's answer, SELECT with the certificate,
 * PAY, their ACKs and frames) at 11520 bytes/s; the ratio is what posd adds on top: the driver,
 * the checks and signatures, and the fsyncs of the journal.
 */
const bench: BenchModule = {
  title: 'tap: offline wallet tap, card in the field to the durable journal record, PN532 twin at 115200 baud',
  async run(log) {
    const sim = await startSimulatedTerminal({ twins: ['nfc'], acquirer: false, wireTiming: true, nfc: { baud: BAUD } });
    const dataDir = mkdtempSync(join(tmpdir(), 'posd-bench-tap-'));
    const pos = await assemble(
      { dataDir, merchant: { name: 'bench' }, devices: sim.devices, payments: { issuerKeys: sim.issuerKeys, offline: { maxCount: 10_000, cumulative: { CNY: 10_000_000 } } } },
      { env: sim.env, products: DEMO_PRODUCTS },
    );
    const twin = sim.twins.nfc;
    const card = sim.cards.wallet!;
    const water = DEMO_PRODUCTS[0]!;
    try {
      await waitFor(() => pos.deviceHealth().nfc?.state === 'ready', 10_000);
      const elapsed: number[] = [];
      const floors: number[] = [];
      const ratios: number[] = [];
      const unprompted: number[] = [];
      for (let run = 0; run < WARMUP + 2 * RUNS; run++) {
        pos.sale.scan(water.gtin);
        // The counter asks for the tap (the payment waits for a wallet); every other run the
        // customer taps unprompted and the tap itself starts the basket's payment.
        const prompted = run < WARMUP || run % 2 === 0;
        if (prompted) pos.sale.pay({ method: 'wallet_tap' });
        const approved = new Promise<Payment>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('the tap was not approved within 5 s')), 5000);
          const onUpdate = (p: Payment): void => {
            if (p.state !== 'succeeded' && p.state !== 'declined') return;
            clearTimeout(timer);
            pos.events.off('payment.updated', onUpdate);
            if (p.state === 'succeeded') resolve(p);
            else reject(new Error(`declined: ${p.outcome?.code} ${p.outcome?.message}`));
          };
          pos.events.on('payment.updated', onUpdate);
        });
        const bytesBefore = twin.counters.bytesFromHost + twin.counters.bytesToHost;
        const t0 = performance.now();
        twin.enterField(card);
        await approved;
        const ms = performance.now() - t0;
        const wireBytes = twin.counters.bytesFromHost + twin.counters.bytesToHost - bytesBefore;
        twin.leaveField(card);
        await waitFor(() => pos.devices.nfc?.card === undefined && pos.payments.current() === undefined, 5000);
        if (run < WARMUP) continue;
        if (!prompted) {
          unprompted.push(ms);
          continue;
        }
        const floorMs = (wireBytes / BYTES_PER_SECOND) * 1000;
        elapsed.push(ms);
        floors.push(floorMs);
        ratios.push(ms / floorMs);
        if (run === WARMUP + 1) log(`   ${wireBytes} bytes on the wire from the card entering to the durable record: floor ${floorMs.toFixed(1)} ms`);
      }
      const metrics: Metric[] = [
        { name: 'tap.approve.p50_ms', value: median(elapsed), unit: 'ms', note: `${RUNS} taps; wire floor ${median(floors).toFixed(1)} ms` },
        { name: 'tap.approve.p99_ms', value: percentile(elapsed, 0.99), unit: 'ms', goal: '< 150' },
        { name: 'tap.approve.ratio_vs_wire', value: median(ratios), unit: 'x', goal: '<= 1.5', note: `median of ${RUNS}; card in the field to the durable journal record at ${BAUD} baud` },
        { name: 'tap.approve.unprompted_p50_ms', value: median(unprompted), unit: 'ms', note: 'no payment waiting: the tap starts one for the basket (two more durable writes)' },
      ];
      return metrics;
    } finally {
      await pos.stop();
      await sim.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('bench: a condition was not reached in time');
    await new Promise((r) => setTimeout(r, 2));
  }
}

export default bench;

runWhenMain(bench, import.meta.url);
