import type { LeaseRow, SettlementBook } from '../terminal/ledger/settlement-book.js';

/**
 * A claim on the outbox so only one process drains it: posd, or posctl while posd is down.
 * A claim expires after `ttlMs` without renewal, or at once if its process is gone.
 */
export class Lease {
  private held = false;

  constructor(
    private readonly book: SettlementBook,
    private readonly owner: string,
    private readonly ttlMs: number,
  ) {}

  acquire(now = Date.now()): boolean {
    this.held = this.book.claimLease(this.owner, now + this.ttlMs, (current) => lapsed(current, now));
    return this.held;
  }

  renew(now = Date.now()): void {
    if (this.held) this.book.renewLease(this.owner, now + this.ttlMs);
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    this.book.releaseLease(this.owner);
  }
}

function lapsed(current: LeaseRow, now: number): boolean {
  return (current.until ?? 0) < now || !processAlive(current.owner ?? '');
}

function processAlive(owner: string): boolean {
  const pid = Number(owner.split(':')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
