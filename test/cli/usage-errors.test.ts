import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal } from '../../src/terminal/ledger/journal.js';
import { cashPayment } from '../support/records.js';
import { tempDir } from '../support/tmp.js';
import { posctl } from '../support/posctl.js';

const KEY = 'ab'.repeat(32);


function dataDir(): string {
  const dir = tempDir();
  const journal = Journal.open(dir);
  journal.append(cashPayment(100));
  journal.close();
  return dir;
}

describe('posctl: a usage mistake is a usage error (exit 2) that says what to do', () => {
  it('journal verify --anchor without --acquirer-key (not a failed verification)', async () => {
    const dir = dataDir();
    const file = join(dir, 'journal.jsonl');
    expect((await posctl('journal', 'export', '--data-dir', dir, '--out', file)).code).toBe(0);
    const res = await posctl('journal', 'verify', file, '--anchor', join(dir, 'anchor.json'));
    expect(res).toMatchObject({ code: 2, stdout: '', stderr: "posctl: --anchor needs --acquirer-key: an anchor is only worth the acquirer's signature on it\n" });
  });

  it.each(['notaurl', 'ftp://acquirer.example', 'http://[::1', 'http://'])('settle --acquirer %s', async (url) => {
    const res = await posctl('settle', '--data-dir', dataDir(), '--acquirer', url, '--acquirer-key', KEY);
    expect(res).toMatchObject({ code: 2, stderr: `posctl: --acquirer must be an http(s) URL such as http://127.0.0.1:8080 (got ${JSON.stringify(url)})\n` });
  });

  it('settle without any acquirer', async () => {
    const config = join(tempDir(), 'posd.json');
    writeFileSync(config, JSON.stringify({ dataDir: dataDir() }));
    const res = await posctl('settle', '--config', config);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('posctl: settle needs the acquirer: give --acquirer URL and --acquirer-key HEX');
  });

  it('an export into a folder that does not exist, or onto a folder', async () => {
    const dir = dataDir();
    const missing = join(dir, 'no', 'such', 'folder');
    expect(await posctl('journal', 'export', '--data-dir', dir, '--out', join(missing, 'journal.jsonl'))).toMatchObject({
      code: 2,
      stderr: `posctl: cannot write ${join(missing, 'journal.jsonl')}: the folder ${missing} does not exist\n`,
    });
    expect(await posctl('journal', 'export', '--data-dir', dir, '--out', dir)).toMatchObject({
      code: 2,
      stderr: `posctl: cannot write ${dir}: it is a folder; --out takes a file name\n`,
    });
  });
});
