/**
 * Counts failed attempts at a secret (the technician PIN): after `maxAttempts` in a row every
 * attempt is refused until the lockout ends; each lockout lasts twice the one before, up to an hour.
 */
export class AttemptThrottle {
  private failures = 0;
  private lockouts = 0;
  private until = 0;

  constructor(
    private readonly maxAttempts = 5,
    private readonly lockoutMs = 5 * 60_000,
    private readonly clock: () => number = Date.now,
  ) {}

  /** When attempts open again (epoch ms), or null when they may be made now. */
  lockedUntil(): number | null {
    return this.until > this.clock() ? this.until : null;
  }

  failed(): void {
    if (++this.failures < this.maxAttempts) return;
    this.until = this.clock() + Math.min(3600_000, this.lockoutMs * 2 ** this.lockouts);
    this.lockouts++;
    this.failures = 0;
  }

  succeeded(): void {
    this.failures = 0;
    this.lockouts = 0;
  }
}
