import Database from 'better-sqlite3';
import { join } from 'node:path';
import { canonicalJson } from '../../encoding/canonical-json.js';
import { fromHex, toHex } from '../../encoding/hex.js';
import { keyIdOf, type Signer } from '../../crypto/ed25519.js';
import { DEFAULT_ASSETS, type AssetInfo } from '../../protocol/assets.js';
import { DOMAIN, GENESIS_PREV, TERMINAL_STATEMENT_DOMAINS } from '../../protocol/domains.js';
import { consistencyProof, frontierRanges, MerkleFrontier, streamedRoot } from '../../protocol/merkle.js';
import {
  RECORD_VERSION,
  applyToTotals,
  type RecordKind,
  moneyOf,
  type RecordDraft,
  type SignedRecord,
  type Totals,
  type UnsignedRecord,
} from '../../protocol/record.js';
import { signRecord, type EncodedRecord } from '../../protocol/record-codec.js';
import { RecordFormatError, validateBody } from '../../protocol/record-validate.js';
import { systemClock, type Clock } from '../clock.js';
import { KeyStore } from '../identity/key-store.js';
import { JournalError } from './errors.js';
import { checkReturn } from './return-rules.js';
import { checkedRecord, derivedColumnsOf, type DerivedColumns, type StoredRow } from './derived-columns.js';
import { isDiskFull } from './disk-full.js';
import { FirstStart, JOURNAL_FILE } from './first-start.js';
import { configureDurable, migrate } from './journal-schema.js';
import { PaymentBook } from './payment-book.js';
import { hasPaymentTables, migratePayments } from './payment-schema.js';
import { ReturnBook, hasReturnTables, migrateReturns } from './return-book.js';
import { SettlementBook } from './settlement-book.js';
import { hasSettlementTables, migrateSettlement } from './settlement-schema.js';

export const MAX_RECORD_TEXT = 32_768;
export const SOFTWARE = 'posd/0.1.0';

export interface JournalOptions {
  clock?: Clock;
  assets?: readonly AssetInfo[];
  /** Open an existing journal without writing (export, verify, reports while posd runs). */
  readOnly?: boolean;
  /** Test hook: SQLite max_page_count, to provoke a full disk. */
  maxPageCount?: number;
}

export interface AppendResult {
  seq: number;
  hash: string;
  text: string;
  record: SignedRecord;
}

export interface StoredRecord {
  seq: number;
  hash: Uint8Array;
  text: string;
}

/** Work done in the same transaction as the append (e.g. settlement state with its ack): it commits or rolls back with the record. */
export type SameTransaction = (appended: AppendResult) => void;

/** A financial record's money, read from its signed text (the derived columns cross-checked). */
export interface MoneyRecord {
  seq: number;
  kind: 'payment' | 'refund' | 'void' | 'reversal';
  asset: string;
  amount: number;
  /** Wall clock the record was made at, as the terminal believed it. */
  wall: number;
}

type Listener = (appended: AppendResult) => void;

interface Head {
  seq: number;
  hash: Uint8Array;
  totals: Totals;
}

/**
 * The signed, hash-chained journal: the only source of truth for what the terminal did.
 * One writer; an append is one SQLite transaction (WAL, synchronous=FULL) and returns only
 * once the record is durable. Anything invalid throws JournalError and writes nothing.
 */
export class Journal {
  private readonly db: Database.Database;
  /** Settlement state kept beside the journal; null when opened read-only before any settlement. */
  readonly settlement: SettlementBook | null;
  /** Payment state kept beside the journal; null when opened read-only before any payment. */
  readonly payments: PaymentBook | null;
  /** Refunds and voids in progress or done, by their idempotency keys; null when opened read-only before any. */
  readonly returns: ReturnBook | null;
  readonly terminalId: string;
  readonly genesisPublicKey: Uint8Array;
  private head: Head | undefined;
  private signer: Signer | undefined;
  private readonly keys: KeyStore | undefined;
  private readonly clock: Clock;
  private readonly assetCodes: ReadonlySet<string>;
  private frontier: MerkleFrontier | undefined;
  private readonly listeners = new Set<Listener>();
  /** Set while appendBatch's transaction is open: notices wait for its commit. */
  private deferredNotices: AppendResult[] | undefined;
  private readonly stmt: ReturnType<Journal['prepare']>;
  private readonly insertTransaction: ReturnType<Journal['makeInsertTransaction']>;

