import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/settlement/backoff.js';
import { Lease } from '../../src/settlement/lease.js';
import { Journal } from '../../src/terminal/ledger/journal.js';
import { cashPayment } from '../support/records.js';
import { drainerFor, startAcquirer } from '../support/acquirer.js';
import { tempDir } from '../support/tmp.js';

describe('backoff', () => {
  const policy = { baseMs: 500, maxMs: 60_000 };

  it('draws uniformly below a ceiling that doubles per attempt up to the cap', () => {
    const top = (attempt: number) => backoffDelay(attempt, policy, () => 0.999999);
    expect([0, 1, 2, 3].map(top)).toEqual([499, 999, 1999, 3999]);
    expect(top(7)).toBe(59_999);
    expect(top(40)).toBe(59_999);
    expect(backoffDelay(5, policy, () => 0)).toBe(0);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(2000);
  });

  it('spreads a fleet: delays for one attempt differ', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(4, policy)));
    expect(delays.size).toBeGreaterThan(40);
    for (const d of delays) expect(d).toBeLessThan(8000);
  });
});

describe('one drainer at a time', () => {
  it('a lease is exclusive while its holder lives and renews, and free once it expires or its process is gone', () => {
    const journal = Journal.open(tempDir());
    const mine = new Lease(journal.settlement!, `${process.pid}:a`, 1000);
    const other = new Lease(journal.settlement!, `${process.pid}:b`, 1000);
    expect(mine.acquire(10_000)).toBe(true);
    expect(other.acquire(10_500)).toBe(false);
    mine.renew(10_800);
    expect(other.acquire(11_700)).toBe(false);
    expect(other.acquire(11_801)).toBe(true);
    other.release();
    const dead = new Lease(journal.settlement!, '999999999:gone', 60_000);
    expect(dead.acquire(20_000)).toBe(true);
    expect(mine.acquire(20_001)).toBe(true);
    journal.close();
  });

  it('a drainer refuses to run while another live process holds the outbox', async () => {
    const sim = await startAcquirer();
    const journal = Journal.open(tempDir());
    journal.append(cashPayment(100));
    const drainer = drainerFor(journal, sim);
    const held = new Lease(journal.settlement!, `${process.pid}:posctl`, 60_000);
    expect(held.acquire()).toBe(true);
    await expect(drainer.drainOnce()).rejects.toMatchObject({ code: 'busy' });
    expect(sim.stats.uploads).toBe(0);
    held.release();
    await drainer.drainOnce();
    expect(drainer.status().counters!.unsettledCount).toBe(0);
    journal.close();
  });
});
