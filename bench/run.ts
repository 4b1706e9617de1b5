import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchModule, Metric } from './metric.js';
import { POSD_NODE_FLAGS, runsWithUnitFlags } from './unit-flags.js';

/**
 * `npm run bench` prints a table; `npm run bench -- --json` prints {"metrics": {...}} only.
 * `--only NAME[,NAME]` runs the modules whose file names are given (e.g. --only journal,nfc).
 * A module that throws is listed under "failed" (with --json) and the run exits 1.
 * The modules that run posd in this process (tap, code, api...) measure it under the unit's node
 * flags: without them the runner starts itself again with them. V8's default 16 MB young
 * generation, for one, pauses a few milliseconds at each scavenge where posd's 1 MB one does not.
 */
const modules: Record<string, () => Promise<{ default: BenchModule }>> = {
  crypto: () => import('./crypto.js'),
  journal: () => import('./journal.js'),
  settle: () => import('./settle.js'),
  scanner: () => import('./scanner.js'),
  nfc: () => import('./nfc.js'),
  integrity: () => import('./integrity.js'),
  tap: () => import('./tap.js'),
  code: () => import('./code.js'),
  api: () => import('./api.js'),
  start: () => import('./start.js'),
};

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const onlyAt = args.indexOf('--only');
  const only = onlyAt >= 0 ? new Set((args[onlyAt + 1] ?? '').split(',')) : undefined;
  const log = json ? (line: string) => process.stderr.write(`${line}\n`) : (line: string) => process.stdout.write(`${line}\n`);
  const metrics: Metric[] = [];
  const started = Date.now();
  // A module that fails is reported and the others still run: one broken bench must not hide
  // every other number. The run then exits 1.
  const failed: Record<string, string> = {};
  for (const [name, load] of Object.entries(modules)) {
    if (only && !only.has(name)) continue;
    const t0 = Date.now();
    try {
      const bench = (await load()).default;
      log(`== ${bench.title}`);
      metrics.push(...(await bench.run(log)));
    } catch (err) {
      failed[name] = err instanceof Error ? err.message : String(err);
      log(`   FAILED: ${failed[name]}`);
      if (err instanceof Error && err.stack) log(err.stack.split('\n').slice(1, 6).join('\n'));
    }
    log(`   (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
  if (Object.keys(failed).length > 0) process.exitCode = 1;
  if (json) {
    const metricsOut = Object.fromEntries(metrics.map((m) => [m.name, round(m.value)]));
    process.stdout.write(`${JSON.stringify(Object.keys(failed).length > 0 ? { metrics: metricsOut, failed } : { metrics: metricsOut })}\n`);
    return;
  }
  const rows = metrics.map((m) => [m.name, String(round(m.value)), m.unit, m.goal ?? '', m.note ?? '']);
  const header = ['metric', 'value', 'unit', 'goal', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 1 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  log('');
  log(line(header));
  log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) log(line(row));
  for (const [name, message] of Object.entries(failed)) log(`FAILED ${name}: ${message}`);
  log(`\ntotal ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function round(value: number): number {
  if (!Number.isFinite(value)) return value;
  const digits = Math.abs(value) >= 100 ? 1 : 3;
  return Number(value.toFixed(digits));
}

if (runsWithUnitFlags()) {
  main().catch(fail);
} else {
  const child = spawn(process.execPath, [...POSD_NODE_FLAGS, ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function fail(err: unknown): void {
  console.error(err);
  process.exit(1);
}
