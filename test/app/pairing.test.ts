import { describe, expect, it } from 'vitest';
import { TerminalEventStream } from '../../src/app/events.js';
import { PairingDesk, PairingError } from '../../src/app/pairing.js';
import { silentLogger } from '../../src/app/logger.js';

function desk(): { desk: PairingDesk; clock: { now: number }; shown: string[]; closed: string[] } {
  const clock = { now: 1_000_000 };
  const events = new TerminalEventStream();
  const shown: string[] = [];
  const closed: string[] = [];
  events.on('pairing.code', ({ code }) => shown.push(code));
  events.on('pairing.closed', ({ reason }) => closed.push(reason));
  return { desk: new PairingDesk({ events, log: silentLogger, clock: () => clock.now }), clock, shown, closed };
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof PairingError) return err.code;
    throw err;
  }
  return 'ok';
}

describe('the pairing desk', () => {
  it('shows a six-digit code for five minutes; asking again keeps it; after it expires there is none', () => {
    const { desk: d, clock, shown, closed } = desk();
    const code = d.open();
    expect(code.code).toMatch(/^\d{6}$/);
    expect(code.expiresAt).toBe(clock.now + 300_000);
    expect(d.open()).toEqual(code);
    expect(shown).toEqual([code.code]);
    clock.now += 299_999;
    expect(d.state().shown).toEqual(code);
    clock.now += 1;
    expect(d.state().shown).toBeNull();
    expect(closed).toEqual(['expired']);
    expect(codeOf(() => d.redeem(code.code))).toBe('no_pairing_code');
  });

  it('a code pairs once', () => {
    const { desk: d, closed } = desk();
    const { code } = d.open();
    expect(codeOf(() => d.redeem(code))).toBe('ok');
    expect(closed).toEqual(['used']);
    expect(codeOf(() => d.redeem(code))).toBe('no_pairing_code');
  });

  it('five wrong codes drop the code and lock for 5 minutes, then 10, then 20 ... up to an hour; a good pairing resets it', () => {
    const { desk: d, clock } = desk();
    const lockouts: number[] = [];
    for (let round = 0; round < 6; round++) {
      const { code } = d.open();
      const wrong = code === '999999' ? '000000' : '999999';
      for (let i = 0; i < 4; i++) expect(codeOf(() => d.redeem(wrong))).toBe('bad_pairing_code');
      expect(codeOf(() => d.redeem(wrong))).toBe('pairing_locked');
      const until = d.state().lockedUntil!;
      lockouts.push(until - clock.now);
      expect(codeOf(() => d.redeem(code))).toBe('pairing_locked');
      expect(codeOf(() => d.open())).toBe('pairing_locked');
      clock.now = until;
    }
    expect(lockouts).toEqual([300_000, 600_000, 1_200_000, 2_400_000, 3_600_000, 3_600_000]);
    const { code } = d.open();
    expect(codeOf(() => d.redeem(code))).toBe('ok');
    const next = d.open();
    const wrong = next.code === '999999' ? '000000' : '999999';
    for (let i = 0; i < 5; i++) codeOf(() => d.redeem(wrong));
    expect(d.state().lockedUntil! - clock.now).toBe(300_000);
  });

  it('wrong codes of any shape count; the technician can lift a lockout', () => {
    const { desk: d } = desk();
    d.open();
    for (const wrong of ['', '12345', '1234567', 'abcdef', '١٢٣٤٥٦'.slice(0, 5)]) expect(['bad_pairing_code', 'pairing_locked']).toContain(codeOf(() => d.redeem(wrong)));
    expect(d.state().lockedUntil).not.toBeNull();
    d.unlock();
    expect(d.state().lockedUntil).toBeNull();
    expect(d.open().code).toMatch(/^\d{6}$/);
  });
});
