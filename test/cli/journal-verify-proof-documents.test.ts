import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/encoding/hex.js';
import type { CheckpointBody } from '../../src/protocol/record.js';
import { signAck, type CloseAck } from '../../src/protocol/settlement.js';
import { Journal } from '../../src/terminal/ledger/journal.js';
import { cashPayment } from '../support/records.js';
import { tempDir } from '../support/tmp.js';
import { ACQUIRER } from '../protocol/verifier-fixtures.js';
import { posctl } from '../support/posctl.js';

/** docs/journal.md section 7: the proof documents, exactly as specified, and the anchor check-proof shares with verify. */



/** A journal with two checkpoints, and a balanced close ack for the first signed by ACQUIRER. */
function journalWithCheckpoints(): { dir: string; first: number; second: number; ack: CloseAck } {
  const dir = tempDir();
  const journal = Journal.open(dir);
  for (let i = 0; i < 5; i++) journal.append(cashPayment(100 + i));
  const first = journal.appendCheckpoint().seq;
  for (let i = 0; i < 3; i++) journal.append(cashPayment(200 + i));
  const second = journal.appendCheckpoint().seq;
  const stored = journal.get(first)!;
  const root = (JSON.parse(stored.text) as { body: CheckpointBody }).body.root;
  const terminal = journal.terminalId;
  const ack = signAck<CloseAck>(
    {
      v: 1, type: 'close', terminal, close: 'c1', body: '00'.repeat(32), from: 0, through: first, balanced: true, totals: {}, missing: [], problems: [],
      checkpoint: { terminal, seq: first, hash: toHex(stored.hash), size: first, root }, at: 1,
    },
    ACQUIRER,
  );
  journal.close();
  return { dir, first, second, ack };
}

function file(dir: string, name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const key = ['--acquirer-key', toHex(ACQUIRER.publicKey)];

describe('proof documents: the tree is the checkpoint\'s', () => {
  it('an inclusion proof whose treeSize is not its checkpointSeq is not a posd proof', async () => {
    const { dir, first } = journalWithCheckpoints();
    const proof = JSON.parse((await posctl('journal', 'prove', '--data-dir', dir, '--seq', '2', '--checkpoint', String(first))).stdout);
    expect(proof).toMatchObject({ type: 'inclusion', seq: 2, checkpointSeq: first, treeSize: first });
    expect((await posctl('journal', 'check-proof', file(dir, 'ok.json', proof))).code).toBe(0);
    const res = await posctl('journal', 'check-proof', file(dir, 'bad.json', { ...proof, treeSize: first + 1 }));
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('is not a posd inclusion or consistency proof');
  });

  it('a consistency proof whose sizes are not its checkpoint seqs is not a posd proof', async () => {
    const { dir, first, second } = journalWithCheckpoints();
    const proof = JSON.parse((await posctl('journal', 'prove', '--data-dir', dir, '--from', String(first), '--to', String(second))).stdout);
    expect((await posctl('journal', 'check-proof', file(dir, 'ok.json', proof))).code).toBe(0);
    const res = await posctl('journal', 'check-proof', file(dir, 'bad.json', { ...proof, to: { ...proof.to, size: second - 1 } }));
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('is not a posd inclusion or consistency proof');
  });

  it('takes the anchor as verify does: any JSON spelling, no duplicate member, a balanced ack with no problems', async () => {
    const { dir, first, second, ack } = journalWithCheckpoints();
    const proof = file(dir, 'proof.json', (await posctl('journal', 'prove', '--data-dir', dir, '--from', String(first), '--to', String(second))).stdout);
    const pretty = file(dir, 'pretty.json', `${JSON.stringify(Object.fromEntries(Object.entries(ack).reverse()), null, 2)}\n`);
    expect((await posctl('journal', 'check-proof', proof, '--anchor', pretty, ...key)).code).toBe(0);
    const twice = file(dir, 'twice.json', JSON.stringify(ack).replace('{', '{"through":0,'));
    expect((await posctl('journal', 'check-proof', proof, '--anchor', twice, ...key)).code).toBe(2);
    const { sig: _sig, acquirer: _acquirer, ...unsigned } = ack;
    const withProblems = signAck<CloseAck>({ ...unsigned, problems: [{ code: 'late', message: 'but balanced' }] }, ACQUIRER);
    const refused = await posctl('journal', 'check-proof', proof, '--anchor', file(dir, 'problems.json', withProblems), ...key);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('no missing records and no problems');
  });
});
