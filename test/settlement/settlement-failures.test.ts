import type Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { SettlementFailure } from '../../src/settlement/drainer.js';
import { Journal } from '../../src/terminal/ledger/journal.js';
import { drainerFor, startAcquirer } from '../support/acquirer.js';
import { rawJournalDb } from '../support/raw-db.js';
import { cashPayment } from '../support/records.js';
import { tempDir } from '../support/tmp.js';
import { sleep, until } from '../support/wait.js';

const SMALL_BACKOFF = { baseMs: 5, maxMs: 40 };

function journalWithPayments(amounts: number[]): Journal {
  const journal = Journal.open(tempDir());
  for (const amount of amounts) journal.append(cashPayment(amount));
  return journal;
}

/** What an attacker with file access does: drop the append-only trigger and edit a row. */
function editJournal(journal: Journal, edit: (db: Database.Database) => void): void {
  const db = rawJournalDb(journal.dataDir);
  db.exec('DROP TRIGGER IF EXISTS journal_no_update');
  edit(db);
  db.close();
}

function recordFailures(drainer: { on(event: 'failed', listener: (f: SettlementFailure) => void): unknown }): SettlementFailure[] {
  const failures: SettlementFailure[] = [];
  drainer.on('failed', (f) => failures.push(f));
  return failures;
}

describe('every failed settlement attempt is reported with its cause', () => {
  it('reports each refused connection: code, cause, attempt, the batch, and the wait before the next try', async () => {
    const sim = await startAcquirer();
    const journal = journalWithPayments([100, 200]);
    const drainer = drainerFor(journal, sim, { backoff: SMALL_BACKOFF });
    const failures = recordFailures(drainer);
    await sim.setFault({ mode: 'refuse' });

    await expect(drainer.drain(3)).rejects.toMatchObject({ code: 'unreachable' });
    expect(failures.map((f) => f.attempt)).toEqual([1, 2, 3]);
    for (const f of failures) {
      expect(f).toMatchObject({ code: 'unreachable', retryable: true, halted: false, batch: { kind: 'upload' } });
      expect(f.message).toContain('ECONNREFUSED');
    }
    // The same stored batch goes again each time, under its own key.
    expect(new Set(failures.map((f) => f.batch!.id)).size).toBe(1);
    expect(failures[0]!.retryInMs).toBeGreaterThanOrEqual(0);
    expect(failures[1]!.retryInMs).toBeGreaterThanOrEqual(0);
    expect(failures[2]!.retryInMs).toBeNull();

    await sim.setFault(undefined);
    await drainer.drainOnce();
    expect(drainer.status().consecutiveFailures).toBe(0);
    journal.close();
  });

  it('the background loop reports each failed attempt and when it will try again', async () => {
    const sim = await startAcquirer();
    const journal = journalWithPayments([300]);
    const drainer = drainerFor(journal, sim, { backoff: SMALL_BACKOFF, idleCheckMs: 10_000 });
    const failures = recordFailures(drainer);
    await sim.setFault({ mode: 'refuse' });
    drainer.start();
    await until(() => failures.length >= 3, 'three failed attempts reported');
    for (const [i, f] of failures.slice(0, 3).entries()) {
      expect(f).toMatchObject({ code: 'unreachable', retryable: true, attempt: i + 1, halted: false });
      expect(f.message).toContain('ECONNREFUSED');
      expect(f.retryInMs).toBeGreaterThanOrEqual(0);
      expect(f.retryInMs).toBeLessThanOrEqual(SMALL_BACKOFF.maxMs);
    }
    await sim.setFault(undefined);
    await until(() => drainer.status().counters!.unsettledCount === 0, 'settled once the acquirer is back');
    await drainer.stop();
    journal.close();
  });
});

describe('an integrity failure stops the background loop instead of hammering the acquirer', () => {
  it('a stored batch whose records were edited is integrity_failed, reported once, not blamed on the acquirer, and not retried', async () => {
    const sim = await startAcquirer();
    const journal = journalWithPayments([1234, 500, 700]);
    const drainer = drainerFor(journal, sim, { backoff: SMALL_BACKOFF, idleCheckMs: 10_000 });
    const failures = recordFailures(drainer);

    // The first send is refused, so the upload batch stays stored and open: it must go again byte for byte.
    await sim.setFault({ mode: 'refuse' });
    await expect(drainer.drainOnce()).rejects.toMatchObject({ code: 'unreachable' });
    const batch = failures[0]!.batch!;
    expect(batch.kind).toBe('upload');
    editJournal(journal, (db) => db.prepare(`UPDATE journal SET record = replace(record, '"amount":500', '"amount":5') WHERE seq = 2`).run());
    await sim.setFault(undefined);

    drainer.start();
    await until(() => failures.length === 2, 'the integrity failure reported');
    expect(failures[1]).toMatchObject({ code: 'integrity_failed', retryable: false, halted: true, retryInMs: null, attempt: 2, batch });
    expect(failures[1]!.message).toContain(batch.id);
    expect(drainer.status()).toMatchObject({ state: 'halted', lastError: { code: 'integrity_failed' } });
    expect(drainer.status().nextAttemptAt).toBeUndefined();

    // Many backoff steps later: no retry, and the acquirer never saw the altered batch.
    await sleep(20 * SMALL_BACKOFF.maxMs);
    expect(failures).toHaveLength(2);
    expect(sim.stats.uploads).toBe(0);
    expect(failures.map((f) => f.code)).not.toContain('server_error');

    // An explicit settle tries again (and says the same); the loop stays halted.
    await expect(drainer.drainOnce()).rejects.toMatchObject({ code: 'integrity_failed' });
    expect(failures).toHaveLength(3);
    expect(drainer.status().state).toBe('halted');
    await drainer.stop();
    journal.close();
  });

  it('a LedgerIntegrityError during a pass halts too, and an explicit settle resumes the loop once the journal is whole again', async () => {
    const sim = await startAcquirer();
    const journal = journalWithPayments([1234, 500, 700]);
    editJournal(journal, (db) => db.prepare('UPDATE journal SET amount = 1 WHERE seq = 1').run());
    const drainer = drainerFor(journal, sim, { backoff: SMALL_BACKOFF, idleCheckMs: 10_000 });
    const failures = recordFailures(drainer);
    drainer.start();
    await until(() => failures.length === 1, 'the integrity failure reported');
    expect(failures[0]).toMatchObject({ code: 'integrity_failed', halted: true, retryInMs: null });
    expect(failures[0]!.message).toContain('record 1');
    const requests = sim.stats.uploads + sim.stats.closes;
    await sleep(20 * SMALL_BACKOFF.maxMs);
    expect(failures).toHaveLength(1);
    expect(sim.stats.uploads + sim.stats.closes).toBe(requests);
    expect(sim.stats.closes).toBe(0);

    editJournal(journal, (db) => db.prepare('UPDATE journal SET amount = 1234 WHERE seq = 1').run());
    await drainer.drainOnce();
    expect(drainer.status().state).toBe('idle');
    expect(drainer.status().nextAttemptAt).toBeDefined();
    expect(drainer.status().counters!.unsettledCount).toBe(0);
    await drainer.stop();
    journal.close();
  });
});
