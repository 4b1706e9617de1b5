import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Signer } from '../src/crypto/ed25519.js';
import { toHex } from '../src/encoding/hex.js';
import { signAck, type CloseAck } from '../src/protocol/settlement.js';
import { JournalAudit } from '../src/terminal/ledger/integrity/audit.js';
import { checkOnOpen } from '../src/terminal/ledger/integrity/startup-check.js';
import { exportJournal } from '../src/terminal/ledger/export.js';
import { Journal } from '../src/terminal/ledger/journal.js';
import { buildBacklog } from './backlog.js';
import type { BenchModule, Metric } from './metric.js';

const run = promisify(execFile);
const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));
/** posd as the unit runs it: the bundle `npm run build` makes. */
const POSD = fileURLToPath(new URL('../posd.js', import.meta.url));

/** A journal of `count` records whose newest countersigned checkpoint lies `tail` records behind the head. */
export function countersignedJournal(dir: string, count: number, tail: number, acquirer: Signer, log: (line: string) => void): void {
  const journal = Journal.open(dir);
  buildBacklog(journal, count - tail, log);
  const checkpoint = journal.appendCheckpoint();
  const frontierRoot = (JSON.parse(checkpoint.text) as { body: { root: string } }).body.root;
  const ack = signAck<CloseAck>(
    {
      v: 1,
      type: 'close',
      terminal: journal.terminalId,
      close: 'bench-close',
      body: '0'.repeat(64),
      from: 0,
      through: checkpoint.seq,
      balanced: true,
      totals: {},
      missing: [],
      problems: [],
      checkpoint: { terminal: journal.terminalId, seq: checkpoint.seq, hash: checkpoint.hash, size: checkpoint.seq, root: frontierRoot },
      at: Date.now(),
    },
    acquirer,
  );
  // As the drainer leaves it: every record uploaded (and accepted) before the close settles them;
  // without these rows posd would take all of them for records still to upload.
  journal.settlement!.recordBatch({ id: 'bench-upload', kind: 'upload', seqs: [[0, checkpoint.seq]], from: null, through: null, bodySha256: '0'.repeat(64) });
  journal.settlement!.applyUpload('bench-upload', [[0, checkpoint.seq]], [], '{}');
  // As a balanced close leaves it: the ack journaled and the range settled in one transaction.
  journal.append({ kind: 'settlement_ack', body: { close: 'bench-close', through: checkpoint.seq, ack: ack as unknown as Record<string, unknown> } }, () =>
    journal.settlement!.settleInAppend('bench-close', 0, checkpoint.seq, JSON.stringify(ack)),
  );
  buildBacklog(journal, tail, () => undefined);
  journal.close();
}

/** posd's own start: process start to "posd running" (journal open and checked, no devices). */
async function posdStartMs(dataDir: string, acquirerKey: string): Promise<{ ms: number; checkMs: number }> {
  const config = join(dataDir, '..', 'posd.json');
  writeFileSync(config, JSON.stringify({ dataDir, merchant: { name: 'bench' }, acquirer: { url: 'http://127.0.0.1:9', publicKey: acquirerKey }, devices: {} }));
  const t0 = performance.now();
  const child = spawn(process.execPath, [POSD, '--config', config], { stdio: ['ignore', 'pipe', 'inherit'] });
  let checkMs = NaN;
  try {
    for await (const line of createInterface({ input: child.stdout })) {
      const entry = JSON.parse(line) as { msg?: string; ms?: number };
      if (entry.msg?.startsWith('journal checked')) checkMs = entry.ms ?? NaN;
      if (entry.msg === 'posd running') return { ms: performance.now() - t0, checkMs };
    }
    throw new Error('posd exited before it was running');
  } finally {
    child.kill('SIGKILL');
  }
}

const bench: BenchModule = {
  title: "integrity: posd's start-up check and background audit of its own journal",
  async run(log) {
    const root = mkdtempSync(join(tmpdir(), 'posd-bench-integrity-'));
    const acquirer = Signer.generate();
    const metrics: Metric[] = [];
    try {
      const large = join(root, 'terminal-1m');
      countersignedJournal(large, 1_000_000, 1000, acquirer, log);
      const start = await posdStartMs(large, toHex(acquirer.publicKey));
      log(`   posd start to running with 1M records (checkpoint 1000 behind the head): ${start.ms.toFixed(0)} ms, of which the check ${start.checkMs.toFixed(0)} ms`);
      metrics.push({ name: 'start.verify_ms_1m', value: start.ms, unit: 'ms', goal: '< 1000', note: `check itself ${start.checkMs.toFixed(0)} ms` });

      const medium = join(root, 'terminal-100k');
      countersignedJournal(medium, 100_000, 1000, acquirer, () => undefined);
      let journal = Journal.open(medium);
      const checked = checkOnOpen(journal, { acquirerPublicKey: acquirer.publicKey });
      const audit = await new JournalAudit(journal).run();
      if (audit.state !== 'done' || !checked) throw new Error(`audit ${audit.state}`);
      const auditPerS = audit.checked / (((audit.finishedAt ?? 0) - (audit.startedAt ?? 0)) / 1000);
      journal.close();
      journal = Journal.open(medium, { readOnly: true });
      const file = join(root, 'export-100k.jsonl');
      exportJournal(journal, file);
      journal.close();
      const { stdout } = await run(process.execPath, [here('./verify-child.js'), file]);
      const verified = JSON.parse(stdout) as { ms: number; records: number };
      const verifyPerS = verified.records / (verified.ms / 1000);
      log(`   audit ${auditPerS.toFixed(0)} records/s; posctl journal verify on the same records ${verifyPerS.toFixed(0)} records/s`);
      metrics.push(
        { name: 'audit.per_s', value: auditPerS, unit: '/s', note: `${audit.checked} records, a chunk per event-loop turn` },
        { name: 'audit.verify_per_s', value: verifyPerS, unit: '/s', note: 'baseline, same run' },
        { name: 'audit.ratio_vs_verify', value: auditPerS / verifyPerS, unit: 'x', goal: '>= 0.8' },
      );
      return metrics;
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  },
};

export default bench;
