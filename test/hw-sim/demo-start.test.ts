import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyReceiptQr } from '../../src/protocol/receipt-qr.js';
import { freePort } from '../support/free-port.js';
import { tempDir } from '../support/tmp.js';
import { decodeQrFromPng } from './printer/qr-decode.js';

const run = promisify(execFile);
const START = join(process.cwd(), 'dist/hw-sim/demo/start.js');
const HW_SIM = join(process.cwd(), 'dist/hw-sim/bin/hw-sim.js');
const WAIT_MS = 30_000;

interface Demo {
  child: ChildProcessWithoutNullStreams;
  lines: string[];
  /** Resolves with the first line (already printed or to come) that matches. */
  line(pattern: RegExp): Promise<string>;
  exited: Promise<number | null>;
}

const started: Demo[] = [];
afterEach(() => {
  while (started.length) started.pop()!.child.kill('SIGKILL');
});

function startDemo(dir: string, port: number): Demo {
  const child = spawn(process.execPath, [START, '--data-dir', dir, '--port', String(port)], { stdio: 'pipe' });
  const lines: string[] = [];
  const waiting: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    for (const w of [...waiting]) if (w.pattern.test(line)) waiting.splice(waiting.indexOf(w), 1) && w.resolve(line);
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const line = (pattern: RegExp): Promise<string> => {
    const seen = lines.find((l) => pattern.test(l));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the demo printed no line like ${pattern}; it printed:\n${lines.join('\n')}\n${stderr}`)), WAIT_MS);
      waiting.push({ pattern, resolve: (l) => (clearTimeout(timer), resolve(l)) });
      void exited.then(() => reject(new Error(`the demo exited before printing ${pattern}:\n${lines.join('\n')}\n${stderr}`)));
    });
  };
  const demo = { child, lines, line, exited };
  started.push(demo);
  return demo;
}

async function hwSim(dir: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [HW_SIM, ...args], { env: { ...process.env, POSD_DEMO_DIR: dir }, timeout: WAIT_MS });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('npm start: the demo (posd on the twins, driven from outside)', () => {
  it('reaches ready, serves the API and the counter ticket; hw-sim scans, taps, pays the QR and takes the paper out; one PNG per receipt; a re-run keeps identity and register token', async () => {
    const dir = tempDir('posd-demo-');
    const port = await freePort();
    const demo = startDemo(dir, port);
    await demo.line(/^Ready\./);
    const base = `http://127.0.0.1:${port}`;
    const terminalId = /terminal ([0-9a-f]{16}):/.exec(await demo.line(/^ {2}terminal /))![1]!;
    const counterUrl = /Counter screen\s+(\S+)/.exec(await demo.line(/Counter screen/))![1]!;
    const token = /Register token\s+(\S+)/.exec(await demo.line(/Register token/))![1]!;
    expect(readFileSync(join(dir, 'register-token'), 'utf8').trim()).toBe(token);

    // The API, and the counter screen's ticket: the URL's ticket is the one in the data directory and buys a counter token.
    expect((await fetch(`${base}/v1/health`)).status).toBe(200);
    // The counter screen itself, at the address the demo prints.
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<div id="app"|<script type="module"/);
    const ticket = new URL(counterUrl).hash.replace(/^#ticket=/, '');
    expect(counterUrl.startsWith(`${base}/#ticket=`)).toBe(true);
    expect(ticket).toBe(readFileSync(join(dir, 'terminal', 'api', 'counter-ticket'), 'utf8').trim());
    const counter = await fetch(`${base}/v1/pairings/counter`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ticket }) });
    expect(counter.status).toBe(201);
    const auth = { authorization: `Bearer ${token}` };

    // A product scanned by the scanner twin lands in the basket.
    const scanned = await hwSim(dir, 'scan', '6901234567892');
    expect(scanned.stdout).toContain('Mineral water');
    await demo.line(/scanned {3}.*Mineral water.*basket 2\.00 CNY/);

    // Cash through the API, as the README shows it: an idempotency key, then the payment read back.
    const pay = await fetch(`${base}/v1/payments`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': 'demo-cash-1' },
      body: JSON.stringify({ amount: 880, asset: 'CNY', method: 'cash', tendered: 1000 }),
    });
    expect(pay.status).toBe(201);
    const paid = (await pay.json()) as { id: string; state: string };
    expect(paid.state).toBe('succeeded');
    expect(await (await fetch(`${base}/v1/payments/${paid.id}`, { headers: auth })).json()).toMatchObject({ state: 'succeeded', facts: { change: 120 } });

    // The basket (still holding the water) paid by a customer's payment code.
    const code = await hwSim(dir, 'scan', '134567890123456700');
    expect(code.stdout).toMatch(/PAID 2\.00 CNY by code/);

    // A wallet tap pays the next basket offline.
    await hwSim(dir, 'scan', '6923450657713');
    const tap = await hwSim(dir, 'tap', 'bob');
    expect(tap.stdout).toMatch(/PAID 3\.50 CNY by wallet_tap \(offline/);
    expect(tap.stdout).toContain("bob's wallet is taken away");
    const stranger = await hwSim(dir, 'tap', 'zed');
    expect(stranger.code).toBe(2);
    expect(stranger.stderr).toContain('alice (CNY), bob (CNY), member (MAT)');

    // The customer's app pays the shop QR of a payment the register started.
    expect((await hwSim(dir, 'pay-qr')).stderr).toContain('no shop QR is on the screen');
    const qr = await fetch(`${base}/v1/payments`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': 'demo-qr-1' },
      body: JSON.stringify({ amount: 1250, asset: 'CNY', method: 'merchant_qr' }),
    });
    expect(qr.status).toBe(201);
    expect((await hwSim(dir, 'pay-qr')).stdout).toMatch(/PAID 12\.50 CNY by merchant_qr/);

    // Paper out shows in posd's status; a new roll makes the printer ready again.
    expect((await hwSim(dir, 'paper', 'out')).stdout).toContain('out of paper');
    const status = (await (await fetch(`${base}/v1/status`, { headers: auth })).json()) as { devices: { printer: { state: string; detail: { conditions: { paperOut: boolean } } } } };
    expect(status.devices.printer.detail.conditions.paperOut).toBe(true);
    expect((await hwSim(dir, 'paper', 'in')).stdout).toContain("posd's status: printer ready");

    // One PNG per receipt, each named by its record, each with a QR that verifies.
    await demo.line(/printed .*receipt-\d+-.*\.png/);
    for (const line of ['cash', 'code', 'wallet_tap', 'merchant_qr']) await demo.line(new RegExp(`PAID .* by ${line}`));
    const receiptsDir = join(dir, 'receipts');
    const printedLines = async (n: number): Promise<void> => {
      for (let i = 0; i < 200 && demo.lines.filter((l) => / {2}printed {3}/.test(l)).length < n; i++) await new Promise((r) => setTimeout(r, 100));
    };
    await printedLines(4);
    const receipts = readdirSync(receiptsDir).filter((f) => f.startsWith('receipt-'));
    expect(receipts.length).toBe(4);
    for (const file of receipts) {
      const decoded = decodeQrFromPng(readFileSync(join(receiptsDir, file)));
      expect(decoded, file).toBeDefined();
      const { statement } = verifyReceiptQr(decoded!.text, {});
      expect(file).toBe(file.replace(/^receipt-0*(\d+)-/, `receipt-${String(statement.seq).padStart(6, '0')}-`));
    }

    // Ctrl-C stops everything; the hw-sim commands then say no demo is running.
    demo.child.kill('SIGINT');
    expect(await demo.exited).toBe(0);
    expect(existsSync(join(dir, 'running.json'))).toBe(false);
    const after = await hwSim(dir, 'scan', '6901234567892');
    expect(after.code).toBe(1);
    expect(after.stderr).toContain('no demo is running');

    // Again on the same folder: the same terminal, enrolled already, the same register token.
    const again = startDemo(dir, port);
    await again.line(/^Ready\./);
    expect(await again.line(/^ {2}terminal /)).toContain(`terminal ${terminalId}: `);
    expect(await again.line(/^ {2}terminal /)).toContain('provisioned earlier');
    expect(await again.line(/Register token/)).toContain(token);
    expect((await fetch(`${base}/v1/payments/last`, { headers: auth })).status).toBe(200);
    again.child.kill('SIGINT');
    expect(await again.exited).toBe(0);
  }, 120_000);
});
