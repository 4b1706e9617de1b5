import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { fromHex, toHex } from '../src/encoding/hex.js';
import { verify } from '../src/crypto/ed25519.js';
import type { SignedRecord } from '../src/protocol/record.js';
import { recordSigningInput, recordText, unsignedOf } from '../src/protocol/record-codec.js';
import { exportJournal } from '../src/terminal/ledger/export.js';
import { Journal } from '../src/terminal/ledger/journal.js';
import { spawnAcquirer } from '../hw-sim/acquirer/child.js';
import { buildBacklog } from './backlog.js';
import type { BenchModule, Metric } from './metric.js';

const run = promisify(execFile);
const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));

interface SettleResult {
  ms: number;
  maxRssMb: number;
  unsettled: number;
  pending: number;
}

/** Settles a journal's backlog from a separate terminal process against the acquirer in its own process. */
async function settleInChild(dataDir: string, log: (line: string) => void): Promise<SettleResult> {
  const acquirer = await spawnAcquirer(join(dataDir, '..', `acquirer-${Date.now()}`));
  try {
    // The acquirer settles only with enrolled terminals: its operator enrols this one's key first.
    const journal = Journal.open(dataDir, { readOnly: true });
    const publicKey = toHex(journal.genesisPublicKey);
    journal.close();
    const enrolled = await fetch(`${acquirer.control}/fleet/enrolments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${acquirer.token}` },
      body: JSON.stringify({ publicKey }),
    });
    if (!enrolled.ok) throw new Error(`enrolment refused: HTTP ${enrolled.status} ${await enrolled.text()}`);
    const { stdout } = await run(process.execPath, [here('./settle-child.js'), dataDir, acquirer.url, acquirer.publicKey], { maxBuffer: 1 << 20 });
    const result = JSON.parse(stdout) as SettleResult;
    if (result.unsettled !== 0 || result.pending !== 0) throw new Error(`settlement left ${result.unsettled} unsettled, ${result.pending} pending`);
    log(`   settled in ${(result.ms / 1000).toFixed(1)} s, terminal peak RSS ${result.maxRssMb.toFixed(0)} MB`);
    return result;
  } finally {
    await acquirer.stop();
  }
}

/** The acquirer's irreducible work per record: parse it, rebuild the signed text, verify the signature. */
function bareVerify(journal: Journal, publicKey: Uint8Array): number {
  const texts: string[] = [];
  for (const record of journal.records()) texts.push(record.text);
  const t0 = performance.now();
  for (const text of texts) {
    const record = JSON.parse(text) as SignedRecord;
    if (!verify(fromHex(record.sig, 64), recordSigningInput(recordText(unsignedOf(record))), publicKey)) throw new Error('bad signature in bench data');
  }
  return texts.length / ((performance.now() - t0) / 1000);
}

const bench: BenchModule = {
  title: 'settlement: backlog to fully settled over loopback, acquirer verifying every record',
  async run(log) {
    const root = mkdtempSync(join(tmpdir(), 'posd-bench-settle-'));
    const metrics: Metric[] = [];
    try {
      const small = join(root, 'terminal-100k');
      let journal = Journal.open(small);
      buildBacklog(journal, 100_000, log);
      const records = journal.headSeq + 1;
      const verifyPerS = bareVerify(journal, journal.currentPublicKey);
      journal.close();
      log(`   bare verification: ${verifyPerS.toFixed(0)} records/s (one core)`);
      const settled = await settleInChild(small, log);
      const settlePerS = records / (settled.ms / 1000);
      metrics.push(
        { name: 'settle.per_s', value: settlePerS, unit: '/s', note: `${records} records` },
        { name: 'settle.verify_per_s', value: verifyPerS, unit: '/s', note: 'baseline, same run' },
        { name: 'settle.ratio_vs_verify', value: settlePerS / verifyPerS, unit: 'x', goal: '>= 0.6' },
      );

      const large = join(root, 'terminal-1m');
      journal = Journal.open(large);
      buildBacklog(journal, 1_000_000, log);
      journal.close();
      const settledLarge = await settleInChild(large, log);
      metrics.push(
        { name: 'settle.rss_mb_1m', value: settledLarge.maxRssMb, unit: 'MB', goal: '< 150', note: 'terminal process, peak' },
        { name: 'settle.per_s_1m', value: 1_000_001 / (settledLarge.ms / 1000), unit: '/s' },
      );

      journal = Journal.open(large, { readOnly: true });
      const file = join(root, 'export-1m.jsonl');
      const exported = exportJournal(journal, file);
      journal.close();
      const { stdout } = await run(process.execPath, [here('./verify-child.js'), file]);
      const verified = JSON.parse(stdout) as { ms: number; maxRssMb: number; records: number };
      if (verified.records !== exported.records) throw new Error('verification saw a different number of records');
      log(`   verified ${verified.records} exported records in ${(verified.ms / 1000).toFixed(1)} s, peak RSS ${verified.maxRssMb.toFixed(0)} MB`);
      metrics.push(
        { name: 'verify.rss_mb_1m', value: verified.maxRssMb, unit: 'MB', note: `${verified.records} records, streaming` },
        { name: 'verify.per_s', value: verified.records / (verified.ms / 1000), unit: '/s' },
      );
      return metrics;
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  },
};

export default bench;
