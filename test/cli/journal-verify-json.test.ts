import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Signer } from '../../src/crypto/ed25519.js';
import { toHex } from '../../src/encoding/hex.js';
import { exportHeader } from '../../src/protocol/export-format.js';
import { MAX_LINE_BYTES } from '../../src/protocol/verify-export.js';
import { ChainBuilder } from '../support/chain.js';
import { tempDir } from '../support/tmp.js';
import { posctlIn, POSCTL } from '../support/posctl.js';



/** A small valid export, as lines (header first). */
function journalLines(): string[] {
  const chain = new ChainBuilder(Signer.fromSeed(new Uint8Array(32).fill(5)));
  for (let i = 0; i < 3; i++) chain.add({ kind: 'payment', body: { asset: 'CNY', amount: 100 + i, tender: 'cash', ref: `order-${i}`, details: {} } });
  const header = exportHeader({ terminal: chain.terminal, publicKey: toHex(chain.signer.publicKey), records: chain.texts.length, headHash: chain.hashes.at(-1)!, exportedAt: 1 });
  return [header, ...chain.texts];
}

function writeFile(content: string | Buffer): string {
  const file = join(tempDir(), 'journal.jsonl');
  writeFileSync(file, content);
  return file;
}

describe('posctl journal verify --json', () => {
  it('prints one object with the summary when the journal is good (exit 0)', async () => {
    const res = await posctlIn({ maxBuffer: 1 << 24 }, 'journal', 'verify', writeFile(`${journalLines().join('\n')}\n`), '--json');
    expect(res.code).toBe(0);
    expect(res.stderr).toBe('');
    const report = JSON.parse(res.stdout);
    expect(report).toMatchObject({ ok: true, reason: null, line: null, seq: null, summary: { records: 4, headSeq: 3, keyRotations: 0 } });
    expect(res.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('names reason, line and seq when a record is bad (exit 1)', async () => {
    const lines = journalLines();
    lines[3] = lines[3]!.replace('"amount":101', '"amount":102');
    const res = await posctlIn({ maxBuffer: 1 << 24 }, 'journal', 'verify', writeFile(`${lines.join('\n')}\n`), '--json');
    expect(res.code).toBe(1);
    expect(JSON.parse(res.stdout)).toEqual({ ok: false, reason: 'bad_signature', line: 4, seq: 2, message: 'signature does not verify', summary: null });
  });

  it('says could_not_run when it cannot run (exit 2)', async () => {
    const res = await posctlIn({ maxBuffer: 1 << 24 }, 'journal', 'verify', '/nonexistent/journal.jsonl', '--json');
    expect(res.code).toBe(2);
    expect(JSON.parse(res.stdout)).toMatchObject({ ok: false, reason: 'could_not_run', message: expect.stringContaining('no such file') });
  });
});

describe('posctl journal verify: every bad file is exit 1 naming the line', () => {
  it.each([
    ['a lone surrogate in a string', (l: string[]) => void (l[2] = l[2]!.replace('"order-0"', '"order-\\ud800"')), 'malformed', 3, 1],
    ['bytes that are not UTF-8', (l: string[]) => void (l[3] = l[3]!.replace('order-1', 'order-\u0000')), 'malformed', 4, 2],
    ['a line of 2 MiB', (l: string[]) => void (l[2] = `{"x":"${'a'.repeat(2 << 20)}"}`), 'malformed', 3, 1],
    ['a missing last record', (l: string[]) => void l.pop(), 'truncated', 5, 3],
  ])('%s', async (_what, mutate, reason, line, seq) => {
    const lines = journalLines();
    mutate(lines);
    let content: string | Buffer = `${lines.join('\n')}\n`;
    if (_what === 'bytes that are not UTF-8') content = Buffer.from(content.replace('order-\u0000', 'order-\u00ff'), 'latin1');
    const res = await posctlIn({ maxBuffer: 1 << 24 }, 'journal', 'verify', writeFile(content), '--json');
    expect(res.code).toBe(1);
    expect(JSON.parse(res.stdout)).toMatchObject({ ok: false, reason, line, seq });
  });

  it('refuses an over-long line without reading it whole: the limit is what it says', () => {
    expect(MAX_LINE_BYTES).toBe(1 << 20);
  });
});

/** Runs posctl with its stdout closed by the reader before it writes anything (`| head -0`). */
function withClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [POSCTL, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('posctl journal verify | head', () => {
  it('does not crash on EPIPE when the reader goes away, and exits as the verification did', async () => {
    const good = writeFile(`${journalLines().join('\n')}\n`);
    expect(await withClosedStdout(['journal', 'verify', good])).toEqual({ code: 0, stderr: '' });
    const lines = journalLines();
    lines[3] = lines[3]!.replace('"amount":101', '"amount":102');
    const bad = writeFile(`${lines.join('\n')}\n`);
    expect(await withClosedStdout(['journal', 'verify', bad, '--json'])).toEqual({ code: 1, stderr: '' });
  });
});
