import { describe, expect, it } from 'vitest';
import { sha256 } from '../../src/crypto/sha256.js';
import { Journal } from '../../src/terminal/ledger/journal.js';
import { drainerFor, startAcquirer } from '../support/acquirer.js';
import { rawJournalDb } from '../support/raw-db.js';
import { cashPayment } from '../support/records.js';
import { tempDir } from '../support/tmp.js';

describe('each settlement batch is read from the signed records', () => {
  it('refuses to send a record whose text was rewritten behind the running terminal, and names it', async () => {
    const sim = await startAcquirer();
    const dir = tempDir();
    const journal = Journal.open(dir);
    for (let i = 0; i < 5; i++) journal.append(cashPayment(100 + i));
    const db = rawJournalDb(dir);
    db.exec('DROP TRIGGER journal_no_update');
    const text = journal.get(2)!.text.replace('"amount":101', '"amount":1');
    db.prepare('UPDATE journal SET record = ?, amount = 1, hash = ? WHERE seq = 2').run(text, Buffer.from(sha256(text)));
    db.close();
    const failure = await drainerFor(journal, sim).drainOnce().catch((err: unknown) => err);
    expect(failure).toMatchObject({ code: 'integrity_failed' });
    expect((failure as Error).message).toContain('record 2 was changed');
    expect(sim.stats.uploads).toBe(0);
    journal.close();
  });

  it('and the newest record too, which no later record links to', async () => {
    const sim = await startAcquirer();
    const dir = tempDir();
    const journal = Journal.open(dir);
    for (let i = 0; i < 3; i++) journal.append(cashPayment(100 + i));
    const head = journal.headSeq;
    const db = rawJournalDb(dir);
    db.exec('DROP TRIGGER journal_no_update');
    const text = journal.get(head)!.text.replace('"amount":102', '"amount":2');
    db.prepare('UPDATE journal SET record = ?, amount = 2, hash = ? WHERE seq = ?').run(text, Buffer.from(sha256(text)), head);
    db.close();
    const failure = await drainerFor(journal, sim).drainOnce().catch((err: unknown) => err);
    expect(failure).toMatchObject({ code: 'integrity_failed' });
    expect((failure as Error).message).toContain(`record ${head} is not the record this terminal wrote last`);
    journal.close();
  });
});
