import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnAcquirer, type AcquirerProcess } from '../../hw-sim/acquirer/child.js';
import type { FaultSpec } from '../../hw-sim/acquirer/faults.js';
import { fromHex, toHex } from '../../src/encoding/hex.js';
import { ChainVerifier } from '../../src/protocol/chain-verifier.js';
import { AcquirerClient } from '../../src/settlement/acquirer-client.js';
import { SettlementDrainer } from '../../src/settlement/drainer.js';
import { Journal } from '../../src/terminal/ledger/journal.js';
import { expectSettledExactlyOnce } from '../support/settlement-checks.js';
import { tempDir } from '../support/tmp.js';

const WORKER = join(process.cwd(), 'dist/test/fixtures/settle-worker.js');
const KILLS = 200;
/** The share of the terminal's runs during which the acquirer is killed too. */
const ACQUIRER_KILL_RATE = 0.15;
const FAULTS: FaultSpec = { mode: 'random', rate: 0.15, delayMs: 30 };

type Stats = { uploads: number; closes: number; replays: number; injected: Record<string, number> };

/**
 * The acquirer simulator in its own process, killed with SIGKILL and started again on the same
 * data directory and port. Its counters live in memory, so they are read before each kill and
 * summed over its lives (a lower bound: what it did between the last read and the kill is lost).
 */
class MortalAcquirer {
  private process: AcquirerProcess | undefined;
  private port: number | undefined;
  private readonly past: Stats = { uploads: 0, closes: 0, replays: 0, injected: {} };
  lives = 0;

  constructor(private readonly dataDir: string) {}

  get url(): string {
    return this.current.url;
  }

  get publicKey(): string {
    return this.current.publicKey;
  }

  private get current(): AcquirerProcess {
    if (!this.process) throw new Error('the acquirer is not running');
    return this.process;
  }

  async start(faults: FaultSpec | undefined): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        this.process = await spawnAcquirer(this.dataDir, this.port ? { port: this.port } : {});
        break;
      } catch (err) {
        // The port of the killed process may take a moment to come free.
        if (attempt >= 20) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    this.port = this.process.port;
    this.lives++;
    await this.setFault(faults);
  }

  /** The operator's token for the control port (the simulator prints it at start). */
  private get auth(): Record<string, string> {
    return { authorization: `Bearer ${this.current.token}` };
  }

  /** Enrols a terminal key through the fleet route, as the acquirer's operator would. */
  async enrol(publicKey: Uint8Array): Promise<void> {
    const response = await fetch(`${this.current.control}/fleet/enrolments`, {
      method: 'POST',
      headers: { ...this.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ publicKey: toHex(publicKey) }),
    });
    if (!response.ok) throw new Error(`enrolling the terminal failed: HTTP ${response.status} ${await response.text()}`);
  }

  async setFault(spec: FaultSpec | undefined): Promise<void> {
    const response = spec
      ? await fetch(`${this.current.control}/faults`, { method: 'POST', headers: { ...this.auth, 'content-type': 'application/json' }, body: JSON.stringify(spec) })
      : await fetch(`${this.current.control}/faults`, { method: 'DELETE', headers: this.auth });
    if (!response.ok) throw new Error(`setting the acquirer's fault failed: HTTP ${response.status}`);
  }

  /** Reads its counters, then kills it wherever it is. */
  async kill(): Promise<void> {
    const dying = this.current;
    const stats = await this.readStats().catch(() => undefined);
    if (stats) this.addToPast(stats);
    this.process = undefined;
    await dying.kill();
  }

  async stop(): Promise<void> {
    if (!this.process) return;
    this.addToPast(await this.readStats());
    const stopping = this.process;
    this.process = undefined;
    await stopping.stop();
  }

  /** Counters over every life so far (the current one read now). */
  async stats(): Promise<Stats> {
    const now = this.process ? await this.readStats() : { uploads: 0, closes: 0, replays: 0, injected: {} };
    const injected = { ...this.past.injected };
    for (const [mode, n] of Object.entries(now.injected)) injected[mode] = (injected[mode] ?? 0) + n;
    return { uploads: this.past.uploads + now.uploads, closes: this.past.closes + now.closes, replays: this.past.replays + now.replays, injected };
  }

  /** Its store, opened read-only beside it. */
  openStore(): Database.Database {
    return new Database(join(this.dataDir, 'acquirer.db'), { readonly: true });
  }

  private async readStats(): Promise<Stats> {
    return (await (await fetch(`${this.current.control}/stats`, { headers: this.auth })).json()) as Stats;
  }

  private addToPast(stats: Stats): void {
    this.past.uploads += stats.uploads;
    this.past.closes += stats.closes;
    this.past.replays += stats.replays;
    for (const [mode, n] of Object.entries(stats.injected)) this.past.injected[mode] = (this.past.injected[mode] ?? 0) + n;
  }
}

const acquirers: MortalAcquirer[] = [];
afterEach(async () => {
  while (acquirers.length) await acquirers.pop()!.stop();
});

/**
 * When to kill the worker: a time after spawning (start-up and recovery), or once it has
 * approved some records and then a moment more. Counting approvals rather than milliseconds
 * keeps the work done between kills, and so how often settlement completes, the same on a
 * loaded machine as on an idle one.
 */
type KillPoint = { fromSpawnMs: number } | { afterApprovals: number; thenMs: number };

