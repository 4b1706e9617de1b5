import type Database from 'better-sqlite3';
import { CanonicalJsonError, canonicalJson } from '../../src/encoding/canonical-json.js';
import { fromHex } from '../../src/encoding/hex.js';
import { keyIdOf, verify } from '../../src/crypto/ed25519.js';
import { sha256 } from '../../src/crypto/sha256.js';
import { DOMAIN, GENESIS_PREV } from '../../src/protocol/domains.js';
import { applyToTotals, isFinancialKind, moneyOf, sameTotals, type SignedRecord, type Totals } from '../../src/protocol/record.js';
import { recordSigningInput, recordTexts } from '../../src/protocol/record-codec.js';
import { RecordFormatError, validateSignedRecord } from '../../src/protocol/record-validate.js';
import type { RecordRejectionCode, RejectedRecord } from '../../src/protocol/settlement.js';
import type { HeldRecord } from './store.js';
import type { WalletIssuerKey } from '../../src/protocol/wallet/certificate.js';
import { walletProofRejection } from './wallet-proofs.js';
import { orderMatcherFor, type OrderMatcher } from './authorization/settlement-check.js';

export interface IngestOutcome {
  seq: number;
  accepted: boolean;
  rejection?: RejectedRecord;
}

class Rejection extends Error {
  constructor(
    readonly code: RecordRejectionCode,
    message: string,
  ) {
    super(message);
  }
}

/** Rejection messages go into signed acks the terminal checks; they stay short. */
const MAX_MESSAGE = 300;

interface KeyInForce {
  keyId: string;
  publicKey: Uint8Array;
  fromSeq: number;
  toSeq: number | null;
}

/**
 * Checks and stores records of one terminal, in any order. First whether the record is the
 * terminal's at all: its shape, terminal, the key in force at its seq (not revoked) and the
 * signature. A record that fails these is answered as rejected and never stored, so a forger
 * cannot occupy a seq or a wallet counter. Then, for the terminal's own records: chain links
 * to whichever neighbours are held, grand totals against the record before it, asset, and
 * wallet counters seen before (double spend, across all terminals). Those rejections are kept
 * with their reason so the chain and the Merkle tree stay computable; a different, genuinely
 * signed record at a held seq is a conflict (the journal forked).
 */
export class RecordIngest {
  private readonly stmt;
  private keys: KeyInForce[] | undefined;
  private revoked: Map<string, number> | undefined;
  /** Held records around this batch (loaded once) and records stored by it. */
  private readonly known = new Map<number, HeldRecord | null>();
  /** Grand totals of records stored in this batch, so consecutive records need no lookups. */
  private readonly totalsOf = new Map<number, Totals>();
  /** Online payments (code, merchant QR) against the orders the acquirer authorised. */
  private readonly orders: OrderMatcher;

