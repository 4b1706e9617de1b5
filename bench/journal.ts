import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Signer } from '../src/crypto/ed25519.js';
import { Journal } from '../src/terminal/ledger/journal.js';
import type { BenchModule, Metric } from './metric.js';
import { median, percentile } from './stats.js';

const ROUNDS = 24;
const PER_ROUND = 250;

/**
 * Durable journal appends (sign, chain, one BEGIN IMMEDIATE transaction, fsync) against a bare
 * better-sqlite3 insert of a row of the same size with the same durability (WAL, synchronous=FULL,
 * one transaction per row), interleaved in short rounds on the same disk so the disk's noise hits
 * both; the ratio is the median of the rounds' ratios.
 */
const bench: BenchModule = {
  title: 'journal: durable append vs bare SQLite insert (same durability, same row size)',
  async run(log) {
    const dir = mkdtempSync(join(tmpdir(), 'posd-bench-journal-'));
    try {
      const journal = Journal.open(join(dir, 'journal'));
      const bare = new Database(join(dir, 'bare.db'));
      bare.pragma('journal_mode = WAL');
      bare.pragma('synchronous = FULL');
      bare.exec('CREATE TABLE t (seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, asset TEXT, amount INTEGER, hash BLOB NOT NULL, body TEXT NOT NULL) STRICT');
      const insert = bare.prepare('INSERT INTO t(seq, kind, asset, amount, hash, body) VALUES (?, ?, ?, ?, ?, ?)');
      const sample = journal.append({ kind: 'payment', body: { asset: 'CNY', amount: 1, tender: 'cash', ref: 'order-000000', details: {} } });
      const body = 'x'.repeat(sample.text.length);
      const hash = Buffer.alloc(32, 1);
      const appendMs: number[] = [];
      let appendTotal = 0;
      let bareTotal = 0;
      const roundRatios: number[] = [];
      const signRatios: number[] = [];
      const signer = Signer.generate();
      const message = Buffer.alloc(sample.text.length + 24, 0x61);
      let signSeq = 1_000_000_000;
      let n = 0;
      let seq = 0;
      for (let round = 0; round < ROUNDS; round++) {
        let t0 = performance.now();
        for (let i = 0; i < PER_ROUND; i++) {
          const a = performance.now();
          journal.append({ kind: 'payment', body: { asset: 'CNY', amount: 100 + (n++ % 90_000), tender: 'cash', ref: `order-${String(n).padStart(6, '0')}`, details: {} } });
          appendMs.push(performance.now() - a);
        }
        const appendRound = performance.now() - t0;
        appendTotal += appendRound;
        t0 = performance.now();
        for (let i = 0; i < PER_ROUND; i++) {
          bare.exec('BEGIN IMMEDIATE');
          insert.run(seq++, 'payment', 'CNY', 100 + i, hash, body);
          bare.exec('COMMIT');
        }
        const bareRound = performance.now() - t0;
        bareTotal += bareRound;
        roundRatios.push(bareRound / appendRound);
        // The floor any per-record signature imposes: the same bare insert, one Ed25519 signature before each.
        t0 = performance.now();
        for (let i = 0; i < PER_ROUND; i++) {
          message[0] = i & 0xff;
          signer.sign(message);
          bare.exec('BEGIN IMMEDIATE');
          insert.run(signSeq++, 'payment', 'CNY', 100 + i, hash, body);
          bare.exec('COMMIT');
        }
        signRatios.push(bareRound / (performance.now() - t0));
      }
      journal.close();
      bare.close();
      const count = ROUNDS * PER_ROUND;
      const appendPerS = count / (appendTotal / 1000);
      const barePerS = count / (bareTotal / 1000);
      log(`   ${count} appends: ${appendPerS.toFixed(0)}/s; bare inserts: ${barePerS.toFixed(0)}/s; record ${sample.text.length} bytes`);
      const metrics: Metric[] = [
        { name: 'journal.append.per_s', value: appendPerS, unit: '/s' },
        { name: 'journal.append.p99_ms', value: percentile(appendMs, 0.99), unit: 'ms' },
        { name: 'journal.append.p50_ms', value: percentile(appendMs, 0.5), unit: 'ms' },
        { name: 'journal.bare_insert.per_s', value: barePerS, unit: '/s', note: 'baseline, same run' },
        { name: 'journal.append.ratio_vs_sqlite', value: median(roundRatios), unit: 'x', goal: '>= 0.8', note: `median of ${ROUNDS} interleaved rounds` },
        { name: 'journal.sign_only.ratio_vs_sqlite', value: median(signRatios), unit: 'x', note: 'bare insert + one Ed25519 signature: the ceiling for signing every record' },
        { name: 'journal.append.ratio_vs_sqlite_total', value: appendPerS / barePerS, unit: 'x', note: 'over all rounds' },
      ];
      return metrics;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default bench;
