import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/tmp.js';

const POSD = join(process.cwd(), 'dist/src/bin/posd.js');
const run = promisify(execFile);

async function posd(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [POSD, ...args], { timeout: 20_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('posd refuses a bad configuration in words a person reads', () => {
  it('prints each mistake on stderr, naming the file and the field, and exits 2 without starting', async () => {
    const dir = tempDir();
    const file = join(dir, 'posd.json');
    writeFileSync(file, JSON.stringify({ dataDir: 'data', devices: { printer: { uri: 'usb0' } }, log: { level: 'loud' } }));
    const res = await posd('--config', file);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr.split('\n')).toEqual([
      `${file}: devices.printer.uri must be a printer device URI (serial: or sim:), got "usb0"`,
      `${file}: log.level must be one of fatal, error, warn, info, debug, trace, silent, got "loud"`,
      `posd: not started: fix ${file} (docs/config.md explains every setting)`,
      '',
    ]);
  });

  it('--check: checks the file and exits, 0 when good and 2 when not', async () => {
    const dir = tempDir();
    const file = join(dir, 'posd.json');
    writeFileSync(file, JSON.stringify({ dataDir: 'data' }));
    expect(await posd('--config', file, '--check')).toEqual({ code: 0, stdout: `posd: ${file} is a good configuration (data directory ${join(dir, 'data')})\n`, stderr: '' });
    writeFileSync(file, JSON.stringify({ dataDir: 'data', api: { listen: 'loopback' } }));
    const bad = await posd('--config', file, '--check');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${file}: api.listen must be host:port`);
  });

  it('says so when the file is missing', async () => {
    const file = join(tempDir(), 'posd.json');
    const res = await posd('--config', file);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`${file}: cannot read the configuration: no such file`);
  });
});