  private constructor(
    db: Database.Database,
    readonly dataDir: string,
    options: JournalOptions,
  ) {
    this.db = db;
    this.settlement = options.readOnly && !hasSettlementTables(db) ? null : new SettlementBook(db);
    this.payments = options.readOnly && !hasPaymentTables(db) ? null : new PaymentBook(db);
    this.returns = options.readOnly && !hasReturnTables(db) ? null : new ReturnBook(db);
    this.clock = options.clock ?? systemClock();
    this.assetCodes = new Set((options.assets ?? DEFAULT_ASSETS).map((a) => a.code));
    this.stmt = this.prepare();
    this.insertTransaction = this.makeInsertTransaction();
    this.keys = options.readOnly ? undefined : new KeyStore(dataDir);
    const genesis = this.stmt.get.get(0) as { record: string } | undefined;
    if (!genesis) {
      if (options.readOnly) throw new JournalError('corrupt', `no journal in ${dataDir}`);
      const signer = this.keys!.create();
      this.signer = signer;
      this.terminalId = signer.keyId;
      this.genesisPublicKey = signer.publicKey;
      this.appendDraft({ kind: 'genesis', body: { publicKey: toHex(signer.publicKey), software: SOFTWARE } });
      return;
    }
    const genesisRecord = JSON.parse(genesis.record) as SignedRecord;
    if (genesisRecord.kind !== 'genesis') throw new JournalError('corrupt', 'record 0 is not a genesis record');
    this.terminalId = genesisRecord.terminal;
    this.genesisPublicKey = fromHex(genesisRecord.body.publicKey, 32);
    const last = this.stmt.last.get() as { seq: number; hash: Buffer; record: string };
    const lastRecord = JSON.parse(last.record) as SignedRecord;
    this.head = { seq: last.seq, hash: new Uint8Array(last.hash), totals: lastRecord.totals };
    if (!options.readOnly) {
      const currentKey = lastRecord.kind === 'key_rotation' ? keyIdOf(fromHex(lastRecord.body.publicKey, 32)) : lastRecord.key;
      try {
        this.signer = this.keys!.load(currentKey);
      } catch (err) {
        throw new JournalError('key_missing', `cannot sign: ${(err as Error).message}`, { cause: err });
      }
    }
  }

  /**
   * Opens the journal in `dataDir`, making it (genesis key and record) on a first start. A first
   * start that fails leaves nothing behind; a full disk is JournalError('disk_full').
   */
  static open(dataDir: string, options: JournalOptions = {}): Journal {
    let firstStart: FirstStart | undefined;
    let db: Database.Database | undefined;
    try {
      if (!options.readOnly) firstStart = FirstStart.begin(dataDir);
      db = new Database(join(dataDir, JOURNAL_FILE), { readonly: options.readOnly ?? false, fileMustExist: options.readOnly ?? false });
      if (!options.readOnly) {
        configureDurable(db);
        migrate(db);
        migrateSettlement(db);
        migratePayments(db);
        migrateReturns(db);
        if (options.maxPageCount) db.pragma(`max_page_count = ${options.maxPageCount}`);
      }
      return new Journal(db, dataDir, options);
    } catch (err) {
      const diskFull = !(err instanceof JournalError) && isDiskFull(err, dataDir);
      const genesisDurable = db !== undefined && holdsGenesis(db);
      db?.close();
      if (firstStart && !genesisDurable) firstStart.undo();
      if (!diskFull) throw err;
      throw new JournalError('disk_full', `cannot open the journal in ${dataDir}: the disk is full (${(err as Error).message})`, { cause: err });
    }
  }

  /**
   * One append's transaction. A second writer with a stale head cannot fork the chain: its seq
   * is taken (primary key) or not next (the gapless trigger), and the insert fails.
   */
  private makeInsertTransaction() {
    return this.db.transaction(
      (encoded: EncodedRecord, columns: DerivedColumns, appended: AppendResult, sameTransaction: SameTransaction | undefined) => {
        this.stmt.insert.run(encoded.record.seq, columns.kind, columns.asset, columns.amount, columns.refOf, encoded.hash, encoded.text);
        sameTransaction?.(appended);
      },
    );
  }

