import Database from 'better-sqlite3';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { merkleRoot } from '../../src/protocol/merkle.js';
import type { SignedRecord } from '../../src/protocol/record.js';
import { toHex } from '../../src/encoding/hex.js';
import { Journal } from '../../src/terminal/ledger/journal.js';
import { JournalError } from '../../src/terminal/ledger/errors.js';
import { exportJournal } from '../../src/terminal/ledger/export.js';
import { verifyExportFile } from '../../src/protocol/verify-export.js';
import { cashPayment } from '../support/records.js';
import { rawJournalDb } from '../support/raw-db.js';
import { tempDir } from '../support/tmp.js';
import { closeDay } from '../../src/terminal/reports/day-close.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof JournalError) return err.code;
    throw err;
  }
  return undefined;
}

function rowCount(journal: Journal): number {
  return (rawJournalDb(journal.dataDir).prepare('SELECT COUNT(*) AS n FROM journal').get() as { n: number }).n;
}

describe('journal', () => {
  it('starts with a genesis record under a new key, stored 0600, and reopens where it left off', () => {
    const dir = tempDir();
    const journal = Journal.open(dir);
    expect(journal.headSeq).toBe(0);
    const keyFile = join(dir, 'keys', `${journal.terminalId}.key`);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(keyFile, 'utf8')).toContain('BEGIN PRIVATE KEY');
    const a = journal.append(cashPayment(1250));
    const b = journal.append(cashPayment(300, 'MAT'));
    journal.close();

    const reopened = Journal.open(dir);
    expect(reopened.terminalId).toBe(journal.terminalId);
    expect(reopened.headSeq).toBe(2);
    expect(reopened.headHash).toBe(b.hash);
    expect(reopened.totals).toEqual({ CNY: { n: 1, in: 1250, out: 0 }, MAT: { n: 1, in: 300, out: 0 } });
    const c = reopened.append(cashPayment(100));
    expect(c.record.prev).toBe(b.hash);
    expect(JSON.parse(reopened.get(1)!.text)).toEqual(a.record);
    reopened.close();
  });

  it.each([
    ['zero', 0, 'bad_amount'],
    ['negative', -5, 'bad_amount'],
    ['fractional', 10.5, 'bad_amount'],
    ['overflowing', 2 ** 60, 'bad_amount'],
    ['NaN', NaN, 'bad_amount'],
  ])('refuses a %s amount with a typed error and writes nothing', (_what, amount, code) => {
    const journal = Journal.open(tempDir());
    expect(codeOf(() => journal.append(cashPayment(amount)))).toBe(code);
    expect(rowCount(journal)).toBe(1);
    expect(journal.headSeq).toBe(0);
    journal.close();
  });

  it('refuses unknown assets, oversized and malformed fields, and records it makes itself', () => {
    const journal = Journal.open(tempDir());
    expect(codeOf(() => journal.append(cashPayment(100, 'USD')))).toBe('unknown_asset');
    expect(codeOf(() => journal.append({ kind: 'payment', body: { asset: 'CNY', amount: 1, tender: 'cash', ref: 'x'.repeat(65), details: {} } }))).toBe('invalid_record');
    expect(codeOf(() => journal.append({ kind: 'payment', body: { asset: 'CNY', amount: 1, tender: 'cheque', ref: 'x', details: {} } } as never))).toBe('invalid_record');
    expect(codeOf(() => journal.append({ kind: 'payment', body: { asset: 'CNY', amount: 1, tender: 'cash', ref: 'a\nb', details: {} } }))).toBe('invalid_record');
    expect(codeOf(() => journal.append({ kind: 'payment', body: { asset: 'CNY', amount: 1, tender: 'cash', ref: 'x', details: { note: 'y'.repeat(300) } } }))).toBe('invalid_record');
    expect(codeOf(() => journal.append({ kind: 'payment', body: { asset: 'CNY', amount: 1, tender: 'cash', ref: 'x', details: {}, sneaky: 1 } } as never))).toBe('invalid_record');
    expect(codeOf(() => journal.append({ kind: 'payment', body: { asset: 'CNY', amount: 500, tender: 'cash', ref: 'x', details: { tendered: 1000, change: 400 } } }))).toBe('bad_amount');
    expect(codeOf(() => journal.append({ kind: 'payment', body: { asset: 'CNY', amount: 500, tender: 'wallet_tap', ref: 'x', details: {} } }))).toBe('invalid_record');
    expect(codeOf(() => journal.append({ kind: 'checkpoint', body: { size: 1, root: '00'.repeat(32) } }))).toBe('not_allowed');
    expect(codeOf(() => journal.append({ kind: 'genesis', body: { publicKey: '00'.repeat(32), software: 'x' } }))).toBe('not_allowed');
    expect(rowCount(journal)).toBe(1);
    journal.close();
  });

  it('enforces refund, void and reversal rules against the original payment', () => {
    const journal = Journal.open(tempDir());
    const paid = journal.append(cashPayment(1000));
    const other = journal.append(cashPayment(700, 'MAT'));
    const ret = (kind: 'refund' | 'void' | 'reversal', amount: number, of = paid.seq, asset = 'CNY') =>
      codeOf(() => journal.append({ kind, body: { asset, amount, of, reason: 'test' } }));
    expect(ret('refund', 100, 99)).toBe('unknown_payment');
    expect(ret('refund', 100, 0)).toBe('unknown_payment');
    expect(ret('refund', 100, paid.seq, 'MAT')).toBe('asset_mismatch');
    expect(ret('refund', 1001)).toBe('exceeds_payment');
    expect(ret('void', 999)).toBe('exceeds_payment');
    expect(ret('refund', 400)).toBeUndefined();
    expect(ret('void', 1000)).toBe('already_returned');
    expect(ret('refund', 601)).toBe('exceeds_payment');
    expect(ret('refund', 600)).toBeUndefined();
    expect(ret('refund', 1)).toBe('exceeds_payment');
    expect(ret('reversal', 700, other.seq, 'MAT')).toBeUndefined();
    expect(ret('refund', 1, other.seq, 'MAT')).toBe('already_returned');
    expect(journal.totals).toEqual({ CNY: { n: 3, in: 1000, out: 1000 }, MAT: { n: 2, in: 700, out: 700 } });
    journal.close();
  });

  it('refuses a grand total beyond 2^53 - 1 without writing', () => {
    const journal = Journal.open(tempDir());
    for (let i = 0; i < 9007; i++) journal.append(cashPayment(1_000_000_000_000));
    expect(journal.totals.CNY!.in).toBe(9_007_000_000_000_000);
    expect(codeOf(() => journal.append(cashPayment(1_000_000_000_000)))).toBe('total_overflow');
    expect(journal.headSeq).toBe(9007);
    journal.close();
  }, 60_000);

  it('is append-only and gapless at the storage level too', () => {
    const journal = Journal.open(tempDir());
    journal.append(cashPayment(100));
    const db = rawJournalDb(journal.dataDir);
    expect(() => db.prepare('UPDATE journal SET amount = 1 WHERE seq = 1').run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM journal WHERE seq = 1').run()).toThrow(/append-only/);
    expect(() => db.prepare(`INSERT INTO journal(seq, kind, hash, record) VALUES (5, 'payment', zeroblob(32), '{}')`).run()).toThrow(/gapless/);
    expect(() => db.prepare(`INSERT INTO journal(seq, kind, hash, record) VALUES (1, 'payment', zeroblob(32), '{}')`).run()).toThrow();
    journal.close();
  });

  it('detects a second writer instead of forking the chain', () => {
    const dir = tempDir();
    const first = Journal.open(dir);
    const second = Journal.open(dir);
    first.append(cashPayment(100));
    expect(codeOf(() => second.append(cashPayment(200)))).toBe('concurrent_writer');
    expect(first.headSeq).toBe(1);
    first.close();
    second.close();
  });

  it('reports a full disk as disk_full and keeps everything before it', () => {
    const dir = tempDir();
    const journal = Journal.open(dir, { maxPageCount: 12 });
    let appended = 0;
    let failure: string | undefined;
    for (let i = 0; i < 10_000 && !failure; i++) {
      failure = codeOf(() => journal.append(cashPayment(100 + i)));
      if (!failure) appended++;
    }
    expect(failure).toBe('disk_full');
    expect(journal.headSeq).toBe(appended);
    journal.close();
    const reopened = Journal.open(dir);
    expect(reopened.headSeq).toBe(appended);
    reopened.close();
  });

  it('writes checkpoints whose root is the Merkle root of every record before them', () => {
    const journal = Journal.open(tempDir());
    for (let i = 0; i < 10; i++) journal.append(cashPayment(10 + i));
    const cp1 = journal.appendCheckpoint();
    for (let i = 0; i < 5; i++) journal.append(cashPayment(20 + i));
    const cp2 = journal.appendCheckpoint();
    for (const cp of [cp1, cp2]) {
      const record = cp.record as Extract<SignedRecord, { kind: 'checkpoint' }>;
      expect(record.body.size).toBe(cp.seq);
      expect(record.body.root).toBe(toHex(merkleRoot(journal.hashes(0, cp.seq))));
    }
    journal.close();
  });

  it('rotates keys: the rotation is signed by the old key, later records by the new one, the old private key is destroyed', async () => {
    const dir = tempDir();
    const journal = Journal.open(dir);
    const oldKey = journal.currentKeyId;
    journal.append(cashPayment(100));
    const rotation = journal.rotateKey();
    expect(rotation.record.key).toBe(oldKey);
    const after = journal.append(cashPayment(200));
    expect(after.record.key).not.toBe(oldKey);
    expect(after.record.key).toBe(journal.currentKeyId);
    expect(() => readFileSync(join(dir, 'keys', `${oldKey}.key`))).toThrow();
    journal.close();
    const reopened = Journal.open(dir);
    expect(reopened.currentKeyId).toBe(after.record.key);
    reopened.append(cashPayment(300));
    exportJournal(reopened, join(dir, 'export.jsonl'));
    reopened.close();
    const summary = await verifyExportFile(join(dir, 'export.jsonl'));
    expect(summary.keyRotations).toBe(1);
    expect(summary.records).toBe(5);
  });

  it('refuses to open without the private key of the key in force', () => {
    const dir = tempDir();
    const journal = Journal.open(dir);
    const keyId = journal.currentKeyId;
    journal.close();
    writeFileSync(join(dir, 'keys', `${keyId}.key`), 'not a key');
    expect(codeOf(() => Journal.open(dir))).toBe('key_missing');
  });

  it('opens read-only for export while the writer keeps appending', () => {
    const dir = tempDir();
    const writer = Journal.open(dir);
    writer.append(cashPayment(1));
    const reader = Journal.open(dir, { readOnly: true });
    writer.append(cashPayment(2));
    expect([...reader.records()].length).toBe(3);
    expect(() => reader.append(cashPayment(3))).toThrow(JournalError);
    reader.close();
    writer.close();
    expect(() => new Database(join(dir, 'journal.db')).prepare('DELETE FROM journal').run()).toThrow(/append-only/);
  });
});

