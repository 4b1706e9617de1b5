import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ChainVerifier } from '../../src/protocol/chain-verifier.js';
import { JournalError } from '../../src/terminal/ledger/errors.js';
import { Journal } from '../../src/terminal/ledger/journal.js';
import { rawJournalDb } from '../support/raw-db.js';
import { cashPayment } from '../support/records.js';
import { mountTinyFs, tinyFsUnavailable, type TinyFs } from './tiny-fs.js';

const unavailable = tinyFsUnavailable();
if (unavailable) console.warn(`disk-full tests skipped: ${unavailable}`);

const mounted: TinyFs[] = [];
afterEach(() => {
  while (mounted.length) mounted.pop()!.unmount();
});

function tinyFs(kib: number): TinyFs {
  const fs = mountTinyFs(kib);
  mounted.push(fs);
  return fs;
}

function openError(dataDir: string): unknown {
  try {
    Journal.open(dataDir).close();
    return undefined;
  } catch (err) {
    return err;
  }
}

function keyFiles(dataDir: string): string[] {
  const keys = join(dataDir, 'keys');
  return existsSync(keys) ? readdirSync(keys) : [];
}

/**
 * Opens a new journal with 0, 1, 2, ... pages free until it succeeds, so the disk runs out at
 * every step of a first start: creating the database, its WAL and shared memory, the schema, the
 * key file, the genesis record. Returns how many steps failed.
 */
function firstStartOnEveryFullDisk(fs: TinyFs, dataDir: string, leftBefore: string[]): number {
  for (let freePages = 0; freePages < 128; freePages++) {
    fs.fillLeaving(freePages);
    const err = openError(dataDir);
    if (err === undefined) return freePages;
    expect(err, `${freePages} pages free: ${String(err)}`).toBeInstanceOf(JournalError);
    expect((err as JournalError).code).toBe('disk_full');
    // Nothing half-made: no database file (not even an empty one), no key, no temporary key file.
    const left = existsSync(dataDir) ? readdirSync(dataDir).sort() : [];
    expect(left, `${freePages} pages free`).toEqual(leftBefore);
  }
  throw new Error('the journal never opened, even with 128 pages free');
}

describe.skipIf(unavailable !== null)('a full disk, for real (a tmpfs with a size limit)', () => {
  it('a first start on a full disk is disk_full and leaves no journal.db and no key behind, wherever the disk runs out', () => {
    const fs = tinyFs(512);
    const dataDir = join(fs.dir, 'terminal');
    const failedSteps = firstStartOnEveryFullDisk(fs, dataDir, []);
    // Database, WAL, shared memory, schema, key and genesis all need room: it failed at many steps.
    expect(failedSteps).toBeGreaterThan(20);

    // With room again, the start that works makes one key, and it is the genesis key.
    fs.free();
    rmSync(dataDir, { recursive: true, force: true });
    const journal = Journal.open(dataDir);
    expect(keyFiles(dataDir)).toEqual([`${journal.terminalId}.key`]);
    journal.close();
  });

  it('a data directory that already held files keeps them, and only them', () => {
    const fs = tinyFs(512);
    const dataDir = join(fs.dir, 'terminal');
    mkdirSync(join(dataDir, 'keys'), { recursive: true });
    writeFileSync(join(dataDir, 'catalog.csv'), 'gtin,name_zh,name_en,price,asset\n');
    firstStartOnEveryFullDisk(fs, dataDir, ['catalog.csv', 'keys']);
    expect(keyFiles(dataDir)).toHaveLength(1);
  });

  it('an append on a full disk is disk_full, writes nothing, and the journal goes on once there is room', () => {
    const fs = tinyFs(1024);
    const dataDir = join(fs.dir, 'terminal');
    const journal = Journal.open(dataDir);
    for (let i = 0; i < 5; i++) journal.append(cashPayment(100 + i));
    fs.fillUp();

    let appended = 0;
    let failure: unknown;
    while (failure === undefined && appended < 10_000) {
      try {
        journal.append(cashPayment(1000 + appended));
        appended++;
      } catch (err) {
        failure = err;
      }
    }
    expect(failure).toBeInstanceOf(JournalError);
    expect((failure as JournalError).code).toBe('disk_full');
    const head = 5 + appended;
    expect(journal.headSeq).toBe(head);
    const db = rawJournalDb(dataDir);
    expect(db.prepare('SELECT MAX(seq) FROM journal').pluck().get()).toBe(head);
    db.close();
    // Still full: refused again, still nothing written.
    expect(() => journal.append(cashPayment(7))).toThrow(expect.objectContaining({ code: 'disk_full' }));
    expect(journal.headSeq).toBe(head);

    fs.free();
    expect(journal.append(cashPayment(8)).seq).toBe(head + 1);
    journal.close();
    const reopened = Journal.open(dataDir, { readOnly: true });
    const verifier = new ChainVerifier();
    for (const record of reopened.records()) verifier.push(record.text);
    expect(verifier.finish().records).toBe(head + 2);
    reopened.close();
  });
});