  private prepare() {
    const db = this.db;
    return {
      get: db.prepare('SELECT seq, hash, record FROM journal WHERE seq = ?'),
      last: db.prepare('SELECT seq, hash, record FROM journal ORDER BY seq DESC LIMIT 1'),
      insert: db.prepare('INSERT INTO journal(seq, kind, asset, amount, ref_of, hash, record) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      range: db.prepare('SELECT seq, hash, record FROM journal WHERE seq >= ? AND seq <= ? ORDER BY seq'),
      hashes: db.prepare('SELECT hash FROM journal WHERE seq >= ? AND seq < ? ORDER BY seq').pluck(),
      returnsOf: db.prepare('SELECT seq, kind, asset, amount, ref_of, record FROM journal WHERE ref_of = ? ORDER BY seq'),
      checkedRange: db.prepare('SELECT seq, kind, asset, amount, ref_of, record FROM journal WHERE seq >= ? AND seq <= ? AND asset IS NOT NULL ORDER BY seq'),
      checkedOne: db.prepare('SELECT seq, kind, asset, amount, ref_of, record FROM journal WHERE seq = ?'),
      // Newest first from the upper bound: the kinds asked for (acks, checkpoints) lie near the head.
      lastOfKind: db.prepare('SELECT seq FROM journal WHERE kind = ? AND seq > ? AND seq <= ? ORDER BY seq DESC LIMIT 1').pluck(),
      // Rare kinds that may be absent altogether: through their partial indexes (journal-schema.ts), not a scan.
      lastPriority: db.prepare(`SELECT MAX(seq) FROM journal WHERE kind IN ('reversal', 'key_rotation') AND kind = ? AND seq > ? AND seq <= ?`).pluck(),
      lastDayClose: db.prepare(`SELECT MAX(seq) FROM journal WHERE kind = 'day_close' AND seq > ? AND seq <= ?`).pluck(),
      firstOfKind: db.prepare('SELECT MIN(seq) FROM journal WHERE kind = ? AND seq > ?').pluck(),
      lastFinancial: db.prepare('SELECT MAX(seq) FROM journal WHERE seq > ? AND seq <= ? AND asset IS NOT NULL').pluck(),
      frontierAtOrBelow: db.prepare('SELECT size, frontier FROM merkle_frontiers WHERE size <= ? ORDER BY size DESC LIMIT 1'),
      frontierSet: db.prepare('INSERT INTO merkle_frontiers(size, frontier) VALUES (?, ?) ON CONFLICT(size) DO UPDATE SET frontier = excluded.frontier'),
    };
  }

  get headSeq(): number {
    return this.head?.seq ?? -1;
  }

  get headHash(): string {
    return this.head ? toHex(this.head.hash) : GENESIS_PREV;
  }

  get totals(): Totals {
    return this.head?.totals ?? {};
  }

  get currentKeyId(): string {
    if (!this.signer) throw new JournalError('not_allowed', 'journal is open read-only');
    return this.signer.keyId;
  }

  get currentPublicKey(): Uint8Array {
    if (!this.signer) throw new JournalError('not_allowed', 'journal is open read-only');
    return this.signer.publicKey;
  }

  /**
   * Signs a statement of the terminal's with its current key: an enrolment's proof of
   * possession, a decommission notice, a receipt's QR statement, a payment request. Only the
   * domains listed in TERMINAL_STATEMENT_DOMAINS (src/protocol/domains.ts): never a journal
   * record, a key rotation or anything the acquirer signs.
   */
  signStatement(domain: string, text: string): { keyId: string; sig: Uint8Array } {
    if (!this.signer) throw new JournalError('not_allowed', 'journal is open read-only');
    if (!TERMINAL_STATEMENT_DOMAINS.includes(domain)) throw new JournalError('not_allowed', `the terminal key does not sign statements in domain ${JSON.stringify(domain)}`);
    return { keyId: this.signer.keyId, sig: this.signer.sign(domain + text) };
  }

  get keyWarnings(): readonly unknown[] {
    return this.keys?.warnings ?? [];
  }

  onAppend(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Appends a payment, refund, void, reversal, clock adjustment, settlement ack or day close.
   * Returns once the record is on disk. Genesis, checkpoints and key rotations have their own methods.
   */
  append(draft: RecordDraft, sameTransaction?: SameTransaction): AppendResult {
    if (draft.kind === 'genesis' || draft.kind === 'checkpoint' || draft.kind === 'key_rotation') {
      throw new JournalError('not_allowed', `${draft.kind} records are made by the journal itself`);
    }
    return this.appendDraft(draft, sameTransaction);
  }

  /**
   * Appends many records in one transaction (one fsync): for bulk loads such as building a
   * backlog. All or nothing; returns once all are durable. Payments use append().
   */
  appendBatch(drafts: readonly RecordDraft[]): number {
    const appended: AppendResult[] = [];
    const tx = this.db.transaction(() => {
      for (const draft of drafts) appended.push(this.append(draft));
    });
    const before = this.head;
    // Listeners hear of records once they are durable: after the outer commit, never before a rollback.
    this.deferredNotices = [];
    try {
      tx.immediate();
    } catch (err) {
      this.head = before;
      throw err instanceof JournalError ? err : asJournalError(err, this.dataDir);
    } finally {
      this.deferredNotices = undefined;
    }
    for (const record of appended) this.notify(record);
    return appended.length;
  }

  /** Appends a checkpoint committing to every record before it (Merkle root over seq 0 .. seq-1). */
  appendCheckpoint(sameTransaction?: SameTransaction): AppendResult {
    const size = this.headSeq + 1;
    const frontier = this.frontierAt(size);
    const root = toHex(frontier.root());
    const appended = this.appendDraft({ kind: 'checkpoint', body: { size, root } }, (record) => {
      this.stmt.frontierSet.run(frontier.size, JSON.stringify(frontier.toJSON()));
      sameTransaction?.(record);
    });
    this.frontier = frontier;
    return appended;
  }

  /**
   * Makes a new key, appends a key_rotation record signed by the old key (with the new key's
   * proof of possession), switches to the new key and destroys the old private key.
   */
  rotateKey(): AppendResult {
    const keys = this.requireKeys();
    const oldSigner = this.signer!;
    const next = keys.create();
    const seq = this.headSeq + 1;
    const statement = canonicalJson({ terminal: this.terminalId, seq, previousKey: oldSigner.keyId, publicKey: toHex(next.publicKey) });
    const proof = toHex(next.sign(DOMAIN.keyRotation + statement));
    let appended: AppendResult;
    try {
      appended = this.appendDraft({ kind: 'key_rotation', body: { publicKey: toHex(next.publicKey), proof } });
    } catch (err) {
      keys.destroy(next.keyId);
      throw err;
    }
    this.signer = next;
    keys.destroy(oldSigner.keyId);
    return appended;
  }

  get(seq: number): StoredRecord | undefined {
    const row = this.stmt.get.get(seq) as { seq: number; hash: Buffer; record: string } | undefined;
    return row && { seq: row.seq, hash: new Uint8Array(row.hash), text: row.record };
  }

  /** Streams records [from, to] in seq order without loading them all. */
  *records(from = 0, to = Number.MAX_SAFE_INTEGER): IterableIterator<StoredRecord> {
    for (const row of this.stmt.range.iterate(from, to) as IterableIterator<{ seq: number; hash: Buffer; record: string }>) {
      yield { seq: row.seq, hash: new Uint8Array(row.hash), text: row.record };
    }
  }

  /**
   * The financial records of [from, through] with their money read from the signed text; the
   * derived columns are cross-checked and a disagreement throws LedgerIntegrityError.
   */
  *moneyRecords(from: number, through: number): IterableIterator<MoneyRecord> {
    for (const row of this.stmt.checkedRange.iterate(from, through) as IterableIterator<StoredRow>) {
      const record = checkedRecord(row);
      const body = record.body as { asset: string; amount: number };
      yield { seq: row.seq, kind: record.kind as MoneyRecord['kind'], asset: body.asset, amount: body.amount, wall: record.time.wall };
    }
  }

  /** The financial records of [from, through], whole, parsed from their signed text (derived columns cross-checked). */
  *financialRecords(from: number, through: number): IterableIterator<SignedRecord> {
    for (const row of this.stmt.checkedRange.iterate(from, through) as IterableIterator<StoredRow>) yield checkedRecord(row);
  }

  /** One record, parsed from its signed text with its derived columns cross-checked. */
  recordAt(seq: number): SignedRecord | undefined {
    const row = this.stmt.checkedOne.get(seq) as StoredRow | undefined;
    return row ? checkedRecord(row) : undefined;
  }

  /** The newest record of a kind in (after, through], or null. */
  lastSeqOfKind(kind: RecordKind, after = -1, through = Number.MAX_SAFE_INTEGER): number | null {
    if (kind === 'reversal' || kind === 'key_rotation') return (this.stmt.lastPriority.get(kind, after, through) as number | null) ?? null;
    if (kind === 'day_close') return (this.stmt.lastDayClose.get(after, through) as number | null) ?? null;
    return (this.stmt.lastOfKind.get(kind, after, through) as number | undefined) ?? null;
  }

  /** The first record of a kind after `after`, or null. */
  firstSeqOfKind(kind: RecordKind, after: number): number | null {
    return this.stmt.firstOfKind.get(kind, after) as number | null;
  }

  /** The newest financial record in (after, through], or null. */
  lastFinancialSeq(after: number, through: number): number | null {
    return this.stmt.lastFinancial.get(after, through) as number | null;
  }

  /** What was returned (refunded, voided, reversed) against payment `seq`, read from the signed records. */
  returnedOf(seq: number): { kind: string; amount: number }[] {
    return this.returnsOf(seq);
  }

  /** Record hashes of seq [from, to), for Merkle proofs. */
  hashes(from: number, to: number): Uint8Array[] {
    return (this.stmt.hashes.all(from, to) as Buffer[]).map((b) => new Uint8Array(b));
  }

  close(): void {
    this.db.close();
  }

  private requireKeys(): KeyStore {
    if (!this.keys || !this.signer) throw new JournalError('not_allowed', 'journal is open read-only');
    return this.keys;
  }

  /** The Merkle right edge of the tree of the first `size` records: from the newest stored frontier at or below, plus the records after it. */
  frontierAt(size: number): MerkleFrontier {
    let base = this.frontier && this.frontier.size <= size ? this.frontier : undefined;
    if (!base) {
      const row = this.stmt.frontierAtOrBelow.get(size) as { size: number; frontier: string } | undefined;
      base = row ? MerkleFrontier.fromJSON(JSON.parse(row.frontier) as { size: number; stack: string[] }) : new MerkleFrontier();
    }
    const frontier = base.clone();
    for (const hash of this.stmt.hashes.iterate(frontier.size, size) as IterableIterator<Buffer>) frontier.add(hash);
    return frontier;
  }

  /** The Merkle tree hash of records [from, to), streamed in O(log n) memory. */
  subtreeRoot(from: number, to: number): Uint8Array {
    return streamedRoot(this.stmt.hashes.iterate(from, to) as IterableIterator<Buffer>);
  }

  /**
   * An RFC 9162 consistency proof that the tree of the first `newSize` records extends the tree
   * of the first `oldSize`: the old tree's nodes come from its right edge, the new ones from the
   * records added since, so the work is in proportion to those.
   */
  consistencyProof(oldSize: number, newSize: number): Uint8Array[] {
    if (newSize > this.headSeq + 1) throw new JournalError('not_allowed', `the journal has ${this.headSeq + 1} records, not ${newSize}`);
    const old = this.frontierAt(oldSize);
    const edge = new Map(frontierRanges(oldSize).map(([from, to], i) => [`${from}:${to}`, old.subtrees()[i]!]));
    return consistencyProof(
      (from, to) => (to <= oldSize ? edge.get(`${from}:${to}`) : undefined) ?? this.subtreeRoot(from, to),
      oldSize,
      newSize,
    );
  }

  private appendDraft(draft: RecordDraft, sameTransaction?: SameTransaction): AppendResult {
    this.requireKeys();
    const signer = this.signer!;
    try {
      validateBody(draft.kind, draft.body, { assets: this.assetCodes });
    } catch (err) {
      if (err instanceof RecordFormatError) {
        const code = err.code === 'bad_amount' ? 'bad_amount' : err.code === 'unknown_asset' ? 'unknown_asset' : 'invalid_record';
        throw new JournalError(code, err.message, { cause: err });
      }
      throw err;
    }
    const money = moneyOf(draft);
    const columns = derivedColumnsOf(draft);
    if (draft.kind === 'refund' || draft.kind === 'void' || draft.kind === 'reversal') {
      checkReturn(draft.kind, draft.body, this.lookupPayment(draft.body.of), this.returnsOf(draft.body.of));
    }
    const totals = applyToTotals(this.totals, draft);
    if (money) {
      const t = totals[money.asset]!;
      if (!Number.isSafeInteger(t.in) || !Number.isSafeInteger(t.out) || !Number.isSafeInteger(t.n)) {
        throw new JournalError('total_overflow', `grand total of ${money.asset} would exceed ${Number.MAX_SAFE_INTEGER}`);
      }
    }
    const seq = this.headSeq + 1;
    const unsigned = {
      v: RECORD_VERSION,
      terminal: this.terminalId,
      seq,
      kind: draft.kind,
      time: this.clock.now(),
      prev: this.headHash,
      key: signer.keyId,
      body: draft.body,
      totals,
    } as UnsignedRecord;
    let encoded: EncodedRecord;
    try {
      encoded = signRecord(unsigned, signer);
    } catch (err) {
      throw new JournalError('invalid_record', `record cannot be encoded: ${(err as Error).message}`, { cause: err });
    }
    if (encoded.text.length > MAX_RECORD_TEXT) {
      throw new JournalError('too_large', `record is ${encoded.text.length} characters, at most ${MAX_RECORD_TEXT}`);
    }
    const appended: AppendResult = { seq, hash: toHex(encoded.hash), text: encoded.text, record: encoded.record };
    this.commit(encoded, columns, appended, sameTransaction);
    this.head = { seq, hash: encoded.hash, totals };
    if (!this.deferredNotices) this.notify(appended);
    return appended;
  }

  private commit(encoded: EncodedRecord, columns: DerivedColumns, appended: AppendResult, sameTransaction: SameTransaction | undefined): void {
    try {
      this.insertTransaction.immediate(encoded, columns, appended, sameTransaction);
    } catch (err) {
      throw asJournalError(err, this.dataDir);
    }
  }

  private notify(appended: AppendResult): void {
    for (const listener of this.listeners) listener(appended);
  }

  private lookupPayment(seq: number): SignedRecord | undefined {
    const row = this.stmt.checkedOne.get(seq) as StoredRow | undefined;
    return row ? checkedRecord(row) : undefined;
  }

  /** Earlier returns against a payment, read from their signed text. */
  private returnsOf(seq: number): { kind: string; amount: number }[] {
    return (this.stmt.returnsOf.all(seq) as StoredRow[]).map((row) => {
      const record = checkedRecord(row);
      return { kind: record.kind, amount: (record.body as { amount: number }).amount };
    });
  }
}

function asJournalError(err: unknown, dataDir: string): JournalError {
  if (err instanceof JournalError) return err;
  const code = (err as { code?: string }).code ?? '';
  const message = (err as Error).message;
  if (isDiskFull(err, dataDir)) return new JournalError('disk_full', `journal storage is full: ${message}`, { cause: err });
  if (code.startsWith('SQLITE_CONSTRAINT')) return new JournalError('concurrent_writer', `journal refused the record: ${message}`, { cause: err });
  return new JournalError('storage_error', `journal write failed: ${message}`, { cause: err });
}

/** Whether the database holds a committed genesis record (then the journal exists, whatever failed after). */
function holdsGenesis(db: Database.Database): boolean {
  try {
    return db.prepare('SELECT 1 FROM journal WHERE seq = 0').get() !== undefined;
  } catch {
    return false;
  }
}