describe('journal bulk appends', () => {
  it('appends a batch all or nothing, and tells listeners only after the batch is durable', () => {
    const dir = tempDir();
    const journal = Journal.open(dir);
    const heard: { seq: number; onDisk: boolean }[] = [];
    journal.onAppend((a) => {
      const reader = Journal.open(dir, { readOnly: true });
      heard.push({ seq: a.seq, onDisk: reader.get(a.seq) !== undefined });
      reader.close();
    });
    expect(() => journal.appendBatch([cashPayment(100), cashPayment(200), cashPayment(0)])).toThrow(JournalError);
    expect(journal.headSeq).toBe(0);
    expect(heard).toEqual([]);
    expect(journal.appendBatch([cashPayment(100), cashPayment(200)])).toBe(2);
    expect(heard).toEqual([
      { seq: 1, onDisk: true },
      { seq: 2, onDisk: true },
    ]);
    expect(journal.append(cashPayment(300)).record.prev).toBe(toHex(journal.get(2)!.hash));
    journal.close();
  });
});

describe('every record kind', () => {
  it('writes each kind the format has and verifies them all from an export', async () => {
    const dir = tempDir();
    const journal = Journal.open(dir);
    const paid = journal.append(cashPayment(900));
    const voided = journal.append(cashPayment(400));
    const reversed = journal.append(cashPayment(300));
    journal.append({ kind: 'refund', body: { asset: 'CNY', amount: 100, of: paid.seq, reason: 'damaged' } });
    journal.append({ kind: 'void', body: { asset: 'CNY', amount: 400, of: voided.seq, reason: 'keyed twice' } });
    journal.append({ kind: 'reversal', body: { asset: 'CNY', amount: 300, of: reversed.seq, reason: 'no answer' } });
    journal.append({ kind: 'clock_adjustment', body: { from: 1_763_880_000_000, to: 1_763_880_042_000, source: 'ntp' } });
    journal.rotateKey();
    journal.appendCheckpoint();
    closeDay(journal, '2026-11-23');
    const kinds = [...journal.records()].map((r) => (JSON.parse(r.text) as SignedRecord).kind);
    expect(new Set(kinds)).toEqual(new Set(['genesis', 'payment', 'refund', 'void', 'reversal', 'clock_adjustment', 'key_rotation', 'checkpoint', 'day_close']));
    expect(journal.totals).toEqual({ CNY: { n: 6, in: 1600, out: 800 } });
    exportJournal(journal, join(dir, 'all.jsonl'));
    journal.close();
    const summary = await verifyExportFile(join(dir, 'all.jsonl'));
    expect(summary).toMatchObject({ records: kinds.length, keyRotations: 1, checkpoints: 2 });
  });
});
