import { execFile, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnAcquirer, type AcquirerProcess } from '../../hw-sim/acquirer/child.js';
import { Journal } from '../../src/terminal/ledger/journal.js';
import { cashPayment } from '../support/records.js';
import { tempDir } from '../support/tmp.js';

const run = promisify(execFile);
const BIN = (path: string): string => join(process.cwd(), 'dist', path);

async function exec(bin: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN(bin), ...args]);
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const posctl = (...args: string[]) => exec('src/bin/posctl.js', ...args);
const hwSim = (...args: string[]) => exec('hw-sim/bin/hw-sim.js', ...args);

let acquirer: AcquirerProcess | undefined;
afterEach(async () => {
  await acquirer?.stop();
  acquirer = undefined;
});

describe('posctl and hw-sim acquirer: provisioning from the command line', () => {
  it('shows the pairing code, provisions with an issued code, rotates, updates, refuses a reset with unsettled records, resets with a release', async () => {
    acquirer = await spawnAcquirer(tempDir(), { bin: BIN('hw-sim/bin/hw-sim.js') });
    const operator = ['--control', acquirer.control, '--token', acquirer.token];
    const keys = ['--root-key', acquirer.publicKey];
    const dir = tempDir();
    const made = Journal.open(dir);
    const terminal = made.terminalId;
    made.close();

    const before = await posctl('profile', 'show', '--data-dir', dir, ...keys);
    expect(before.code).toBe(0);
    expect(before.stdout).toMatch(/UNPROVISIONED: no profile yet/);
    const pairing = /pairing code (\d{4}) (\d{4})/.exec(before.stdout)!;
    expect(pairing).not.toBeNull();

    const refusedCode = await hwSim('acquirer', 'issue-code', '--tid', 'POS00077', '--name', 'CLI SHOP', '--pairing', '00000000', ...operator);
    const wrongPairing = JSON.parse(refusedCode.stdout) as { code: string };
    const mismatch = await posctl('provision', '--data-dir', dir, ...keys, '--acquirer', acquirer.url, '--code', wrongPairing.code);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toContain('bad_code');

    const issued = await hwSim('acquirer', 'issue-code', '--tid', 'POS00077', '--name', 'CLI SHOP', '--city', 'NINGBO', '--pairing', `${pairing[1]}${pairing[2]}`, ...operator);
    expect(issued.code).toBe(0);
    const { code } = JSON.parse(issued.stdout) as { code: string };
    const provisioned = await posctl('provision', '--data-dir', dir, ...keys, '--acquirer', acquirer.url, '--code', code);
    expect(provisioned.stderr).toBe('');
    expect(provisioned.stdout).toContain(`provisioned: terminal ${terminal} is tid POS00077`);
    expect(provisioned.stdout).toMatch(/CLI SHOP .*, NINGBO/);

    const listed = JSON.parse((await hwSim('acquirer', 'terminals', ...operator)).stdout) as { terminals: { terminal: string; tid: string; state: string }[] };
    expect(listed.terminals).toEqual([expect.objectContaining({ terminal, tid: 'POS00077', state: 'active' })]);

    const rotated = await posctl('rotate-key', '--data-dir', dir, ...keys, '--acquirer', acquirer.url);
    expect(rotated.stdout).toContain('the acquirer endorsed the new key');
    expect((await hwSim('acquirer', 'set-profile', '--terminal', terminal, '--offline', 'off', ...operator)).code).toBe(0);
    const fetched = await posctl('profile', 'fetch', '--data-dir', dir, ...keys, '--acquirer', acquirer.url);
    expect(fetched.stdout).toContain('profile version 3 accepted and journaled');
    const shown = JSON.parse((await posctl('profile', 'show', '--data-dir', dir, ...keys, '--json')).stdout) as { state: { state: string; version: number }; profile: { offline: { enabled: boolean } } };
    expect(shown).toMatchObject({ state: { state: 'active', version: 3 }, profile: { offline: { enabled: false } } });

    const journal = Journal.open(dir);
    journal.append(cashPayment(1500));
    journal.close();
    const refused = await posctl('reset', '--data-dir', dir);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/cannot be reset: financial records after seq -1 are not settled.*\(unsettled\)/);
    expect((await posctl('reset', '--data-dir', dir, '--force')).code).toBe(2);

    const releaseFile = join(dir, '..', `release-${terminal}.json`);
    expect((await hwSim('acquirer', 'release', '--terminal', terminal, '--reason', 'terminal stolen', '--out', releaseFile, ...operator)).code).toBe(0);
    const forced = await posctl('reset', '--data-dir', dir, '--force', '--release', releaseFile, ...keys);
    expect(forced.stderr).toBe('');
    expect(forced.stdout).toContain(`reset: terminal ${terminal}'s journal moved to`);
    expect(forced.stdout).toContain('forced with the acquirer\'s release');
    const after = JSON.parse((await hwSim('acquirer', 'terminals', ...operator)).stdout) as { terminals: { state: string }[] };
    expect(after.terminals[0]!.state).toBe('released');
    expect((await hwSim('acquirer', 'terminals', '--control', acquirer.control, '--token', 'wrong')).code).toBe(1);
  }, 60_000);

  it('posd logs the pairing code and fingerprint while unprovisioned', async () => {
    const dir = tempDir();
    const config = join(dir, 'posd.json');
    writeFileSync(config, JSON.stringify({ dataDir: join(dir, 'data'), provisioning: { acquirerRootKey: 'ab'.repeat(32) }, devices: {} }));
    const posd = spawn(process.execPath, [BIN('src/bin/posd.js'), '--config', config], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const lines = createInterface({ input: posd.stdout })[Symbol.asyncIterator]();
      let entry: Record<string, unknown> | undefined;
      for (;;) {
        const next = await lines.next();
        if (next.done) throw new Error('posd ended before logging its provisioning state');
        entry = JSON.parse(next.value) as Record<string, unknown>;
        if (entry.provisioning !== undefined) break;
      }
      expect(entry).toMatchObject({ provisioning: 'unprovisioned', pairingCode: expect.stringMatching(/^\d{8}$/), fingerprint: expect.stringMatching(/^[0-9a-f]{4}( [0-9a-f]{4}){3}$/) });
      expect(entry.msg).toContain('no payments until the acquirer enrols this terminal');
    } finally {
      posd.kill('SIGTERM');
    }
  });
});
