import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/encoding/hex.js';
import { encodeCloseRequest } from '../../src/protocol/settlement-bodies.js';
import type { CloseAck } from '../../src/protocol/settlement.js';
import { Journal } from '../../src/terminal/ledger/journal.js';
import { drainerFor, startAcquirer } from '../support/acquirer.js';
import { cashPayment } from '../support/records.js';
import { tempDir } from '../support/tmp.js';
import { posctl } from '../support/posctl.js';



/** A journal settled three times: three countersigned checkpoints. */
async function settledThrice() {
  const sim = await startAcquirer();
  const dir = tempDir();
  const journal = Journal.open(dir);
  const checkpoints: number[] = [];
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 5 + round * 7; i++) journal.append(cashPayment(100 + i));
    await drainerFor(journal, sim).drainOnce();
    checkpoints.push(sim.latestCheckpoint(journal.terminalId)!.checkpoint!.seq);
  }
  const terminal = journal.terminalId;
  journal.close();
  return { sim, dir, terminal, checkpoints };
}

describe('consistency proofs between checkpoints', () => {
  it('proves the journal only grew, and the acquirer checked one at every close after the first', async () => {
    const { sim, dir, checkpoints } = await settledThrice();
    expect(sim.stats.consistencyProofs).toBe(2);
    const [first, , last] = checkpoints as [number, number, number];
    const res = await posctl('journal', 'prove', '--data-dir', dir, '--from', String(first), '--to', String(last));
    expect(res.code).toBe(0);
    const proof = JSON.parse(res.stdout) as { type: string; from: { size: number }; to: { size: number }; path: string[] };
    expect(proof).toMatchObject({ type: 'consistency', from: { checkpointSeq: first, size: first }, to: { checkpointSeq: last, size: last } });
    const file = join(dir, 'consistency.json');
    writeFileSync(file, res.stdout);
    const checked = await posctl('journal', 'check-proof', file);
    expect(checked.stdout).toContain('the journal only grew');
    expect(checked.code).toBe(0);

    // An auditor holding the first countersigned checkpoint pins the proof's start to it.
    const anchorFile = join(dir, 'anchor.json');
    const firstAck = sim.db.prepare('SELECT ack FROM closes WHERE balanced = 1 ORDER BY through LIMIT 1').pluck().get() as string;
    writeFileSync(anchorFile, firstAck);
    const anchored = await posctl('journal', 'check-proof', file, '--anchor', anchorFile, '--acquirer-key', toHex(sim.publicKey));
    expect(anchored.code).toBe(0);
    expect(anchored.stdout).toContain(`countersigned at seq ${first}`);
    const unsigned = await posctl('journal', 'check-proof', file, '--anchor', anchorFile);
    expect(unsigned.code).toBe(2);
    expect(unsigned.stderr).toContain('--anchor needs --acquirer-key');
  });

  it('refuses a forged proof and a proof from another starting tree', async () => {
    const { dir, checkpoints } = await settledThrice();
    const [first, second, last] = checkpoints as [number, number, number];
    const res = await posctl('journal', 'prove', '--data-dir', dir, '--from', String(first), '--to', String(last));
    const proof = JSON.parse(res.stdout) as { path: string[]; from: { root: string; checkpointSeq: number; size: number } };
    const file = join(dir, 'forged.json');
    const forged = structuredClone(proof);
    forged.path[0] = (forged.path[0]![0] === '0' ? '1' : '0') + forged.path[0]!.slice(1);
    writeFileSync(file, JSON.stringify(forged));
    const refused = await posctl('journal', 'check-proof', file);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('FAILED');

    const other = (await posctl('journal', 'prove', '--data-dir', dir, '--from', String(second), '--to', String(last))).stdout;
    const swapped = JSON.parse(other) as typeof proof;
    swapped.from = proof.from;
    writeFileSync(file, JSON.stringify(swapped));
    expect((await posctl('journal', 'check-proof', file)).code).toBe(1);

    writeFileSync(file, '{"type":"consistency","terminal":"x"}');
    expect((await posctl('journal', 'check-proof', file)).code).toBe(1);
    expect((await posctl('journal', 'prove', '--data-dir', dir, '--from', String(last), '--to', String(first))).code).toBe(2);
    expect((await posctl('journal', 'prove', '--data-dir', dir, '--from', '3', '--to', String(last))).code).toBe(2);
  });

  it('the acquirer refuses a close whose consistency proof does not hold', async () => {
    const sim = await startAcquirer();
    const journal = Journal.open(tempDir());
    for (let i = 0; i < 6; i++) journal.append(cashPayment(10 + i));
    await drainerFor(journal, sim).drainOnce();
    const previous = sim.settledThrough(journal.terminalId);
    for (let i = 0; i < 4; i++) journal.append(cashPayment(50 + i));
    const checkpoint = journal.appendCheckpoint();
    await drainerFor(journal, sim).drainOnce().catch(() => undefined);
    // Upload happened with the pass; now a hand-made close with a bent proof.
    const path = journal.consistencyProof(previous, checkpoint.seq).map(toHex);
    path[0] = (path[0]![0] === '0' ? '1' : '0') + path[0]!.slice(1);
    const body = encodeCloseRequest(
      { terminal: journal.terminalId, close: 'bent', from: previous + 1, through: checkpoint.seq, totals: { CNY: { payment: { n: 4, amount: 206 } } }, consistency: { from: previous, path } },
      checkpoint.text,
    );
    const res = await fetch(`${sim.url}/v1/terminals/${journal.terminalId}/settlements/bent`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const ack = (await res.json()) as CloseAck;
    expect(ack.balanced).toBe(false);
    expect(ack.problems.map((p) => p.code)).toContain('bad_consistency');
    journal.close();
  });
});

describe('inclusion proofs are streamed', () => {
  it('proves a record against a checkpoint far after it', async () => {
    const { dir, checkpoints } = await settledThrice();
    const res = await posctl('journal', 'prove', '--data-dir', dir, '--seq', '3', '--checkpoint', String(checkpoints[2]));
    expect(res.code).toBe(0);
    const file = join(dir, 'inclusion.json');
    writeFileSync(file, res.stdout);
    expect((await posctl('journal', 'check-proof', file)).code).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ type: 'inclusion', seq: 3, checkpointSeq: checkpoints[2] });
  });
});
