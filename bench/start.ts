import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Signer } from '../src/crypto/ed25519.js';
import { toHex } from '../src/encoding/hex.js';
import { Journal } from '../src/terminal/ledger/journal.js';
import { REFERENCE_GPIO_PINS } from '../hw-sim/terminal/counter-wiring.js';
import type { ServeAddresses } from '../hw-sim/serve/serve.js';
import { bundlePosd } from '../scripts/bundle-posd.js';
import { countersignedJournal } from './integrity.js';
import type { BenchModule, Metric } from './metric.js';
import { median } from './stats.js';
import { POSD_NODE_FLAGS } from './unit-flags.js';

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));
/** posd as the unit runs it: the bundle `npm run build` makes (scripts/bundle-posd.ts). */
const POSD = here('../posd.js');
const HW_SIM = here('../hw-sim/bin/hw-sim.js');
const RECORDS = 1_000_000;
const RUNS = 5;
/** Built once, kept between bench runs (about a minute to build): delete it to build it again. */
const CACHE = join(tmpdir(), 'posd-bench-cache', `journal-${RECORDS}-v2`);
/**
 * Seconds after ready at which the idle posd's resident memory is read. The last is the metric:
 * idle is the terminal between customers, after start-up's garbage is gone. V8 leaves that garbage
 * in the heap until its memory reducer runs, 8 s after the last full collection (its
 * --gc-memory-reducer-start-delay-ms), so an earlier sample measures the start, not the idle.
 */
