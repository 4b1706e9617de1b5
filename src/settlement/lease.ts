import type Database from 'better-sqlite3';

/**
 * A claim on the outbox so only one process drains it: posd, or posctl while posd is down.
 * A claim expires after `ttlMs` without renewal, or at once if its process is gone.
 */
export class Lease {
  private readonly read;
  private readonly write;
  private held = false;

  constructor(
    private readonly db: Database.Database,
    private readonly owner: string,
    private readonly ttlMs: number,
  ) {
    this.read = db.prepare('SELECT lease_owner AS owner, lease_until AS until FROM sync_state WHERE id = 1');
    this.write = db.prepare('UPDATE sync_state SET lease_owner = ?, lease_until = ? WHERE id = 1');
  }

  acquire(now = Date.now()): boolean {
    const take = this.db.transaction(() => {
      const row = this.read.get() as { owner: string | null; until: number | null };
      const free = row.owner === null || row.owner === this.owner || (row.until ?? 0) < now || !processAlive(row.owner);
      if (!free) return false;
      this.write.run(this.owner, now + this.ttlMs);
      return true;
    });
    this.held = take.immediate();
    return this.held;
  }

  renew(now = Date.now()): void {
    if (this.held) this.write.run(this.owner, now + this.ttlMs);
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    const row = this.read.get() as { owner: string | null };
    if (row.owner === this.owner) this.write.run(null, null);
  }
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