  constructor(
    db: Database.Database,
    private readonly terminal: string,
    private readonly assets: ReadonlySet<string>,
    private readonly now: number,
    private readonly walletIssuers: readonly WalletIssuerKey[] = [],
  ) {
    this.orders = orderMatcherFor(db);
    this.stmt = {
      held: db.prepare('SELECT seq, hash, prev, kind, asset, amount, status, reason FROM records WHERE terminal = ? AND seq = ?'),
      heldRange: db.prepare('SELECT seq, hash, prev, kind, asset, amount, status, reason FROM records WHERE terminal = ? AND seq >= ? AND seq <= ?'),
      text: db.prepare('SELECT record FROM records WHERE terminal = ? AND seq = ?').pluck(),
      insert: db.prepare(
        'INSERT INTO records(terminal, seq, hash, prev, kind, asset, amount, status, reason, record, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      keys: db.prepare('SELECT key_id, public_key, from_seq, to_seq FROM keys WHERE terminal = ? ORDER BY from_seq'),
      closeKey: db.prepare('UPDATE keys SET to_seq = ? WHERE terminal = ? AND key_id = ?'),
      addKey: db.prepare('INSERT OR IGNORE INTO keys(terminal, key_id, public_key, from_seq, to_seq) VALUES (?, ?, ?, ?, NULL)'),
      spend: db.prepare('INSERT INTO wallet_spends(wallet, counter, terminal, seq) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING'),
      spentBy: db.prepare('SELECT terminal, seq FROM wallet_spends WHERE wallet = ? AND counter = ?'),
      revocations: db.prepare('SELECT key_id, after_seq FROM revocations WHERE terminal = ?'),
    };
  }

  /** Loads what is held around a batch of records in one query, instead of two lookups per record. */
  preload(records: readonly unknown[]): void {
    let min = Infinity;
    let max = -Infinity;
    for (const r of records) {
      const seq = (r as { seq?: unknown })?.seq;
      if (typeof seq === 'number') {
        min = Math.min(min, seq);
        max = Math.max(max, seq);
      }
    }
    // Past 2^53 - 2, seq + 1 is no longer exact and the loop below would never end.
    if (min > max || max - min > 4 * records.length || max >= Number.MAX_SAFE_INTEGER - 1) return;
    for (let seq = min - 1; seq <= max + 1; seq++) this.known.set(seq, null);
    for (const row of this.stmt.heldRange.iterate(this.terminal, min - 1, max + 1) as IterableIterator<HeldRecord>) this.known.set(row.seq, row);
  }

  ingest(value: unknown): IngestOutcome {
    const seq = typeof (value as { seq?: unknown })?.seq === 'number' ? (value as { seq: number }).seq : -1;
    let record: SignedRecord;
    let texts: { unsigned: string; signed: string };
    try {
      record = validateSignedRecord(value);
      texts = recordTexts(record);
    } catch (err) {
      if (err instanceof RecordFormatError || err instanceof CanonicalJsonError) return this.reject(Number.isSafeInteger(seq) ? seq : -1, 'malformed', err.message);
      throw err;
    }
    if (record.terminal !== this.terminal) return this.reject(seq, 'wrong_terminal', `record belongs to terminal ${record.terminal}`);
    const hash = Buffer.from(sha256(texts.signed));
    const held = this.held(seq);
    if (held && held.hash.equals(hash)) {
      if (held.status === 'accepted') return { seq, accepted: true };
      const colon = held.reason!.indexOf(':');
      return this.reject(seq, held.reason!.slice(0, colon) as RecordRejectionCode, held.reason!.slice(colon + 1).trim());
    }
    try {
      this.checkAuthentic(record, texts.unsigned);
    } catch (err) {
      if (err instanceof Rejection) return this.reject(seq, err.code, err.message);
      throw err;
    }
    if (held) return this.reject(seq, 'conflict', `a different record ${seq} is already held (hash ${held.hash.toString('hex').slice(0, 16)}…): the journal forked`);
    try {
      this.check(record, hash);
    } catch (err) {
      if (!(err instanceof Rejection)) throw err;
      this.store(record, texts.signed, hash, 'rejected', `${err.code}: ${err.message}`);
      return this.reject(seq, err.code, err.message);
    }
    this.store(record, texts.signed, hash, 'accepted', null);
    if (record.kind === 'key_rotation') this.registerRotation(record);
    return { seq, accepted: true };
  }

  /** Whether the terminal made this record: the key in force at its seq, not revoked, signed it. Failing records are never stored. */
  private checkAuthentic(record: SignedRecord, unsignedText: string): void {
    const key = this.keyFor(record.seq);
    if (!key || key.keyId !== record.key) throw new Rejection('unknown_key', `key ${record.key} is not in force at seq ${record.seq}${key ? ` (${key.keyId} is)` : ''}`);
    const revokedAfter = this.revokedAfter(record.key);
    if (revokedAfter !== undefined && record.seq > revokedAfter) throw new Rejection('unknown_key', `key ${record.key} was revoked after seq ${revokedAfter}`);
    if (!verify(fromHex(record.sig, 64), recordSigningInput(unsignedText), key.publicKey)) throw new Rejection('bad_signature', 'the terminal signature does not verify');
  }

  /** The rules a record signed by the terminal must still follow: chain, totals, asset, rotation proof, wallet counters. */
  private check(record: SignedRecord, hash: Buffer): void {
    if (record.seq === 0) {
      if (record.kind !== 'genesis' || record.prev !== GENESIS_PREV) throw new Rejection('chain_break', 'seq 0 must be the genesis record');
    } else {
      const before = this.held(record.seq - 1);
      if (before && before.hash.toString('hex') !== record.prev) throw new Rejection('chain_break', `prev does not match record ${record.seq - 1}`);
      if (before && !sameTotals(applyToTotals(this.totalsAt(before.seq), record), record.totals)) {
        throw new Rejection('bad_totals', 'grand totals do not follow from the record before');
      }
    }
    const after = this.held(record.seq + 1);
    if (after && !after.prev.equals(hash)) throw new Rejection('chain_break', `record ${record.seq + 1} does not link to this record`);
    const money = moneyOf(record);
    if (money && !this.assets.has(money.asset)) throw new Rejection('unknown_asset', `asset ${money.asset} is not settled here`);
    if (record.kind === 'key_rotation') {
      const statement = canonicalJson({ terminal: record.terminal, seq: record.seq, previousKey: record.key, publicKey: record.body.publicKey });
      if (!verify(fromHex(record.body.proof, 64), DOMAIN.keyRotation + statement, fromHex(record.body.publicKey, 32))) {
        throw new Rejection('bad_signature', 'key rotation proof does not verify');
      }
    }
    const badProof = walletProofRejection(record, this.walletIssuers);
    if (badProof) throw new Rejection('bad_wallet_proof', badProof);
    if (record.kind === 'payment' && typeof record.body.details.wallet === 'string' && typeof record.body.details.counter === 'number') {
      const { wallet, counter } = record.body.details;
      const result = this.stmt.spend.run(wallet, counter, this.terminal, record.seq);
      if (result.changes === 0) {
        const first = this.stmt.spentBy.get(wallet, counter) as { terminal: string; seq: number };
        if (first.terminal !== this.terminal || first.seq !== record.seq) {
          throw new Rejection('double_spend', `wallet ${wallet} counter ${counter} was already spent (terminal ${first.terminal}, seq ${first.seq})`);
        }
      }
    }
    const orderProblem = this.orders.problem(this.terminal, record);
    if (orderProblem) throw new Rejection(orderProblem.code, orderProblem.message);
  }

  private totalsAt(seq: number): Totals {
    const recent = this.totalsOf.get(seq);
    if (recent) return recent;
    return (JSON.parse(this.stmt.text.get(this.terminal, seq) as string) as SignedRecord).totals;
  }

  private held(seq: number): HeldRecord | undefined {
    const known = this.known.get(seq);
    if (known !== undefined) return known ?? undefined;
    return this.stmt.held.get(this.terminal, seq) as HeldRecord | undefined;
  }

  private store(record: SignedRecord, text: string, hash: Buffer, status: 'accepted' | 'rejected', reason: string | null): void {
    const money = isFinancialKind(record.kind) ? moneyOf(record) : undefined;
    const prev = Buffer.from(fromHex(record.prev, 32));
    this.stmt.insert.run(this.terminal, record.seq, hash, prev, record.kind, money?.asset ?? null, money?.amount ?? null, status, reason, text, this.now);
    this.known.set(record.seq, { seq: record.seq, hash, prev, kind: record.kind, asset: money?.asset ?? null, amount: money?.amount ?? null, status, reason });
    this.totalsOf.set(record.seq, record.totals);
  }

  private keyFor(seq: number): KeyInForce | undefined {
    this.keys ??= (this.stmt.keys.all(this.terminal) as { key_id: string; public_key: string; from_seq: number; to_seq: number | null }[]).map((k) => ({
      keyId: k.key_id,
      publicKey: fromHex(k.public_key, 32),
      fromSeq: k.from_seq,
      toSeq: k.to_seq,
    }));
    return this.keys.find((k) => seq >= k.fromSeq && (k.toSeq === null || seq <= k.toSeq));
  }

  private registerRotation(record: Extract<SignedRecord, { kind: 'key_rotation' }>): void {
    this.stmt.closeKey.run(record.seq, this.terminal, record.key);
    this.stmt.addKey.run(this.terminal, keyIdOf(fromHex(record.body.publicKey, 32)), record.body.publicKey, record.seq + 1);
    this.keys = undefined;
  }

  private revokedAfter(keyId: string): number | undefined {
    this.revoked ??= new Map((this.stmt.revocations.all(this.terminal) as { key_id: string; after_seq: number }[]).map((r) => [r.key_id, r.after_seq]));
    return this.revoked.get(keyId);
  }

  private reject(seq: number, code: RecordRejectionCode, message: string): IngestOutcome {
    return { seq, accepted: false, rejection: { seq, code, message: message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 1)}…` : message } };
  }
}

export function registerGenesisKey(db: Database.Database, terminal: string, publicKeyHex: string, now: number): void {
  db.prepare('INSERT OR IGNORE INTO terminals(id, genesis_key, registered_at) VALUES (?, ?, ?)').run(terminal, publicKeyHex, now);
  db.prepare('INSERT OR IGNORE INTO keys(terminal, key_id, public_key, from_seq, to_seq) VALUES (?, ?, ?, 0, NULL)').run(terminal, keyIdOf(fromHex(publicKeyHex, 32)), publicKeyHex);
}
