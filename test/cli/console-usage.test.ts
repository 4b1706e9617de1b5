import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal } from '../../src/terminal/ledger/journal.js';
import { freePort } from '../support/free-port.js';
import { cashPayment } from '../support/records.js';
import { tempDir } from '../support/tmp.js';

const POSCTL = join(process.cwd(), 'dist/src/bin/posctl.js');
const KEY = 'ab'.repeat(32);

function posctl(args: string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [POSCTL, ...args], { timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout, stderr }),
    );
    child.stdin!.end(stdin);
  });
}

function dataDir(): string {
  const dir = tempDir();
  const journal = Journal.open(dir);
  journal.append(cashPayment(100));
  journal.close();
  return dir;
}

describe('posctl usage mistakes exit 2 with the reason', () => {
  it('commander\'s own (an unknown option, a missing one, an unknown command) print the reason and the usage', async () => {
    for (const args of [['status', '--bogus'], ['journal', 'export'], ['nosuch']]) {
      const res = await posctl(args);
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.stderr).toMatch(/^error: .+\n\nUsage: posctl/);
    }
    expect((await posctl(['--help'])).code).toBe(0);
  });

  it('console: an unknown self-test, a count out of range, an API address that is not a URL', async () => {
    const dir = dataDir();
    const closed = `http://127.0.0.1:${await freePort()}`;
    const bogus = await posctl(['console', 'test', 'bogus', '--data-dir', dir, '--api', closed]);
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toContain('no self-test called "bogus": printer, scanner, nfc, gpio or acquirer');
    const lines = await posctl(['console', 'log', '--lines', '0', '--data-dir', dir, '--api', closed]);
    expect(lines.code).toBe(2);
    expect(lines.stderr).toContain('--lines must be a whole number from 1 to 2000 (got "0")');
    const url = await posctl(['console', '--api', 'notaurl', 'queue', '--data-dir', dir]);
    expect(url).toMatchObject({ code: 2, stderr: 'posctl: --api must be an http(s) URL such as http://127.0.0.1:8080 (got "notaurl")\n' });
    const pins = await posctl(['console', 'set-pin', '--data-dir', dir], '482916\n');
    expect(pins).toMatchObject({ code: 2, stderr: 'posctl: set-pin reads 2 lines on stdin (new PIN, new PIN again)\n' });
    const weak = await posctl(['console', 'set-pin', '--data-dir', dir], '111111\n111111\n');
    expect(weak).toMatchObject({ code: 2, stderr: 'posctl: a PIN of one digit repeated is too easy to guess\n' });
    const interactive = await posctl(['console', '--data-dir', dir, '--api', closed]);
    expect(interactive.code).toBe(2);
    expect(interactive.stderr).toContain('posctl console is interactive: run it on a terminal');
  });

  it('a file that is not there is named in words, not as a raw ENOENT', async () => {
    const dir = dataDir();
    expect(await posctl(['journal', 'check-proof', join(dir, 'missing.json')])).toMatchObject({ code: 2, stderr: `posctl: no such proof file: ${join(dir, 'missing.json')}\n` });
    expect(await posctl(['receipt', 'verify', '--image', join(dir, 'missing.png')])).toMatchObject({ code: 2, stderr: `posctl: no such image: ${join(dir, 'missing.png')}\n` });
    expect(await posctl(['profile', 'apply', join(dir, 'missing.json'), '--data-dir', dir])).toMatchObject({ code: 2, stderr: `posctl: no such profile file: ${join(dir, 'missing.json')}\n` });
    const missing = join(dir, 'no', 'folder', 'journal.jsonl');
    const exported = await posctl(['console', 'export', '--out', missing, '--data-dir', dir, '--api', `http://127.0.0.1:${await freePort()}`]);
    expect(exported.code).toBe(2);
    expect(exported.stderr).toContain(`cannot write ${missing}: the folder ${join(dir, 'no', 'folder')} does not exist`);
    expect(exported.stderr).not.toContain('.tmp');
  });

  it('settle --attempts that is not a number', async () => {
    const res = await posctl(['settle', '--data-dir', dataDir(), '--acquirer', 'http://127.0.0.1:1', '--acquirer-key', KEY, '--attempts', 'abc']);
    expect(res).toMatchObject({ code: 2, stderr: 'posctl: --attempts must be a whole number from 1 to 100 (got "abc")\n' });
  });
});
