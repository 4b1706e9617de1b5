import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/encoding/hex.js';
import type { CloseAck } from '../../src/protocol/settlement.js';
import { ChainBuilder } from '../support/chain.js';
import { tempDir } from '../support/tmp.js';
import { ACQUIRER, addAck, addCheckpoint, closeAck, exportText, headerOf, smallChain } from '../protocol/verifier-fixtures.js';

const POSCTL = join(process.cwd(), 'dist/src/bin/posctl.js');
const run = promisify(execFile);

async function verifyJson(file: string, ...args: string[]): Promise<{ code: number; report: Record<string, unknown> }> {
  try {
    const { stdout } = await run(process.execPath, [POSCTL, 'journal', 'verify', file, '--json', ...args]);
    return { code: 0, report: JSON.parse(stdout) };
  } catch (e) {
    const err = e as { code: number; stdout: string };
    return { code: err.code, report: JSON.parse(err.stdout) };
  }
}

/** A settled journal (checkpoint at seq 2, its ack at 3, one more payment), its export file and the anchor. */
function settled(): { chain: ChainBuilder; file: string; anchor: CloseAck; dir: string } {
  const chain = smallChain();
  const through = addCheckpoint(chain);
  const anchor = closeAck(chain, through);
  addAck(chain, anchor);
  chain.add({ kind: 'payment', body: { asset: 'CNY', amount: 7, tender: 'cash', ref: 'after', details: {} } });
  const dir = tempDir();
  const file = join(dir, 'journal.jsonl');
  writeFileSync(file, exportText(chain));
  return { chain, file, anchor, dir };
}

function anchorFile(dir: string, content: string): string {
  const file = join(dir, 'anchor.json');
  writeFileSync(file, content);
  return file;
}

const key = ['--acquirer-key', toHex(ACQUIRER.publicKey)];

describe('posctl journal verify --anchor', () => {
  it('takes the anchor as any JSON of the close ack: pretty-printed, members in any order, a final newline', async () => {
    const { file, anchor, dir } = settled();
    const reordered = Object.fromEntries(Object.entries(anchor).reverse());
    const res = await verifyJson(file, '--anchor', anchorFile(dir, `${JSON.stringify(reordered, null, 2)}\n`), ...key);
    expect(res).toMatchObject({ code: 0, report: { ok: true, summary: { anchoredAt: 2 } } });
  });

  it('refuses --anchor without --acquirer-key before reading the journal (exit 2, could_not_run)', async () => {
    const { file, anchor, dir } = settled();
    const res = await verifyJson(file, '--anchor', anchorFile(dir, JSON.stringify(anchor)));
    expect(res.code).toBe(2);
    expect(res.report).toMatchObject({ ok: false, reason: 'could_not_run', line: null, seq: null, message: expect.stringContaining('--anchor needs --acquirer-key') });
  });

  it.each([
    ['not JSON', (): string | Buffer => '{"v":1,'],
    ['JSON with a duplicate member', (a: CloseAck): string | Buffer => JSON.stringify(a).replace('{', '{"through":0,')],
    ['not UTF-8', (): string | Buffer => Buffer.from([0x7b, 0xff, 0x7d])],
  ])('an anchor file that is %s cannot be used (exit 2)', async (_what, content) => {
    const { file, anchor, dir } = settled();
    const path = join(dir, 'anchor.json');
    writeFileSync(path, content(anchor));
    const res = await verifyJson(file, '--anchor', path, ...key);
    expect(res.code).toBe(2);
    expect(res.report).toMatchObject({ ok: false, reason: 'could_not_run' });
  });

  it.each([
    ['a signature that does not verify', (a: CloseAck) => ({ ...a, at: a.at + 1 })],
    ['a close ack that is not balanced', (a: CloseAck, c: ChainBuilder) => closeAck(c, a.through, { balanced: false, checkpoint: null })],
    ['a balanced ack with problems', (a: CloseAck, c: ChainBuilder) => closeAck(c, a.through, { problems: [{ code: 'x', message: 'y' }] })],
    ['another terminal', (a: CloseAck, c: ChainBuilder) => closeAck(c, a.through, { terminal: 'ab'.repeat(8), checkpoint: { ...a.checkpoint!, terminal: 'ab'.repeat(8) } })],
  ])('an anchor with %s is anchor_mismatch, naming no line', async (_what, change) => {
    const { chain, file, anchor, dir } = settled();
    const res = await verifyJson(file, '--anchor', anchorFile(dir, JSON.stringify(change(anchor, chain))), ...key);
    expect(res.code).toBe(1);
    expect(res.report).toMatchObject({ ok: false, reason: 'anchor_mismatch', line: null, seq: null });
  });

  it('a journal rewritten at the anchored checkpoint is anchor_mismatch at that line', async () => {
    const { chain, anchor, dir } = settled();
    const other = closeAck(chain, anchor.through, { checkpoint: { ...anchor.checkpoint!, hash: 'cd'.repeat(32) } });
    const file = join(dir, 'journal.jsonl');
    const res = await verifyJson(file, '--anchor', anchorFile(dir, JSON.stringify(other)), ...key);
    expect(res).toMatchObject({ code: 1, report: { reason: 'anchor_mismatch', line: 4, seq: 2 } });
  });

  it('a journal that ends before the anchored checkpoint is truncated', async () => {
    const { chain, anchor, dir } = settled();
    const short = smallChain();
    const file = join(dir, 'short.jsonl');
    writeFileSync(file, exportText(short, headerOf(short)));
    expect(short.terminal).toBe(chain.terminal);
    const res = await verifyJson(file, '--anchor', anchorFile(dir, JSON.stringify(anchor)), ...key);
    expect(res).toMatchObject({ code: 1, report: { reason: 'truncated', line: 4, seq: 2 } });
  });
});
