import { randomInt, timingSafeEqual } from 'node:crypto';
import { CodedError } from '../errors/coded-error.js';
import type { TerminalEventStream } from './events.js';
import type { Logger } from './logger.js';

export type PairingErrorCode =
  /** The code typed is not the one on the counter screen. */
  | 'bad_pairing_code'
  /** No code is shown (none asked for, or it expired or was used): ask for a new one. */
  | 'no_pairing_code'
  /** Too many wrong codes: pairing is closed for a while. */
  | 'pairing_locked';

export class PairingError extends CodedError<PairingErrorCode> {
  override readonly name = 'PairingError';
  constructor(
    code: PairingErrorCode,
    message: string,
    /** For pairing_locked: when pairing opens again (epoch ms). */
    readonly retryAt?: number,
  ) {
    super(code, message);
  }
}

/** The code the counter screen shows to a register that pairs, and until when. */
export interface PairingCode {
  code: string;
  expiresAt: number;
}

export interface PairingState {
  /** The code shown now, or null. */
  shown: PairingCode | null;
  /** While set, every attempt is refused (too many wrong codes). */
  lockedUntil: number | null;
}

export interface PairingOptions {
  events: TerminalEventStream;
  log: Logger;
  clock?: () => number;
  /** How long a code stays valid (default 5 minutes). */
  codeTtlMs?: number;
  /** Wrong codes allowed before pairing locks (default 5). */
  maxAttempts?: number;
  /** The first lockout (default 5 minutes); each further one doubles, up to an hour. */
  lockoutMs?: number;
}

const MAX_LOCKOUT_MS = 3600_000;

/**
 * The pairing desk: a six-digit code shown on the counter screen (and in posd's log) that a
 * register types to get its token. A code is valid a few minutes and for one pairing only. Wrong
 * codes are counted across requests: after `maxAttempts` the code is dropped and pairing locks,
 * each lockout twice as long as the one before, so guessing a code is a matter of 5 in 1 000 000
 * per code shown, not of speed.
 */
export class PairingDesk {
  private shown: PairingCode | null = null;
  private failures = 0;
  private lockouts = 0;
  private lockedUntil = 0;
  private readonly clock: () => number;
  private readonly ttlMs: number;
  private readonly maxAttempts: number;
  private readonly lockoutMs: number;

  constructor(private readonly options: PairingOptions) {
    this.clock = options.clock ?? Date.now;
    this.ttlMs = options.codeTtlMs ?? 5 * 60_000;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.lockoutMs = options.lockoutMs ?? 5 * 60_000;
  }

  state(): PairingState {
    const now = this.clock();
    return { shown: this.live(now), lockedUntil: this.lockedUntil > now ? this.lockedUntil : null };
  }

  /** Shows a code (the one already shown while it is valid). Refused while pairing is locked. */
  open(): PairingCode {
    const now = this.clock();
    this.refuseWhileLocked(now);
    const live = this.live(now);
    if (live) return live;
    this.shown = { code: String(randomInt(0, 1_000_000)).padStart(6, '0'), expiresAt: now + this.ttlMs };
    this.options.log.info({ code: this.shown.code, expiresAt: new Date(this.shown.expiresAt).toISOString() }, 'pairing code for a register (type it into the register)');
    this.options.events.emit('pairing.code', { ...this.shown });
    return { ...this.shown };
  }

  /** Uses the code shown: once only. Throws PairingError naming why not. */
  redeem(code: string): void {
    const now = this.clock();
    this.refuseWhileLocked(now);
    const live = this.live(now);
    if (!live) throw new PairingError('no_pairing_code', 'no pairing code is shown: ask for one, then type the code shown on the counter screen');
    if (!sameCode(code, live.code)) {
      this.failures++;
      if (this.failures >= this.maxAttempts) {
        this.lockedUntil = now + Math.min(MAX_LOCKOUT_MS, this.lockoutMs * 2 ** this.lockouts);
        this.lockouts++;
        this.failures = 0;
        this.close('locked');
        this.options.log.warn({ lockedUntil: new Date(this.lockedUntil).toISOString() }, 'pairing locked: too many wrong codes');
        throw new PairingError('pairing_locked', 'too many wrong pairing codes: pairing is closed for a while', this.lockedUntil);
      }
      throw new PairingError('bad_pairing_code', `that is not the code shown on the counter screen (${this.maxAttempts - this.failures} tries left)`);
    }
    this.failures = 0;
    this.lockouts = 0;
    this.close('used');
  }

  /** The technician's hook: lifts a lockout (the console, later). */
  unlock(): void {
    this.lockedUntil = 0;
    this.failures = 0;
    this.lockouts = 0;
  }

  private live(now: number): PairingCode | null {
    if (this.shown && this.shown.expiresAt <= now) this.close('expired');
    return this.shown ? { ...this.shown } : null;
  }

  private close(reason: 'used' | 'expired' | 'locked'): void {
    if (!this.shown) return;
    this.shown = null;
    this.options.events.emit('pairing.closed', { reason });
  }

  private refuseWhileLocked(now: number): void {
    if (this.lockedUntil > now) {
      throw new PairingError('pairing_locked', `pairing is closed after too many wrong codes; it opens again at ${new Date(this.lockedUntil).toISOString()}`, this.lockedUntil);
    }
  }
}

function sameCode(typed: string, shown: string): boolean {
  const a = Buffer.from(typed, 'utf8');
  const b = Buffer.from(shown, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