const IDLE_SAMPLES_S = [5, 10, 20, 30];
/** The cached journal and the acquirer key its checkpoint is countersigned with; built when missing or stale. */
function cachedJournal(log: (line: string) => void): { dataDir: string; acquirerKey: string } {
  const meta = join(CACHE, 'bench.json');
  const dataDir = join(CACHE, 'terminal');
  if (existsSync(meta)) {
    const { acquirerKey, headSeq } = JSON.parse(readFileSync(meta, 'utf8')) as { acquirerKey: string; headSeq: number };
    try {
      const journal = Journal.open(dataDir, { readOnly: true });
      const same = journal.headSeq === headSeq;
      journal.close();
      if (same) {
        log(`   journal of ${RECORDS} records from the cache (${CACHE})`);
        return { dataDir, acquirerKey };
      }
    } catch {
      // unreadable: built again below
    }
  }
  rmSync(CACHE, { recursive: true, force: true });
  mkdirSync(CACHE, { recursive: true });
  const acquirer = Signer.generate();
  countersignedJournal(dataDir, RECORDS, 1000, acquirer, log);
  const journal = Journal.open(dataDir, { readOnly: true });
  writeFileSync(meta, JSON.stringify({ acquirerKey: toHex(acquirer.publicKey), headSeq: journal.headSeq }));
  journal.close();
  return { dataDir, acquirerKey: toHex(acquirer.publicKey) };
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** The first stdout line `match` accepts (JSON lines), or an error if the process ends first. */
async function firstLine<T>(child: ChildProcess, match: (entry: Record<string, unknown>) => T | undefined): Promise<T> {
  for await (const line of createInterface({ input: child.stdout! })) {
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    const got = match(entry);
    if (got !== undefined) return got;
  }
  throw new Error('the process ended before it was ready');
}

async function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** posd (the real bin) from spawn to ready: the API listening, the journal open and checked ("posd running" comes after both). */
async function readyMs(root: string, dataDir: string, acquirerKey: string): Promise<number> {
  const port = await freePort();
  const config = join(root, 'posd-1m.json');
  writeFileSync(config, JSON.stringify({ dataDir, merchant: { name: 'bench' }, acquirer: { url: 'http://127.0.0.1:9', publicKey: acquirerKey }, devices: {}, api: { listen: `127.0.0.1:${port}` } }));
  const t0 = performance.now();
  const child = spawn(process.execPath, [...POSD_NODE_FLAGS, POSD, '--config', config, '--log-level', 'info'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await firstLine(child, (e) => (e.msg === 'posd running' ? true : undefined));
    const ms = performance.now() - t0;
    const health = await fetch(`http://127.0.0.1:${port}/v1/health`);
    if (health.status !== 200) throw new Error(`posd is running but /v1/health answers ${health.status}`);
    return ms;
  } finally {
    await stopped(child);
  }
}

/** posd's resident memory, idle, with every simulated device open: serial twins on hw-sim serve's ptys (another process), GPIO in-process. */
function residentMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

async function idleRss(root: string, log: (line: string) => void): Promise<{ rssMb: number; devices: string; series: string }> {
  const serveDir = join(root, 'serve');
  const sim = spawn(process.execPath, [HW_SIM, 'serve', '--data-dir', serveDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const at = await firstLine(sim, (e) => (typeof e.printer === 'string' ? (e as unknown as ServeAddresses) : undefined));
    const config = join(root, 'posd-idle.json');
    writeFileSync(
      config,
      JSON.stringify({
        dataDir: join(root, 'idle-terminal'),
        merchant: { name: 'bench' },
        acquirer: { url: at.acquirer, publicKey: at.acquirerKey },
        devices: {
          printer: { uri: `serial:${at.printer}?baud=19200`, profile: 'generic-58-zh' },
          scanner: { uri: `serial:${at.scanner}?baud=9600` },
          nfc: { uri: `serial:${at.nfc}?baud=115200` },
          gpio: { uri: 'sim:gpio', pins: REFERENCE_GPIO_PINS },
        },
        api: { listen: `127.0.0.1:${await freePort()}` },
      }),
    );
    // Bundled as posd is (dist/posd.js), beside the compiled child so that its packages resolve.
    const child = here('./idle-posd.js');
    await bundlePosd(here('./idle-child.js'), child);
    const posd = spawn(process.execPath, [...POSD_NODE_FLAGS, child, config], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const ready = await firstLine(posd, (e) => (e.ready === true ? (e as { pid: number; devices: Record<string, string> }) : undefined));
      const devices = Object.entries(ready.devices).map(([k, v]) => `${k} ${v}`).join(', ');
      const readyAt = performance.now();
      const samples: { at: number; mb: number }[] = [];
      for (const at of IDLE_SAMPLES_S) {
        await new Promise((r) => setTimeout(r, Math.max(0, readyAt + at * 1000 - performance.now())));
        samples.push({ at, mb: residentMb(ready.pid) });
      }
      const series = samples.map((s) => `${s.mb.toFixed(1)} MB at ${s.at} s`).join(', ');
      log(`   idle posd (${devices}): resident ${series} after ready`);
      return { rssMb: samples.at(-1)!.mb, devices, series };
    } finally {
      await stopped(posd);
    }
  } finally {
    await stopped(sim);
  }
}

const bench: BenchModule = {
  title: "start: posd's start to ready with a 1M-record journal, and its idle memory with every simulated device open",
  async run(log) {
    const root = mkdtempSync(join(tmpdir(), 'posd-bench-start-'));
    const metrics: Metric[] = [];
    try {
      const cached = cachedJournal(log);
      // posd writes to its data directory (tokens, a settlement batch): the cache stays as built.
      const dataDir = join(root, 'terminal-1m');
      cpSync(cached.dataDir, dataDir, { recursive: true });
      const acquirerKey = cached.acquirerKey;
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) times.push(await readyMs(root, dataDir, acquirerKey));
      log(`   posd start to ready with ${RECORDS} records, ${RUNS} starts: ${times.map((t) => t.toFixed(0)).join(', ')} ms`);
      metrics.push({ name: 'start.ready_ms_1m', value: median(times), unit: 'ms', goal: '< 1000', note: `median of ${RUNS}; API listening, journal open and checked` });
      const idle = await idleRss(root, log);
      metrics.push({ name: 'idle.rss_mb', value: idle.rssMb, unit: 'MB', goal: '< 80', note: `${IDLE_SAMPLES_S.at(-1)} s after ready (${idle.series}); node ${POSD_NODE_FLAGS.join(' ')} as the unit; ${idle.devices}` });
      return metrics;
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  },
};

export default bench;
