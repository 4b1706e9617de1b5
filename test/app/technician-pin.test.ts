import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pinProblem, TechnicianPin, TechnicianPinError } from '../../src/app/service/technician-pin.js';
import { redactConfig } from '../../src/app/service/redact.js';
import { tempDir } from '../support/tmp.js';

const codeOf = (f: () => void): string | undefined => {
  try {
    f();
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(TechnicianPinError);
    return (err as TechnicianPinError).code;
  }
};

describe('the console PIN', () => {
  it('is stored as a salted scrypt hash, mode 0600, never as the PIN', () => {
    const dir = tempDir();
    const pins = new TechnicianPin(dir);
    expect(pins.isSet()).toBe(false);
    expect(codeOf(() => pins.check('482916'))).toBe('not_configured');
    pins.set('482916');
    const text = readFileSync(pins.file, 'utf8');
    expect(text).not.toContain('482916');
    expect(JSON.parse(text)).toMatchObject({ algorithm: 'scrypt', N: 16384, r: 8, p: 1 });
    expect(statSync(pins.file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'console')).mode & 0o777).toBe(0o700);
    expect(codeOf(() => pins.check('482916'))).toBeUndefined();
    // The same PIN set again gets another salt, so another hash.
    const first = JSON.parse(text).hash as string;
    pins.set('482916', '482916');
    expect(JSON.parse(readFileSync(pins.file, 'utf8')).hash).not.toBe(first);
  });

  it('locks after five wrong PINs, each lockout twice the one before, and the count survives a restart', () => {
    const dir = tempDir();
    let now = 1_000_000;
    const clock = () => now;
    new TechnicianPin(dir, {}, clock).set('482916');
    const wrongUntilLocked = (): number => {
      for (let i = 1; i <= 4; i++) expect(codeOf(() => new TechnicianPin(dir, {}, clock).check('000000'))).toBe('bad_technician_pin');
      let retryAt = 0;
      try {
        new TechnicianPin(dir, {}, clock).check('000000');
      } catch (err) {
        expect((err as TechnicianPinError).code).toBe('too_many_attempts');
        retryAt = (err as TechnicianPinError).retryAt!;
      }
      return retryAt;
    };
    expect(wrongUntilLocked() - now).toBe(15 * 60_000);
    expect(codeOf(() => new TechnicianPin(dir, {}, clock).check('482916'))).toBe('too_many_attempts');
    now += 15 * 60_000;
    expect(wrongUntilLocked() - now).toBe(30 * 60_000);
    now += 30 * 60_000;
    expect(wrongUntilLocked() - now).toBe(60 * 60_000);
    now += 60 * 60_000;
    // The right PIN clears the count and the backoff.
    expect(codeOf(() => new TechnicianPin(dir, {}, clock).check('482916'))).toBeUndefined();
    expect(wrongUntilLocked() - now).toBe(15 * 60_000);
  });

  it('caps the lockout at 24 hours', () => {
    const dir = tempDir();
    let now = 0;
    const pins = new TechnicianPin(dir, { maxAttempts: 1 }, () => now);
    pins.set('482916');
    let last = 0;
    for (let i = 0; i < 12; i++) {
      try {
        pins.check('000000');
      } catch (err) {
        last = (err as TechnicianPinError).retryAt! - now;
        now = (err as TechnicianPinError).retryAt!;
      }
    }
    expect(last).toBe(24 * 3600_000);
  });

  it('refuses weak PINs and a change without the current PIN', () => {
    expect(pinProblem('12345')).toMatch(/6 to 12 digits/);
    expect(pinProblem('12a456')).toMatch(/6 to 12 digits/);
    expect(pinProblem('111111')).toMatch(/repeated/);
    expect(pinProblem('123456')).toMatch(/run/);
    expect(pinProblem('987654')).toMatch(/run/);
    expect(pinProblem('482916')).toBeNull();
    const pins = new TechnicianPin(tempDir());
    expect(codeOf(() => pins.set('123456'))).toBe('bad_argument');
    pins.set('482916');
    expect(codeOf(() => pins.set('593027'))).toBe('bad_technician_pin');
    expect(codeOf(() => pins.set('593027', '000000'))).toBe('bad_technician_pin');
    pins.set('593027', '482916');
    expect(codeOf(() => pins.check('593027'))).toBeUndefined();
  });
});

describe('the redacted configuration', () => {
  it('replaces keys, tokens, PINs and secrets, and keeps public keys and GPIO pins', () => {
    const config = {
      dataDir: '/var/lib/posd',
      api: { listen: '0.0.0.0:8737', tls: { cert: 'c.pem', key: 'k.pem' }, token: 'posd_abc' },
      acquirer: { url: 'https://user:hunter2@acq.example/x', publicKey: 'ab'.repeat(32), clientSecret: 's3cret' },
      provisioning: { acquirerRootKey: 'cd'.repeat(32) },
      payments: { issuerKeys: { CNY: [{ publicKey: 'ef'.repeat(32) }] } },
      devices: { gpio: { uri: 'sim:gpio', pins: { ready: 'GPIO17' } } },
      console: { technicianPin: '482916', password: 'x' },
      note: `a token posd_${'A'.repeat(43)} pasted in`,
    };
    expect(redactConfig(config)).toEqual({
      dataDir: '/var/lib/posd',
      api: { listen: '0.0.0.0:8737', tls: { cert: 'c.pem', key: '[redacted]' }, token: '[redacted]' },
      acquirer: { url: 'https://user:[redacted]@acq.example/x', publicKey: 'ab'.repeat(32), clientSecret: '[redacted]' },
      provisioning: { acquirerRootKey: 'cd'.repeat(32) },
      payments: { issuerKeys: { CNY: [{ publicKey: 'ef'.repeat(32) }] } },
      devices: { gpio: { uri: 'sim:gpio', pins: { ready: 'GPIO17' } } },
      console: { technicianPin: '[redacted]', password: '[redacted]' },
      note: 'a token [redacted] pasted in',
    });
  });
});
