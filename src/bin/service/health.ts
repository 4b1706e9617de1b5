import { accessSync, constants, statfsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/** One health check: null when healthy, else what is wrong, in words for the log and STATUS=. */
export type HealthCheck = () => string | null;

/**
 * The event loop kept turning: no stall longer than `limitMs` since the last check, measured by
 * how late a `sampleMs` timer fires. (A loop stopped for good is caught by systemd itself: no
 * check runs, so no ping is sent.)
 */
export function eventLoopCheck(limitMs: number, sampleMs = 100): HealthCheck & { stop(): void } {
  let last = performance.now();
  let worst = 0;
  const sampler = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - sampleMs);
    last = now;
  }, sampleMs);
  sampler.unref();
  const check = (): string | null => {
    // A stall that ended just before this check, before the sampler could fire, counts too.
    const now = performance.now();
    const stalledMs = Math.round(Math.max(worst, now - last - sampleMs));
    worst = 0;
    last = now;
    return stalledMs > limitMs ? `event loop stalled for ${stalledMs} ms (limit ${limitMs} ms)` : null;
  };
  return Object.assign(check, { stop: () => clearInterval(sampler) });
}

export interface DiskProbe {
  access(path: string, mode: number): void;
  statfs(path: string): { bavail: number; bsize: number };
}

const realDisk: DiskProbe = { access: accessSync, statfs: (path) => statfsSync(path) };

/** The data directory can take the next journal append: writable (not remounted read-only) and not full. */
export function dataDirCheck(dataDir: string, minFreeBytes = 4 * 1024 * 1024, disk: DiskProbe = realDisk): HealthCheck {
  return () => {
    try {
      disk.access(dataDir, constants.W_OK);
    } catch (err) {
      return `data directory ${dataDir} not writable (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
    }
    try {
      const { bavail, bsize } = disk.statfs(dataDir);
      const free = bavail * bsize;
      if (free < minFreeBytes) return `disk full: ${Math.floor(free / 1024)} KiB free for the journal in ${dataDir}`;
    } catch (err) {
      return `cannot see the free space of ${dataDir} (${(err as Error).message})`;
    }
    return null;
  };
}

/** The journal answers a query (the terminal's status reads the settlement backlog from it). */
export function journalCheck(query: () => unknown): HealthCheck {
  return () => {
    try {
      query();
      return null;
    } catch (err) {
      return `the journal does not answer: ${(err as Error).message}`;
    }
  };
}
