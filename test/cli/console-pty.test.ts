import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TechnicianPin } from '../../src/app/service/technician-pin.js';
import { Journal } from '../../src/terminal/ledger/journal.js';
import { startApi } from '../api/support.js';
import { freePort } from '../support/free-port.js';
import { onPty, type PtySession } from '../support/pty.js';
import { cashPayment } from '../support/records.js';
import { tempDir } from '../support/tmp.js';

const POSCTL = join(process.cwd(), 'dist/src/bin/posctl.js');
const PIN = '482916';
const DOWN = '\x1b[B';
const CTRL_C = '\x03';

function journalDir(): string {
  const dir = tempDir('posd-console-pty-');
  const journal = Journal.open(dir);
  journal.append(cashPayment(100));
  journal.close();
  return dir;
}

function console_(args: string[]): PtySession {
  return onPty(process.execPath, [POSCTL, 'console', ...args]);
}

describe('posctl console on a terminal (a pseudo-terminal, TERM=dumb)', () => {
  it('sets the PIN on first use, unlocks, shows a screen picked with the arrow keys, and quits', async () => {
    const dir = journalDir();
    const closed = `http://127.0.0.1:${await freePort()}`;
    const session = console_(['--data-dir', dir, '--api', closed]);
    try {
      await session.expect('read-only: posd is not running');
      await session.expect('No console PIN is set');
      await session.expect('new PIN: ');
      session.type('123456\r');
      await session.expect('new PIN again: ');
      session.type('123456\r');
      await session.expect('run of digits');
      await session.expect('new PIN: ');
      session.type(`${PIN}\r`);
      await session.expect('new PIN again: ');
      session.type(`${PIN}\r`);
      await session.expect('PIN set.');
      await session.expect('PIN: ');
      session.type(`${PIN}\r`);
      await session.expect('unlocked');
      await session.expect('choose 0-9');
      // Down twice, then Enter: the third entry, the queue.
      session.type(DOWN);
      await session.expect('> 2  Self-tests');
      session.type(DOWN);
      await session.expect('> 3  Queue');
      session.type('\r');
      await session.expect('settlement: never_attempted; 1 unsettled records');
      await session.expect('pending reversals: unknown while posd is not running');
      await session.expect('press Enter for the menu');
      session.type('\r');
      await session.expect('choose 0-9');
      session.type('0');
      await session.expect('bye');
      expect(await session.exited()).toBe(0);
      expect(session.screen).not.toContain(PIN);
      expect(session.screen).toContain('******');
      expect(new TechnicianPin(dir).isSet()).toBe(true);
    } finally {
      session.kill();
    }
  });

  it('locks the technician out after five wrong PINs, and a new console stays locked', async () => {
    const dir = journalDir();
    new TechnicianPin(dir).set(PIN);
    const closed = `http://127.0.0.1:${await freePort()}`;
    const first = console_(['--data-dir', dir, '--api', closed]);
    try {
      for (let left = 4; left >= 1; left--) {
        await first.expect('PIN: ');
        first.type('000000\r');
        await first.expect(`wrong PIN (${left} ${left === 1 ? 'try' : 'tries'} before a lockout)`);
      }
      await first.expect('PIN: ');
      first.type('000000\r');
      await first.expect('too many wrong PINs: locked for 900 s');
      expect(await first.exited()).toBe(3);
    } finally {
      first.kill();
    }
    const second = console_(['--data-dir', dir, '--api', closed]);
    try {
      await second.expect('PIN: ');
      second.type(`${PIN}\r`);
      await second.expect(/too many wrong PINs: locked for \d+ s more/);
      expect(await second.exited()).toBe(3);
    } finally {
      second.kill();
    }
  });

  it('talks to a running posd: device health from the menu, Ctrl-C ends it cleanly and revokes its token', async () => {
    const dataDir = tempDir('posd-console-live-');
    new TechnicianPin(dataDir).set(PIN);
    const rig = await startApi({ devices: true, dataDir, api: { technicianPin: (pin) => (new TechnicianPin(dataDir).check(pin), true) } });
    for (const device of Object.values(rig.terminal.devices)) await device.waitReady(5000);
    const session = console_(['--data-dir', dataDir, '--api', rig.url]);
    try {
      await session.expect(`live: posd is running at ${rig.url} (terminal ${rig.terminal.id})`);
      await session.expect('PIN: ');
      session.type(`${PIN}\r`);
      await session.expect('unlocked');
      expect(rig.api.tokens.list().some((t) => t.name === 'posctl console' && t.scope === 'technician')).toBe(true);
      await session.expect('choose 0-9');
      session.type('1');
      await session.expect(/printer +ready +paper ok, link open/);
      await session.expect(/nfc +ready .*PN532 v1\.6/);
      await session.expect('press Enter for the menu');
      session.type(CTRL_C);
      await session.expect('interrupted: bye');
      expect(await session.exited()).toBe(130);
      expect(rig.api.tokens.list().some((t) => t.name === 'posctl console')).toBe(false);
    } finally {
      session.kill();
    }
  });
});