/** Runs the worker until killed; resolves with the complete lines it printed. */
function runUntilKilled(args: string[], killAt: KillPoint): Promise<{ lines: string[]; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let armed = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if ('afterApprovals' in killAt && !armed && approvalsIn(out) >= killAt.afterApprovals && out.startsWith('R ') && out.includes('\n')) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), killAt.thenMs);
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    if ('fromSpawnMs' in killAt) setTimeout(() => child.kill('SIGKILL'), killAt.fromSpawnMs);
    const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (signal !== 'SIGKILL') return reject(new Error(`worker exited by itself (code ${code}): ${err}`));
      const complete = out.slice(0, out.lastIndexOf('\n') + 1);
      resolve({ lines: complete.split('\n').filter(Boolean), signal });
    });
  });
}

function approvalsIn(out: string): number {
  let n = 0;
  for (let i = out.indexOf('\nD '); i !== -1; i = out.indexOf('\nD ', i + 1)) n++;
  return n;
}

describe('durability under SIGKILL', () => {
  it(`loses no acknowledged record and settles nothing twice across ${KILLS} kills at random points, of the terminal and of the acquirer`, async () => {
    expect(existsSync(WORKER), 'run `npm test` (it builds dist/) before this test').toBe(true);
    const acquirer = new MortalAcquirer(tempDir('posd-crash-acquirer-'));
    acquirers.push(acquirer);
    await acquirer.start(FAULTS);
    const dataDir = tempDir('posd-crash-');
    // The acquirer settles only with enrolled terminals: make the terminal's key and enrol it first.
    const made = Journal.open(dataDir);
    const genesisKey = made.genesisPublicKey;
    made.close();
    await acquirer.enrol(genesisKey);
    const acknowledged = new Map<number, string>();
    const verifier = new ChainVerifier();
    let verifiedThrough = -1;
    let lastVerifiedHash = '';
    let random = 12345;
    const rand = (): number => ((random = (random * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

    for (let kill = 0; kill < KILLS; kill++) {
      // A quarter of the kills land during start-up and recovery, the rest while appending and settling.
      const when: KillPoint = rand() < 0.25 ? { fromSpawnMs: Math.floor(rand() * 120) } : { afterApprovals: Math.floor(rand() * 30), thenMs: Math.floor(rand() * 40) };
      // Now and then the acquirer dies too, at a random moment of the run (or just after it).
      const acquirerDies = rand() < ACQUIRER_KILL_RATE ? Math.floor(rand() * 250) : undefined;
      let acquirerKilled: Promise<void> | undefined;
      let fireAcquirerKill = (): void => undefined;
      if (acquirerDies !== undefined) {
        const timer = setTimeout(() => fireAcquirerKill(), acquirerDies);
        fireAcquirerKill = () => {
          clearTimeout(timer);
          acquirerKilled ??= acquirer.kill();
        };
      }
      const { lines } = await runUntilKilled([dataDir, acquirer.url, acquirer.publicKey], when);
      if (acquirerDies !== undefined) {
        fireAcquirerKill();
        await acquirerKilled;
        await acquirer.start(FAULTS);
      }
      for (const line of lines) {
        const [tag, seq, hash] = line.split(' ');
        if (tag === 'D') acknowledged.set(Number(seq), hash!);
      }
      if (!existsSync(join(dataDir, 'journal.db'))) continue;
      const journal = Journal.open(dataDir, { readOnly: true });
      for (const [seq, hash] of acknowledged) {
        if (seq <= verifiedThrough) continue;
        const stored = journal.get(seq);
        expect(stored, `acknowledged record ${seq} is missing after kill ${kill}`).toBeDefined();
        expect(toHex(stored!.hash)).toBe(hash);
      }
      if (verifiedThrough >= 0) expect(toHex(journal.get(verifiedThrough)!.hash), 'verified history changed').toBe(lastVerifiedHash);
      for (const record of journal.records(verifiedThrough + 1)) {
        verifier.push(record.text);
        verifiedThrough = record.seq;
        lastVerifiedHash = toHex(record.hash);
      }
      journal.close();
    }

    expect(acknowledged.size).toBeGreaterThan(KILLS);
    // Settlement really ran between the kills, so kills landed inside it too.
    const store = acquirer.openStore();
    const closesDuringKills = store.prepare('SELECT COUNT(*) FROM closes WHERE balanced = 1').pluck().get() as number;
    store.close();
    const stats = await acquirer.stats();
    console.log(
      `sigkill: ${acknowledged.size} acknowledged records, ${stats.uploads} upload requests, ${closesDuringKills} balanced closes, ${stats.replays} replays, ` +
        `${acquirer.lives - 1} acquirer kills, faults ${JSON.stringify(stats.injected)}`,
    );
    expect(closesDuringKills).toBeGreaterThan(5);
    expect(stats.replays).toBeGreaterThan(0);
    expect(acquirer.lives).toBeGreaterThan(10);
    await acquirer.setFault(undefined);
    const journal = Journal.open(dataDir);
    const client = new AcquirerClient(acquirer.url, { timeoutMs: 5000 });
    const drainer = new SettlementDrainer({ journal, client, acquirerPublicKey: fromHex(acquirer.publicKey, 32), batchSize: 500, backoff: { baseMs: 5, maxMs: 50 } });
    await drainer.drain(10);
    client.close();
    for (const record of journal.records(verifiedThrough + 1)) verifier.push(record.text);
    const summary = verifier.finish();
    expect(summary.records).toBe(journal.headSeq + 1);
    for (const [seq, hash] of acknowledged) expect(toHex(journal.get(seq)!.hash)).toBe(hash);
    expect(drainer.status().counters!.unsettledCount).toBe(0);
    const settledStore = acquirer.openStore();
    expectSettledExactlyOnce(journal, { db: settledStore });
    settledStore.close();
    journal.close();
  }, 1_200_000);
});
