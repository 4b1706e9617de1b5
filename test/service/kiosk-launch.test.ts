import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/tmp.js';

const run = promisify(execFile);
const LAUNCH = join(process.cwd(), 'deploy', 'posd-kiosk-launch');
const TICKET = 'Xy_9-abcDEF0123456789ghijklmnopqrstuvwxyzABCD';

/** The launcher with a data directory, a runtime directory and `echo` standing in for the browser. */
function scene(): { env: NodeJS.ProcessEnv; dataDir: string; runtime: string } {
  const dataDir = tempDir('posd-kiosk-data-');
  const runtime = join(tempDir('posd-kiosk-run-'), 'posd-kiosk');
  mkdirSync(join(dataDir, 'api'));
  writeFileSync(join(dataDir, 'api', 'counter-ticket'), `${TICKET}\n`, { mode: 0o600 });
  return { dataDir, runtime, env: { PATH: process.env.PATH, POSD_DATA_DIR: dataDir, RUNTIME_DIRECTORY: runtime, POSD_BROWSER: '/bin/echo', POSD_KIOSK_USER: 'nobody-here-posd' } };
}

describe('deploy/posd-kiosk-launch (the kiosk opens the counter screen with its ticket)', () => {
  it('copies the ticket for the screen (0600), then opens the page with it, the flags untouched, and deletes the copy', async () => {
    const { env, runtime } = scene();
    await run('sh', ['-n', LAUNCH]);
    await run(LAUNCH, ['--ticket'], { env });
    const copy = join(runtime, 'ticket');
    expect(readFileSync(copy, 'utf8').trim()).toBe(TICKET);
    expect(statSync(copy).mode & 0o777).toBe(0o600);
    const { stdout } = await run(LAUNCH, ['--kiosk', '--incognito', 'http://127.0.0.1:8737/ui/'], { env });
    expect(stdout.trim()).toBe(`--kiosk --incognito http://127.0.0.1:8737/ui/#ticket=${TICKET}`);
    expect(existsSync(copy)).toBe(false);
  });

  it('without a ticket (posd not running) opens the page as it is: the page says how to open it', async () => {
    const { env, dataDir } = scene();
    rmSync(join(dataDir, 'api', 'counter-ticket'));
    const pre = await run(LAUNCH, ['--ticket'], { env });
    expect(pre.stderr).toContain('no counter ticket');
    const { stdout } = await run(LAUNCH, ['--kiosk', 'http://127.0.0.1:8737/ui/'], { env });
    expect(stdout.trim()).toBe('--kiosk http://127.0.0.1:8737/ui/');
  });

  it('keeps only ticket characters from the file, and refuses to run with nothing to open', async () => {
    const { env, runtime } = scene();
    mkdirSync(runtime, { recursive: true });
    writeFileSync(join(runtime, 'ticket'), `${TICKET}"; rm -rf / #\n`);
    const { stdout } = await run(LAUNCH, ['http://127.0.0.1:8737/'], { env });
    expect(stdout.trim()).toBe(`http://127.0.0.1:8737/#ticket=${TICKET}rm-rf`);
    const usage = await run(LAUNCH, [], { env }).then(
      () => 0,
      (e: { code: number }) => e.code,
    );
    expect(usage).toBe(2);
  });

  it('posd-kiosk.service runs it: the ticket copied as root before, the launcher in place of the browser under cage', () => {
    const unit = readFileSync(join(process.cwd(), 'deploy', 'posd-kiosk.service'), 'utf8');
    expect(unit).toMatch(/^ExecStartPre=\+\/opt\/posd\/deploy\/posd-kiosk-launch --ticket$/m);
    expect(unit).toMatch(/^Environment=.*\bCHROMIUM=\/opt\/posd\/deploy\/posd-kiosk-launch\b/m);
    expect(unit).toMatch(/^Environment=.*\bPOSD_BROWSER=\/usr\/bin\/chromium\b/m);
    expect(unit).toMatch(/^RuntimeDirectory=posd-kiosk$/m);
    expect(unit).toMatch(/^RuntimeDirectoryMode=0700$/m);
  });
});
