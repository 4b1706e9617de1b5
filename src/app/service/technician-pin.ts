import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { chownSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { CodedError } from '../../errors/coded-error.js';

export type TechnicianPinErrorCode = 'bad_technician_pin' | 'too_many_attempts' | 'not_configured' | 'bad_argument';

export class TechnicianPinError extends CodedError<TechnicianPinErrorCode> {
  override readonly name = 'TechnicianPinError';
  constructor(
    code: TechnicianPinErrorCode,
    message: string,
    /** For too_many_attempts: when a PIN may be tried again (epoch ms). */
    readonly retryAt?: number,
  ) {
    super(code, message);
  }
}

/** scrypt's cost: about 50 ms on a Pi 4, 16 MiB of memory. */
const SCRYPT = { N: 1 << 14, r: 8, p: 1, keylen: 32 } as const;

interface StoredPin {
  algorithm: 'scrypt';
  N: number;
  r: number;
  p: number;
  salt: string;
  hash: string;
  setAt: number;
}

interface Lockout {
  /** Wrong PINs in a row since the last lockout (or the last right one). */
  failures: number;
  /** Lockouts in a row: each lasts twice the one before. */
  lockouts: number;
  until: number;
}

export interface PinPolicy {
  /** Wrong PINs in a row before a lockout (default 5). */
  maxAttempts: number;
  /** The first lockout (default 15 min); each further one doubles, up to maxLockMs (default 24 h: shared/research, section 3). */
  lockMs: number;
  maxLockMs: number;
}

const DEFAULT_POLICY: PinPolicy = { maxAttempts: 5, lockMs: 15 * 60_000, maxLockMs: 24 * 3600_000 };

/**
 * The console PIN (posctl console): stored hashed with scrypt and a random salt in
 * `console/pin.json` of posd's data directory (mode 0600), with its lockout state beside it in
 * `console/lockout.json`, so neither a restart of posd nor of the console resets the count. posd's
 * API asks it too (POST /v1/pairings/technician); both read the files at each attempt.
 */
export class TechnicianPin {
  private readonly dir: string;
  private readonly policy: PinPolicy;

  constructor(
    dataDir: string,
    policy: Partial<PinPolicy> = {},
    private readonly clock: () => number = Date.now,
  ) {
    this.dir = join(dataDir, 'console');
    this.policy = { ...DEFAULT_POLICY, ...policy };
  }

  get file(): string {
    return join(this.dir, 'pin.json');
  }

  isSet(): boolean {
    return this.stored() !== undefined;
  }

  /** When a PIN may be tried again (epoch ms), or null now. */
  lockedUntil(): number | null {
    const until = this.lockout().until;
    return until > this.clock() ? until : null;
  }

  /** Throws unless the PIN is right: not_configured, too_many_attempts (with retryAt), bad_technician_pin. */
  check(pin: string): void {
    const stored = this.stored();
    if (!stored) throw new TechnicianPinError('not_configured', 'no console PIN is set on this terminal: set one with posctl console set-pin');
    const until = this.lockedUntil();
    if (until !== null) throw new TechnicianPinError('too_many_attempts', `too many wrong PINs: locked for ${Math.ceil((until - this.clock()) / 1000)} s more`, until);
    if (matches(pin, stored)) {
      this.saveLockout({ failures: 0, lockouts: 0, until: 0 });
      return;
    }
    const state = this.lockout();
    state.failures++;
    if (state.failures >= this.policy.maxAttempts) {
      state.until = this.clock() + Math.min(this.policy.maxLockMs, this.policy.lockMs * 2 ** state.lockouts);
      state.lockouts++;
      state.failures = 0;
      this.saveLockout(state);
      throw new TechnicianPinError('too_many_attempts', `wrong PIN; too many wrong PINs: locked for ${Math.ceil((state.until - this.clock()) / 1000)} s`, state.until);
    }
    this.saveLockout(state);
    const left = this.policy.maxAttempts - state.failures;
    throw new TechnicianPinError('bad_technician_pin', `wrong PIN (${left} ${left === 1 ? 'try' : 'tries'} before a lockout)`);
  }

  /** Sets (or, with the current PIN, changes) the PIN. */
  set(pin: string, current?: string): void {
    const problem = pinProblem(pin);
    if (problem) throw new TechnicianPinError('bad_argument', problem);
    if (this.isSet()) {
      if (current === undefined) throw new TechnicianPinError('bad_technician_pin', 'a PIN is set already: give the current one to change it');
      this.check(current);
    }
    const salt = randomBytes(16);
    const hash = scryptSync(pin, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
    const stored: StoredPin = { algorithm: 'scrypt', N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p, salt: salt.toString('hex'), hash: hash.toString('hex'), setAt: this.clock() };
    this.write('pin.json', stored);
    this.saveLockout({ failures: 0, lockouts: 0, until: 0 });
  }

  private stored(): StoredPin | undefined {
    const value = this.read<StoredPin>('pin.json');
    return value && value.algorithm === 'scrypt' && typeof value.salt === 'string' && typeof value.hash === 'string' ? value : undefined;
  }

  private lockout(): Lockout {
    const value = this.read<Lockout>('lockout.json');
    const n = (x: unknown): number => (typeof x === 'number' && Number.isFinite(x) && x >= 0 ? x : 0);
    return { failures: n(value?.failures), lockouts: Math.min(32, n(value?.lockouts)), until: n(value?.until) };
  }

  private saveLockout(state: Lockout): void {
    this.write('lockout.json', state);
  }

  private read<T>(name: string): T | undefined {
    let text: string;
    try {
      text = readFileSync(join(this.dir, name), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      return undefined;
    }
  }

  /** Whole or not at all (temporary file, fsync, rename), mode 0600, owned like the data directory (root running posctl must not lock posd out of its own files). */
  private write(name: string, value: unknown): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const file = join(this.dir, name);
    const tmp = `${file}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, `${JSON.stringify(value)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
    if (process.getuid?.() === 0) {
      const owner = statSync(join(this.dir, '..'));
      if (owner.uid !== 0) {
        chownSync(this.dir, owner.uid, owner.gid);
        chownSync(file, owner.uid, owner.gid);
      }
    }
  }
}

function matches(pin: string, stored: StoredPin): boolean {
  if (pin.length > 64) return false;
  const expected = Buffer.from(stored.hash, 'hex');
  const N = stored.N > 0 && stored.N <= 1 << 20 ? stored.N : SCRYPT.N;
  const got = scryptSync(pin, Buffer.from(stored.salt, 'hex'), expected.length || SCRYPT.keylen, { N, r: stored.r || SCRYPT.r, p: stored.p || SCRYPT.p, maxmem: 256 * 1024 * 1024 });
  return got.length === expected.length && timingSafeEqual(got, expected);
}

/** Why a new PIN is not good enough, or null: 6 to 12 digits, not one digit repeated, not a run (123456, 987654). */
export function pinProblem(pin: string): string | null {
  if (!/^[0-9]{6,12}$/.test(pin)) return 'a PIN is 6 to 12 digits';
  if (/^(\d)\1+$/.test(pin)) return 'a PIN of one digit repeated is too easy to guess';
  const steps = new Set([...pin].slice(1).map((d, i) => (Number(d) - Number(pin[i]) + 10) % 10));
  if (steps.size === 1 && (steps.has(1) || steps.has(9))) return 'a run of digits (123456, 987654) is too easy to guess';
  return null;
}
