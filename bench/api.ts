import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiServer } from '../src/api/http/index.js';
import { assemble } from '../src/app/index.js';
import { Journal } from '../src/terminal/ledger/journal.js';
import type { BenchModule, Metric } from './metric.js';
import { median, percentile } from './stats.js';

const WARM_UP = 50;
const PAYMENTS = 600;

/**
 * A cash payment through the local API: from the request leaving the register (a keep-alive
 * HTTP connection on loopback) to its answer read back as `succeeded`, minus the time of that
 * payment's journal append alone (sign, chain, the durable transaction), measured inside the
 * same request by timing Journal.append. What remains is the API (HTTP, auth, validation,
 * JSON), the engine (the created and waiting_for_customer states, written in one commit without
 * fsync; the succeeded state is written inside the append's transaction) and the receipt (built
 * once, for the payment.updated event and the answer).
 */
const bench: BenchModule = {
  title: 'api: a cash payment through the local API, request to succeeded, minus the journal append',
  async run(log) {
    const dir = mkdtempSync(join(tmpdir(), 'posd-bench-api-'));
    const originalAppend = Journal.prototype.append;
    let appendMs = 0;
    Journal.prototype.append = function timedAppend(this: Journal, ...args: Parameters<Journal['append']>) {
      const t0 = performance.now();
      try {
        return originalAppend.apply(this, args);
      } finally {
        appendMs += performance.now() - t0;
      }
    } as Journal['append'];
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const terminal = await assemble({ dataDir: dir, merchant: { name: 'Bench shop' }, devices: {} });
      const api = await createApiServer(terminal, { dataDir: dir, port: 0 });
      const url = new URL(await api.listen());
      const { token } = api.tokens.issue('register', 'bench register');
      // The engine's part, to tell it from the API's: the facade's create, timed where the API calls it.
      let createMs = 0;
      const create = terminal.payments.create;
      (terminal.payments as { create: typeof create }).create = (paymentRequest) => {
        const t0 = performance.now();
        try {
          return create(paymentRequest);
        } finally {
          createMs += performance.now() - t0;
        }
      };
      const pay = (key: string): Promise<{ state: string }> =>
        new Promise((resolve, reject) => {
          const body = JSON.stringify({ amount: 1250, asset: 'CNY', method: 'cash', tendered: 2000 });
          const req = request(
            { host: url.hostname, port: url.port, path: '/v1/payments', method: 'POST', agent, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key, 'content-length': Buffer.byteLength(body) } },
            (res) => {
              let text = '';
              res.setEncoding('utf8');
              res.on('data', (chunk: string) => (text += chunk));
              res.on('end', () => resolve(JSON.parse(text) as { state: string }));
            },
          );
          req.on('error', reject);
          req.end(body);
        });
      const totals: number[] = [];
      const appends: number[] = [];
      const overheads: number[] = [];
      const apiOnly: number[] = [];
      const engineOnly: number[] = [];
      for (let i = 0; i < WARM_UP + PAYMENTS; i++) {
        appendMs = 0;
        createMs = 0;
        const t0 = performance.now();
        const answer = await pay(`bench-${i}`);
        const total = performance.now() - t0;
        if (answer.state !== 'succeeded') throw new Error(`payment ${i} answered ${JSON.stringify(answer).slice(0, 200)}`);
        if (i < WARM_UP) continue;
        totals.push(total);
        appends.push(appendMs);
        overheads.push(total - appendMs);
        apiOnly.push(total - createMs);
        engineOnly.push(createMs - appendMs);
      }
      await api.close();
      await terminal.stop();
      log(`   ${PAYMENTS} cash payments: request to succeeded p50 ${median(totals).toFixed(2)} ms, p99 ${percentile(totals, 0.99).toFixed(2)} ms; journal append p50 ${median(appends).toFixed(2)} ms`);
      const metrics: Metric[] = [
        { name: 'api.cash.p99_ms', value: percentile(overheads, 0.99), unit: 'ms', goal: '<= 5', note: 'request to succeeded, minus the journal append' },
        { name: 'api.cash.p50_ms', value: median(overheads), unit: 'ms', note: 'the same, median' },
        { name: 'api.cash.total.p99_ms', value: percentile(totals, 0.99), unit: 'ms', note: 'request to succeeded, append included' },
        { name: 'api.cash.http.p99_ms', value: percentile(apiOnly, 0.99), unit: 'ms', note: "the API's own part: request to answer minus payments.create" },
        { name: 'api.cash.http.p50_ms', value: median(apiOnly), unit: 'ms', note: "the API's own part, median" },
        { name: 'api.cash.engine.p50_ms', value: median(engineOnly), unit: 'ms', note: 'payments.create minus the append: the engine\'s state writes, events and the receipt' },
        { name: 'api.cash.engine.p99_ms', value: percentile(engineOnly, 0.99), unit: 'ms', note: 'the same, p99' },
      ];
      return metrics;
    } finally {
      Journal.prototype.append = originalAppend;
      agent.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default bench;
