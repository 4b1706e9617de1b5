import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/encoding/hex.js';
import { ChainVerifier } from '../../src/protocol/chain-verifier.js';
import { Journal } from '../../src/terminal/ledger/journal.js';
import { drainerFor, enrolKey, startAcquirer } from '../support/acquirer.js';
import { expectSettledExactlyOnce } from '../support/settlement-checks.js';
import { tempDir } from '../support/tmp.js';

const WORKER = join(process.cwd(), 'dist/test/fixtures/settle-worker.js');
const KILLS = 200;

/** Runs the worker until killed; resolves with the complete lines it printed. */
function runUntilKilled(args: string[], killAfter: { fromSpawnMs?: number; afterReadyMs?: number }): Promise<{ lines: string[]; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      const before = out.length;
      out += d.toString();
      if (killAfter.afterReadyMs !== undefined && before === 0 && out.includes('\n')) {
        setTimeout(() => child.kill('SIGKILL'), killAfter.afterReadyMs);
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    if (killAfter.fromSpawnMs !== undefined) setTimeout(() => child.kill('SIGKILL'), killAfter.fromSpawnMs);
    const guard = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (signal !== 'SIGKILL') return reject(new Error(`worker exited by itself (code ${code}): ${err}`));
      const complete = out.slice(0, out.lastIndexOf('\n') + 1);
      resolve({ lines: complete.split('\n').filter(Boolean), signal });
    });
  });
}

describe('durability under SIGKILL', () => {
  it(`loses no acknowledged record and settles nothing twice across ${KILLS} kills at random points`, async () => {
    expect(existsSync(WORKER), 'run `npm test` (it builds dist/) before this test').toBe(true);
    const sim = await startAcquirer();
    await sim.setFault({ mode: 'random', rate: 0.15, delayMs: 30 });
    const dataDir = tempDir('posd-crash-');
    // The acquirer settles only with enrolled terminals: make the terminal's key and enrol it first.
    const made = Journal.open(dataDir);
    enrolKey(sim, made.genesisPublicKey);
    made.close();
    const acknowledged = new Map<number, string>();
    const verifier = new ChainVerifier();
    let verifiedThrough = -1;
    let lastVerifiedHash = '';
    let random = 12345;
    const rand = (): number => ((random = (random * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

    for (let kill = 0; kill < KILLS; kill++) {
      // A quarter of the kills land during start-up and recovery, the rest while appending and settling.
      const when = rand() < 0.25 ? { fromSpawnMs: Math.floor(rand() * 120) } : { afterReadyMs: Math.floor(rand() * 150) };
      const { lines } = await runUntilKilled([dataDir, sim.url, toHex(sim.publicKey)], when);
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
    const closesDuringKills = sim.db.prepare('SELECT COUNT(*) FROM closes WHERE balanced = 1').pluck().get() as number;
    const uploadsDuringKills = sim.stats.uploads;
    console.log(`sigkill: ${acknowledged.size} acknowledged records, ${uploadsDuringKills} upload requests, ${closesDuringKills} balanced closes, ${sim.stats.replays} replays, faults ${JSON.stringify(sim.faults.injected)}`);
    expect(closesDuringKills).toBeGreaterThan(5);
    expect(sim.stats.replays).toBeGreaterThan(0);
    await sim.setFault(undefined);
    const journal = Journal.open(dataDir);
    const drainer = drainerFor(journal, sim, { batchSize: 500 });
    await drainer.drain(10);
    for (const record of journal.records(verifiedThrough + 1)) verifier.push(record.text);
    const summary = verifier.finish();
    expect(summary.records).toBe(journal.headSeq + 1);
    for (const [seq, hash] of acknowledged) expect(toHex(journal.get(seq)!.hash)).toBe(hash);
    expect(drainer.status().counters!.unsettledCount).toBe(0);
    expectSettledExactlyOnce(journal, sim);
    journal.close();
  }, 300_000);
});
