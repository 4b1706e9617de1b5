import { Scanner } from '../src/drivers/scanner/scanner.js';
import { classifyScan, type ScanClass } from '../src/terminal/scan-classification/classify.js';
import { defaultCodeTables } from '../src/terminal/scan-classification/tables.js';
import type { TwinScanOptions } from '../hw-sim/scanner/scanner-twin.js';
import { startSimulatedTerminal } from '../hw-sim/terminal/simulated-terminal.js';
import { runWhenMain, type BenchModule, type Metric } from './metric.js';

/**
 * From the moment the twin hands over the report or byte that completes a code, to the
 * classified code in terminal code: through the real Scanner on an in-process link.
 * Keyboard wedge with Enter (SimHidBus), HID POS (SimHidBus), serial CR LF (SimBus, no wire
 * pacing so the number is the software's, not the UART's). The no-suffix paths end on the
 * silence timer by design, so they are reported apart.
 */

const CODES: { text: string; aim: string; kind: ScanClass['kind'] }[] = [
  { text: '134567890123456789', aim: ']C0', kind: 'payment_code' },
  { text: '28765432109876543210', aim: ']Q1', kind: 'payment_code' },
  { text: '6212345678901234567', aim: ']Q1', kind: 'payment_code' },
  { text: '6901234567892', aim: ']E0', kind: 'product' },
  { text: 'hQVDUFYwMWEaTwegAAAAVVVVVw8SNFZ4kBI0WNGRIgESNF8=', aim: ']Q1', kind: 'emv_cpm' },
  { text: `OQR1:${'AbCd-_0123456789'.repeat(8)}`, aim: ']Q1', kind: 'offline_qr' },
];

interface Case {
  name: string;
  mode: 'wedge' | 'pos' | 'serial';
  scans: number;
  options: TwinScanOptions;
}

const WARM_UP = 20;

async function measure(c: Case): Promise<number[]> {
  const terminal = await startSimulatedTerminal({ twins: ['scanner'], acquirer: false, wallets: 0, scanner: { mode: c.mode, baud: 9600 } });
  const twin = terminal.twins.scanner;
  const scanner = await Scanner.open(terminal.devices.scanner.uri, terminal.env);
  let waiting: { resolve: (ms: number) => void; reject: (err: Error) => void; kind: ScanClass['kind'] } | undefined;
  scanner.on('scan', (scan) => {
    const classified = classifyScan(scan.text, defaultCodeTables, { symbology: scan.symbology });
    const ms = performance.now() - twin.lastCompletedAt;
    const w = waiting;
    waiting = undefined;
    if (!w) return;
    if (classified.kind !== w.kind) w.reject(new Error(`${c.name}: classified ${classified.kind}, expected ${w.kind}`));
    else w.resolve(ms);
  });
  scanner.on('reject', (err) => {
    const w = waiting;
    waiting = undefined;
    w?.reject(err);
  });
  scanner.start();
  await scanner.waitReady(2000);
  const latencies: number[] = [];
  try {
    for (let i = 0; i < c.scans + WARM_UP; i++) {
      const code = CODES[i % CODES.length]!;
      const done = new Promise<number>((resolve, reject) => {
        waiting = { resolve, reject, kind: code.kind };
      });
      await twin.scan(code.text, { ...c.options, aim: code.aim });
      const ms = await withTimeout(done, 2000, c.name);
      if (i >= WARM_UP) latencies.push(ms);
    }
  } finally {
    await scanner.stop();
    await terminal.close();
  }
  return latencies;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no classified scan within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Nearest-rank percentile. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

const KEYS = { keyTiming: { minMs: 1, maxMs: 2 } } as const;

const bench: BenchModule = {
  title: 'Scanner: last report or byte to classified code (Scanner over in-process links)',
  async run(log) {
    const suffixCases: Case[] = [
      { name: 'wedge', mode: 'wedge', scans: 200, options: { ...KEYS, suffix: 'enter' } },
      { name: 'pos', mode: 'pos', scans: 300, options: { reportGapMs: 1 } },
      { name: 'serial', mode: 'serial', scans: 300, options: { suffix: 'crlf' } },
    ];
    const timeoutCases: Case[] = [
      { name: 'wedge_no_suffix', mode: 'wedge', scans: 40, options: { ...KEYS, suffix: 'none' } },
      { name: 'serial_no_suffix', mode: 'serial', scans: 40, options: { suffix: 'none' } },
    ];
    const metrics: Metric[] = [];
    const all: number[] = [];
    for (const c of suffixCases) {
      const sorted = (await measure(c)).sort((a, b) => a - b);
      all.push(...sorted);
      log(`   ${c.name}: ${sorted.length} scans, p50 ${percentile(sorted, 0.5).toFixed(3)} ms, p99 ${percentile(sorted, 0.99).toFixed(3)} ms, max ${sorted.at(-1)!.toFixed(3)} ms`);
      metrics.push(
        { name: `scanner.classify.${c.name}.p50_ms`, value: percentile(sorted, 0.5), unit: 'ms' },
        { name: `scanner.classify.${c.name}.p99_ms`, value: percentile(sorted, 0.99), unit: 'ms', goal: '<= 5' },
      );
    }
    all.sort((a, b) => a - b);
    metrics.unshift({
      name: 'scanner.classify.p99_ms',
      value: percentile(all, 0.99),
      unit: 'ms',
      goal: '<= 5',
      note: `${all.length} scans: wedge+Enter, HID POS, serial CR LF`,
    });
    for (const c of timeoutCases) {
      const sorted = (await measure(c)).sort((a, b) => a - b);
      log(`   ${c.name}: ${sorted.length} scans, p50 ${percentile(sorted, 0.5).toFixed(3)} ms, p99 ${percentile(sorted, 0.99).toFixed(3)} ms`);
      const silence = c.mode === 'wedge' ? 40 : 50;
      metrics.push(
        { name: `scanner.classify.${c.name}.p50_ms`, value: percentile(sorted, 0.5), unit: 'ms', note: `ends on the ${silence} ms silence by design` },
        { name: `scanner.classify.${c.name}.p99_ms`, value: percentile(sorted, 0.99), unit: 'ms' },
      );
    }
    return metrics;
  },
};

export default bench;

runWhenMain(bench, import.meta.url);
