import { execFile } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/app/index.js';
import { DEFAULT_API_LISTEN } from '../../src/app/config/sections/api.js';
import { STOP_GRACE_MS } from '../../src/bin/service/shutdown.js';
import { tempDir } from '../support/tmp.js';

const run = promisify(execFile);
const DEPLOY = join(process.cwd(), 'deploy');
const read = (file: string): string => readFileSync(join(DEPLOY, file), 'utf8');

/** A unit file's settings: every value of every key, comments and continuation-free lines only. */
function settings(unit: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const line of unit.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (m) map.set(m[1]!, [...(map.get(m[1]!) ?? []), m[2]!]);
  }
  return map;
}

const one = (unit: Map<string, string[]>, key: string): string | undefined => unit.get(key)?.at(-1);

describe('the systemd units', () => {
  it('pass systemd-analyze verify (in a scratch root holding the host units and the programs they start)', async () => {
    // verify refuses a unit whose ExecStart program is missing, and cage or chromium are not on a
    // build machine: --root gives it a scratch root with the host's own units (for the targets
    // the units name), ours, and an executable stand-in for every program they start.
    const root = tempDir('posd-units-');
    mkdirSync(join(root, 'usr/lib/systemd'), { recursive: true });
    cpSync('/usr/lib/systemd/system', join(root, 'usr/lib/systemd/system'), { recursive: true });
    mkdirSync(join(root, 'etc/systemd/system'), { recursive: true });
    const units = ['posd.service', 'posd-kiosk.service'];
    for (const unit of units) {
      const text = read(unit);
      writeFileSync(join(root, 'etc/systemd/system', unit), text);
      for (const exec of [...(settings(text).get('ExecStartPre') ?? []), ...(settings(text).get('ExecStart') ?? [])]) {
        const program = join(root, exec.replace(/^[-+@!:]+/, '').split(' ')[0]!);
        mkdirSync(dirname(program), { recursive: true });
        writeFileSync(program, '#!/bin/sh\n');
        chmodSync(program, 0o755);
      }
    }
    const { stdout, stderr } = await run('systemd-analyze', ['verify', '--man=no', '--generators=no', `--root=${root}`, ...units]);
    // verify exits 0 even for unknown keys and bad values: it only warns. Any word from it is a failure.
    expect(stderr).toBe('');
    expect(stdout).toBe('');
  });

  it('can fail: a misspelt key and a bad value are reported', async () => {
    const root = tempDir('posd-units-');
    mkdirSync(join(root, 'usr/lib/systemd'), { recursive: true });
    cpSync('/usr/lib/systemd/system', join(root, 'usr/lib/systemd/system'), { recursive: true });
    mkdirSync(join(root, 'etc/systemd/system'), { recursive: true });
    writeFileSync(join(root, 'etc/systemd/system/broken.service'), '[Service]\nExecStart=/usr/bin/posd-missing\nRestrt=always\nNoNewPrivileges=maybe\n');
    const stderr = await run('systemd-analyze', ['verify', '--man=no', '--generators=no', `--root=${root}`, 'broken.service']).then(
      (r) => r.stderr,
      (e: { stderr: string }) => e.stderr,
    );
    expect(stderr).toContain("Unknown key 'Restrt'");
    expect(stderr).toContain('Failed to parse boolean value');
    expect(stderr).toContain('Command /usr/bin/posd-missing is not executable');
  });

  it('posd.service: Type=notify with a watchdog, a dedicated user with the device groups, hardened without breaking V8', () => {
    const unit = settings(read('posd.service'));
    expect(one(unit, 'Type')).toBe('notify');
    expect(one(unit, 'WatchdogSec')).toMatch(/^\d+s$/);
    expect(one(unit, 'Restart')).toBe('on-failure');
    // posd exits 2 for a configuration mistake (test/service/posd-config.test.ts): no restart loop for it.
    expect(one(unit, 'RestartPreventExitStatus')).toBe('2');
    expect(Number.parseInt(one(unit, 'TimeoutStopSec')!, 10) * 1000).toBeGreaterThan(STOP_GRACE_MS);
    expect(one(unit, 'User')).toBe('posd');
    expect(one(unit, 'SupplementaryGroups')!.split(' ').sort()).toEqual(['dialout', 'gpio', 'plugdev']);
    expect(one(unit, 'ExecStart')).toBe('/usr/bin/node /opt/posd/dist/posd.js --config /etc/posd/posd.json');
    expect(existsSync(join(process.cwd(), 'dist/src/bin/posd.js'))).toBe(true);
    expect(one(unit, 'StateDirectory')).toBe('posd');
    expect(one(unit, 'ConfigurationDirectory')).toBe('posd');
    expect(one(unit, 'ProtectSystem')).toBe('strict');
    expect(one(unit, 'ReadWritePaths')).toBe('/var/lib/posd');
    expect(one(unit, 'NoNewPrivileges')).toBe('yes');
    expect(one(unit, 'PrivateDevices')).not.toBe('yes');
    expect(one(unit, 'DevicePolicy')).toBe('closed');
    expect(unit.get('DeviceAllow')).toEqual(expect.arrayContaining(['char-ttyUSB rw', 'char-ttyACM rw', 'char-hidraw rw', 'char-gpiochip rw']));
    expect(unit.has('MemoryDenyWriteExecute')).toBe(false);
  });

  it('posd-kiosk.service: Chromium in kiosk mode under cage, after posd, on the API address posd listens on', () => {
    const unit = settings(read('posd-kiosk.service'));
    const exec = one(unit, 'ExecStart')!;
    expect(exec).toMatch(/^\/usr\/bin\/cage -s -- \$\{CHROMIUM\} /);
    for (const flag of ['--kiosk', '--incognito', '--noerrdialogs', '--disable-infobars', '--disable-session-crashed-bubble', '--no-first-run', '--disable-pinch', '--overscroll-history-navigation=0', '--ozone-platform=wayland']) {
      expect(exec.split(' ')).toContain(flag);
    }
    expect(unit.get('Environment')!.join(' ')).toContain(`POSD_UI_URL=http://${DEFAULT_API_LISTEN}/ui/`);
    expect(unit.get('After')!.join(' ').split(' ')).toContain('posd.service');
    expect(one(unit, 'User')).toBe('posd-ui');
    expect(one(unit, 'Restart')).toBe('always');
  });

  it('posd.sysusers makes the users the units run as, posd in the groups the unit gives it', () => {
    const lines = read('posd.sysusers').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#')).map((l) => l.split(/\s+/));
    expect(lines.filter((l) => l[0] === 'u').map((l) => l[1])).toEqual(['posd', 'posd-ui']);
    const posdGroups = lines.filter((l) => l[0] === 'm' && l[1] === 'posd').map((l) => l[2]).sort();
    expect(posdGroups).toEqual(one(settings(read('posd.service')), 'SupplementaryGroups')!.split(' ').sort());
  });

  it('deploy/posctl runs the built posctl, as the posd user when started as root', async () => {
    const script = read('posctl');
    await run('sh', ['-n', join(DEPLOY, 'posctl')]);
    expect(script).toContain('exec runuser -u posd -- /usr/bin/node "$POSD_HOME/dist/src/bin/posctl.js" "$@"');
    expect(existsSync(join(process.cwd(), 'dist/src/bin/posctl.js'))).toBe(true);
  });

  it('deploy/posd.json, the file to start /etc/posd/posd.json from, is a valid configuration', () => {
    const config = parseConfig(JSON.parse(read('posd.json')), '/etc/posd');
    expect(config.dataDir).toBe('/var/lib/posd');
  });
});

