import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/encoding/hex.js';
import { Journal } from '../../src/terminal/ledger/journal.js';
import { cashPayment } from '../support/records.js';
import { drainerFor, enrolKey, startAcquirer } from '../support/acquirer.js';
import { tempDir } from '../support/tmp.js';
import { posctl } from '../support/posctl.js';



/** A settled journal, its export, and the acquirer's countersigned checkpoint saved as the anchor. */
async function settledExport() {
  const sim = await startAcquirer();
  const dir = tempDir();
  const journal = Journal.open(dir);
  for (let i = 0; i < 12; i++) journal.append(cashPayment(100 + i, i % 3 ? 'CNY' : 'MAT'));
  journal.append({ kind: 'refund', body: { asset: 'CNY', amount: 50, of: 2, reason: 'damaged' } });
  await drainerFor(journal, sim).drainOnce();
  journal.rotateKey();
  for (let i = 0; i < 4; i++) journal.append(cashPayment(7 + i));
  await drainerFor(journal, sim).drainOnce();
  const publicKey = toHex(journal.genesisPublicKey);
  journal.close();
  const file = join(dir, 'journal.jsonl');
  expect((await posctl('journal', 'export', '--data-dir', dir, '--out', file)).code).toBe(0);
  const anchor = join(dir, 'anchor.json');
  writeFileSync(anchor, JSON.stringify(sim.latestCheckpoint(JSON.parse(readFileSync(file, 'utf8').split('\n')[0]!).terminal)));
  const keys = ['--public-key', publicKey, '--acquirer-key', toHex(sim.publicKey), '--anchor', anchor];
  return { dir, file, anchor, keys, lines: readFileSync(file, 'utf8').trimEnd().split('\n') };
}

describe('posctl journal verify', () => {
  it('accepts an intact export: signatures, chain, totals, rotation, checkpoints and countersignatures', async () => {
    const { file, keys } = await settledExport();
    const res = await posctl('journal', 'verify', file, ...keys);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^OK: \d+ records of terminal [0-9a-f]{16}/);
    expect(res.stdout).toContain('2 countersigned by the acquirer, 1 key rotations');
    expect(res.stdout).toMatch(/anchored: matches the acquirer's countersigned checkpoint at seq \d+/);
  });

  it('names the record and the reason for a changed byte', async () => {
    const { file, keys, lines } = await settledExport();
    const target = lines.findIndex((l) => l.includes('"amount":105'));
    lines[target] = lines[target]!.replace('"amount":105', '"amount":106');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const res = await posctl('journal', 'verify', file, ...keys);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(new RegExp(`^FAILED \\(bad_signature\\): line ${target + 1}, record seq ${target - 1}: signature does not verify`));
  });

  it('detects a flipped bit anywhere in a record line', async () => {
    const { file, keys, lines } = await settledExport();
    for (const [lineIndex, column] of [[3, 10], [5, 200], [7, 400]] as const) {
      const copy = [...lines];
      const line = copy[lineIndex]!;
      const at = Math.min(column, line.length - 2);
      copy[lineIndex] = line.slice(0, at) + String.fromCharCode(line.charCodeAt(at) ^ 1) + line.slice(at + 1);
      writeFileSync(file, `${copy.join('\n')}\n`);
      const res = await posctl('journal', 'verify', file, ...keys);
      expect(res.code, `line ${lineIndex + 1} column ${at}`).toBe(1);
      expect(res.stderr).toMatch(new RegExp(`line ${lineIndex + 1}`));
    }
  });

  it('detects a deleted record', async () => {
    const { file, keys, lines } = await settledExport();
    lines.splice(5, 1);
    writeFileSync(file, `${lines.join('\n')}\n`);
    const res = await posctl('journal', 'verify', file, ...keys);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('FAILED (bad_seq): line 6, record seq 5: seq jumps from 3 to 5: records are missing');
  });

  it('detects two records swapped', async () => {
    const { file, keys, lines } = await settledExport();
    [lines[4], lines[5]] = [lines[5]!, lines[4]!];
    writeFileSync(file, `${lines.join('\n')}\n`);
    const res = await posctl('journal', 'verify', file, ...keys);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('FAILED (bad_seq): line 5, record seq 4: seq jumps from 2 to 4');
  });

  it('detects a truncated tail against the countersigned checkpoint, even with a consistent header', async () => {
    const { file, keys, lines } = await settledExport();
    const header = JSON.parse(lines[0]!);
    const kept = lines.slice(1, -8);
    header.records = kept.length;
    header.headHash = createHash('sha256').update(kept.at(-1)!).digest('hex');
    writeFileSync(file, `${[JSON.stringify(header), ...kept].join('\n')}\n`);
    const res = await posctl('journal', 'verify', file, ...keys);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/FAILED \(truncated\): .*the acquirer countersigned a checkpoint at seq \d+: records were removed from the end/);
    const withoutAnchor = await posctl('journal', 'verify', file, ...keys.slice(0, 4));
    expect(withoutAnchor.code).toBe(0);
    expect(withoutAnchor.stdout).toContain('a truncated tail cannot be ruled out');
  });

  it('rejects a forged anchor and a wrong pinned key', async () => {
    const { file, keys, anchor } = await settledExport();
    const forged = JSON.parse(readFileSync(anchor, 'utf8'));
    forged.through += 1;
    writeFileSync(anchor, JSON.stringify(forged));
    const res = await posctl('journal', 'verify', file, ...keys);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('FAILED (anchor_mismatch)');
    const wrongKey = await posctl('journal', 'verify', file, '--public-key', 'ab'.repeat(32));
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toContain('FAILED (bad_genesis)');
  });

  it('proves one record is in a checkpoint, and refuses a proof for another record', async () => {
    const { dir } = await settledExport();
    const res = await posctl('journal', 'prove', '--data-dir', dir, '--seq', '4');
    expect(res.code).toBe(0);
    const proofFile = join(dir, 'proof.json');
    writeFileSync(proofFile, res.stdout);
    expect((await posctl('journal', 'check-proof', proofFile)).code).toBe(0);
    const proof = JSON.parse(res.stdout);
    proof.seq = 5;
    writeFileSync(proofFile, JSON.stringify(proof));
    expect((await posctl('journal', 'check-proof', proofFile)).code).toBe(1);
  });

  it('exits 2 with a message when it cannot run', async () => {
    const res = await posctl('journal', 'verify', '/nonexistent/file');
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('no such file');
  });
});

describe('posctl status and settle', () => {
  it('shows the backlog, settles on demand and shows it settled', async () => {
    const sim = await startAcquirer();
    const dir = tempDir();
    const journal = Journal.open(dir);
    journal.append(cashPayment(1234));
    enrolKey(sim, journal.genesisPublicKey);
    journal.close();
    const before = await posctl('status', '--data-dir', dir);
    expect(before.stdout).toContain('settlement: never attempted');
    const settle = await posctl('settle', '--data-dir', dir, '--acquirer', sim.url, '--acquirer-key', toHex(sim.publicKey));
    expect(settle.code).toBe(0);
    expect(settle.stdout).toMatch(/settled through seq 2/);
    const after = JSON.parse((await posctl('status', '--data-dir', dir, '--json')).stdout);
    expect(after.sync.unsettledCount).toBe(0);
    expect(after.totals).toEqual({ CNY: { n: 1, in: 1234, out: 0 } });
  });
});
