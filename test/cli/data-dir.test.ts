import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/encoding/hex.js';
import { Journal } from '../../src/terminal/ledger/journal.js';
import { enrolledDataDir, startAcquirer } from '../support/acquirer.js';
import { cashPayment } from '../support/records.js';
import { tempDir } from '../support/tmp.js';
import { posctlIn } from '../support/posctl.js';



/** A data directory with a journal of `payments` cash payments; its terminal id. */
function terminalIn(dir: string, payments = 1): string {
  const journal = Journal.open(dir);
  for (let i = 0; i < payments; i++) journal.append(cashPayment(100 + i));
  const id = journal.terminalId;
  journal.close();
  return id;
}

const statusOf = (stdout: string): { terminal: string; headSeq: number } => JSON.parse(stdout) as { terminal: string; headSeq: number };

describe('posctl finds the data directory', () => {
  it('from --config: the dataDir of posd.json, relative to the file', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'etc'));
    const id = terminalIn(join(root, 'var', 'posd'));
    writeFileSync(join(root, 'etc', 'posd.json'), JSON.stringify({ dataDir: '../var/posd' }));
    const res = await posctlIn({ cwd: tempDir() }, 'status', '--json', '--config', join(root, 'etc', 'posd.json'));
    expect(res.stderr).toBe('');
    expect(statusOf(res.stdout).terminal).toBe(id);
  });

  it('one folder down, as a new user points it at the demo folder: says so and uses it', async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, '.posd-demo', 'acquirer'), { recursive: true });
    const id = terminalIn(join(cwd, '.posd-demo', 'terminal'), 2);
    const res = await posctlIn({ cwd }, 'status', '--json', '--data-dir', '.posd-demo');
    expect(res.code).toBe(0);
    expect(res.stderr).toBe('posctl: no journal in .posd-demo; using .posd-demo/terminal, the one journal in it\n');
    expect(statusOf(res.stdout)).toMatchObject({ terminal: id, headSeq: 2 });
  });

  it('through a posd.json in the folder given', async () => {
    const root = tempDir();
    const id = terminalIn(join(root, 'state'));
    mkdirSync(join(root, 'etc'));
    writeFileSync(join(root, 'etc', 'posd.json'), JSON.stringify({ dataDir: '../state' }));
    const res = await posctlIn({ cwd: root }, 'journal', 'export', '--data-dir', 'etc', '--out', 'out.jsonl');
    expect(res.code).toBe(0);
    expect(res.stderr).toBe(`posctl: no journal in etc; using ${join(root, 'state')}, the data directory its posd.json names\n`);
    expect(res.stdout).toContain(`of terminal ${id}`);
  });

  it('refuses to guess between two journals, and names them', async () => {
    const cwd = tempDir();
    terminalIn(join(cwd, 'shops', 'a'));
    terminalIn(join(cwd, 'shops', 'b'));
    const res = await posctlIn({ cwd }, 'status', '--data-dir', 'shops');
    expect(res.code).toBe(2);
    expect(res.stderr).toBe('posctl: no journal in shops; it holds 2: shops/a, shops/b. Give one as --data-dir.\n');
  });

  it('says where to look when there is no journal, no directory, or no configuration', async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'empty'));
    expect(await posctlIn({ cwd }, 'status', '--data-dir', 'empty')).toMatchObject({
      code: 2,
      stderr: 'posctl: no journal in empty: posd\'s data directory holds journal.db (the dataDir of its posd.json)\n',
    });
    expect(await posctlIn({ cwd }, 'status', '--data-dir', 'missing')).toMatchObject({ code: 2, stderr: 'posctl: no such directory: missing\n' });
    expect(await posctlIn({ cwd }, 'status', '--config', 'nowhere.json')).toMatchObject({
      code: 2,
      stderr: "posctl: which terminal? give --data-dir DIR (posd's data directory), or --config FILE (nowhere.json does not exist)\n",
    });
  });

  it('reports a configuration with mistakes as posd does, and exits 2', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'posd.json'), JSON.stringify({ dataDir: 'data', devices: { printer: { uri: 'usb0' } } }));
    expect(await posctlIn({ cwd }, 'status', '--config', 'posd.json')).toMatchObject({
      code: 2,
      stderr: 'posctl: posd.json: devices.printer.uri must be a printer device URI (serial: or sim:), got "usb0"\n',
    });
  });

  it('settle takes the acquirer from the configuration too', async () => {
    const sim = await startAcquirer();
    const cwd = tempDir();
    enrolledDataDir(sim, join(cwd, 'data'));
    terminalIn(join(cwd, 'data'), 3);
    writeFileSync(join(cwd, 'posd.json'), JSON.stringify({ dataDir: 'data', acquirer: { url: sim.url, publicKey: toHex(sim.publicKey) } }));
    const res = await posctlIn({ cwd }, 'settle', '--config', 'posd.json');
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^settled through seq \d+: \d+ upload batches, \d+ records accepted, 0 refused, 1 closes\n  settlement: everything settled\n/);
  });
});