describe('deploy/90-posd.rules', () => {
  const rules = read('90-posd.rules');
  const lines = rules.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const pairs = (line: string): [string, string, string][] => [...line.matchAll(/([A-Z_]+(?:\{[^}]+\})?)\s*(==|!=|\+=|:=|=)\s*"([^"]*)"/g)].map((m) => [m[1]!, m[2]!, m[3]!]);
  const MATCH = /^(ACTION|SUBSYSTEM|SUBSYSTEMS|KERNEL|KERNELS|DRIVERS|ATTRS\{[a-zA-Z]+\}|ATTR\{[a-zA-Z]+\}|ENV\{[A-Z_]+\})$/;
  const ASSIGN = /^(SYMLINK|GROUP|MODE|OWNER|GOTO|LABEL|TAG|ENV\{[A-Z_]+\})$/;

  it('is made of key == "value" matches and key = "value" assignments, and nothing else', () => {
    for (const line of lines) {
      const found = pairs(line);
      expect(found.length, line).toBeGreaterThan(0);
      expect(found.map(([k, op, v]) => `${k}${op}"${v}"`).join(', '), line).toBe(line.replace(/\s*(==|!=|\+=|:=|=)\s*/g, '$1'));
      for (const [key, op] of found) {
        if (op === '==' || op === '!=') expect(key, line).toMatch(MATCH);
        else expect(key, line).toMatch(ASSIGN);
      }
    }
    const labels = lines.flatMap((l) => pairs(l).filter(([k]) => k === 'LABEL').map(([, , v]) => v));
    for (const line of lines) for (const [, , target] of pairs(line).filter(([k]) => k === 'GOTO')) expect(labels).toContain(target);
  });

  it('names USB ids in lower-case hex, as sysfs writes them', () => {
    const ids = lines.flatMap((l) => pairs(l).filter(([k]) => k === 'ATTRS{idVendor}' || k === 'ATTRS{idProduct}').map(([, , v]) => v));
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{4}$/);
  });

  it('keeps ModemManager off every serial adapter it names, and opens nodes to one group only', () => {
    const ignored = new Set(lines.filter((l) => l.includes('ENV{ID_MM_DEVICE_IGNORE}="1"')).map((l) => /idVendor}=="(\w+)", ATTRS\{idProduct}=="(\w+)"/.exec(l)?.slice(1).join(':')));
    for (const line of lines.filter((l) => l.includes('SUBSYSTEM=="tty"'))) {
      const id = /idVendor}=="(\w+)", ATTRS\{idProduct}=="(\w+)"/.exec(line)!.slice(1).join(':');
      expect(ignored, `${id} is not kept from ModemManager`).toContain(id);
    }
    for (const line of lines) {
      const mode = pairs(line).find(([k]) => k === 'MODE')?.[2];
      if (mode) expect(mode, line).toBe('0660');
      if (line.includes('SUBSYSTEM=="hidraw"')) expect(line).toContain('GROUP="plugdev"');
    }
  });

  it('names two identical CH340 adapters by their USB port, and makes every /dev/posd name that deploy/posd.json uses', () => {
    const ch340 = lines.filter((l) => l.includes('ATTRS{idVendor}=="1a86"') && l.includes('SYMLINK'));
    expect(ch340.length).toBeGreaterThanOrEqual(2);
    for (const line of ch340) expect(line).toMatch(/ENV\{ID_PATH\}=="[^"]+"/);
    const links = new Set(lines.flatMap((l) => pairs(l).filter(([k]) => k === 'SYMLINK').map(([, , v]) => `/dev/${v}`)));
    const uris = Object.values((JSON.parse(read('posd.json')) as { devices: Record<string, { uri: string }> }).devices).map((d) => d.uri);
    for (const uri of uris) {
      const path = /^\w+:(\/dev\/posd\/[^?]+)/.exec(uri)?.[1];
      if (path) expect(links, uri).toContain(path);
    }
  });
});
