import type Database from 'better-sqlite3';
import type { OrderStatus, Reason } from '../../../src/protocol/authorization.js';

/** One order as the acquirer simulator keeps it. */
export interface OrderRow {
  terminal: string;
  ref: string;
  method: 'code' | 'merchant_qr' | null;
  scheme: string | null;
  codeSha256: string | null;
  payloadSha256: string | null;
  amount: number | null;
  asset: string | null;
  status: OrderStatus;
  reason: Reason | null;
  acquirerRef: string;
  behaviour: string;
  queries: number;
  createdAt: number;
  paidAt: number | null;
  expiresAt: number | null;
  refunded: number;
  /** The journal record (seq) settlement matched to this order. */
  matchedSeq: number | null;
}

interface Stored {
  terminal: string;
  ref: string;
  method: string | null;
  scheme: string | null;
  code_sha256: string | null;
  payload_sha256: string | null;
  amount: number | null;
  asset: string | null;
  status: string;
  reason: string | null;
  acquirer_ref: string;
  behaviour: string;
  queries: number;
  created_at: number;
  paid_at: number | null;
  expires_at: number | null;
  refunded: number;
  matched_seq: number | null;
}

export interface RefundRow {
  terminal: string;
  key: string;
  ref: string;
  of: number;
  amount: number;
  asset: string;
  refundRef: string;
  at: number;
}

/**
 * The simulator's own durable store of orders (its tables beside the settlement ones): orders by
 * terminal and ref, the answers given per idempotency key, and refunds.
 */
export function migrateOrders(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS orders (
      terminal TEXT NOT NULL,
      ref TEXT NOT NULL,
      method TEXT,
      scheme TEXT,
      code_sha256 TEXT UNIQUE,
      payload_sha256 TEXT UNIQUE,
      amount INTEGER,
      asset TEXT,
      status TEXT NOT NULL,
      reason TEXT,
      acquirer_ref TEXT NOT NULL,
      behaviour TEXT NOT NULL,
      queries INTEGER NOT NULL DEFAULT 0,
      created_at INTEGER NOT NULL,
      paid_at INTEGER,
      expires_at INTEGER,
      refunded INTEGER NOT NULL DEFAULT 0,
      matched_seq INTEGER,
      PRIMARY KEY (terminal, ref)
    ) STRICT;
    CREATE TABLE IF NOT EXISTS order_answers (
      terminal TEXT NOT NULL,
      key TEXT NOT NULL,
      fingerprint TEXT NOT NULL,
      answer TEXT NOT NULL,
      PRIMARY KEY (terminal, key)
    ) STRICT;
    CREATE TABLE IF NOT EXISTS order_refunds (
      terminal TEXT NOT NULL,
      key TEXT NOT NULL,
      ref TEXT NOT NULL,
      of_seq INTEGER NOT NULL,
      amount INTEGER NOT NULL,
      asset TEXT NOT NULL,
      refund_ref TEXT NOT NULL,
      at INTEGER NOT NULL,
      PRIMARY KEY (terminal, key)
    ) STRICT;
    CREATE INDEX IF NOT EXISTS order_refunds_of ON order_refunds(terminal, of_seq);
  `);
}

export class OrderStore {
  private readonly stmt;

  constructor(readonly db: Database.Database) {
    migrateOrders(db);
    this.stmt = {
      get: db.prepare('SELECT * FROM orders WHERE terminal = ? AND ref = ?'),
      byPayload: db.prepare('SELECT * FROM orders WHERE payload_sha256 = ?'),
      byCode: db.prepare('SELECT * FROM orders WHERE code_sha256 = ?'),
      insert: db.prepare(
        `INSERT INTO orders(terminal, ref, method, scheme, code_sha256, payload_sha256, amount, asset, status, reason, acquirer_ref, behaviour, queries, created_at, paid_at, expires_at, refunded, matched_seq)
         VALUES (@terminal, @ref, @method, @scheme, @code_sha256, @payload_sha256, @amount, @asset, @status, @reason, @acquirer_ref, @behaviour, @queries, @created_at, @paid_at, @expires_at, @refunded, @matched_seq)`,
      ),
      update: db.prepare(
        'UPDATE orders SET status = @status, reason = @reason, scheme = @scheme, queries = @queries, paid_at = @paid_at, refunded = @refunded, matched_seq = @matched_seq WHERE terminal = @terminal AND ref = @ref',
      ),
      answer: db.prepare('SELECT fingerprint, answer FROM order_answers WHERE terminal = ? AND key = ?'),
      keep: db.prepare('INSERT INTO order_answers(terminal, key, fingerprint, answer) VALUES (?, ?, ?, ?)'),
      refundsOf: db.prepare('SELECT COALESCE(SUM(amount), 0) FROM order_refunds WHERE terminal = ? AND of_seq = ?').pluck(),
      addRefund: db.prepare('INSERT INTO order_refunds(terminal, key, ref, of_seq, amount, asset, refund_ref, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      all: db.prepare('SELECT * FROM orders WHERE terminal = ? ORDER BY created_at'),
    };
  }

  get(terminal: string, ref: string): OrderRow | undefined {
    return fromStored(this.stmt.get.get(terminal, ref) as Stored | undefined);
  }

  byPayload(payloadSha256: string): OrderRow | undefined {
    return fromStored(this.stmt.byPayload.get(payloadSha256) as Stored | undefined);
  }

  byCode(codeSha256: string): OrderRow | undefined {
    return fromStored(this.stmt.byCode.get(codeSha256) as Stored | undefined);
  }

  insert(order: OrderRow): void {
    this.stmt.insert.run(toStored(order));
  }

  update(order: OrderRow): void {
    this.stmt.update.run(toStored(order));
  }

  ordersOf(terminal: string): OrderRow[] {
    return (this.stmt.all.all(terminal) as Stored[]).map((s) => fromStored(s)!);
  }

  /** The answer kept for an idempotency key, with the fingerprint of the request it answered. */
  keptAnswer(terminal: string, key: string): { fingerprint: string; answer: string } | undefined {
    return this.stmt.answer.get(terminal, key) as { fingerprint: string; answer: string } | undefined;
  }

  keepAnswer(terminal: string, key: string, fingerprint: string, answer: string): void {
    this.stmt.keep.run(terminal, key, fingerprint, answer);
  }

  refundedOf(terminal: string, of: number): number {
    return this.stmt.refundsOf.get(terminal, of) as number;
  }

  addRefund(refund: RefundRow): void {
    this.stmt.addRefund.run(refund.terminal, refund.key, refund.ref, refund.of, refund.amount, refund.asset, refund.refundRef, refund.at);
  }
}

function toStored(o: OrderRow): Stored {
  return {
    terminal: o.terminal,
    ref: o.ref,
    method: o.method,
    scheme: o.scheme,
    code_sha256: o.codeSha256,
    payload_sha256: o.payloadSha256,
    amount: o.amount,
    asset: o.asset,
    status: o.status,
    reason: o.reason ? JSON.stringify(o.reason) : null,
    acquirer_ref: o.acquirerRef,
    behaviour: o.behaviour,
    queries: o.queries,
    created_at: o.createdAt,
    paid_at: o.paidAt,
    expires_at: o.expiresAt,
    refunded: o.refunded,
    matched_seq: o.matchedSeq,
  };
}

function fromStored(s: Stored | undefined): OrderRow | undefined {
  if (!s) return undefined;
  return {
    terminal: s.terminal,
    ref: s.ref,
    method: s.method as OrderRow['method'],
    scheme: s.scheme,
    codeSha256: s.code_sha256,
    payloadSha256: s.payload_sha256,
    amount: s.amount,
    asset: s.asset,
    status: s.status as OrderStatus,
    reason: s.reason ? (JSON.parse(s.reason) as Reason) : null,
    acquirerRef: s.acquirer_ref,
    behaviour: s.behaviour,
    queries: s.queries,
    createdAt: s.created_at,
    paidAt: s.paid_at,
    expiresAt: s.expires_at,
    refunded: s.refunded,
    matchedSeq: s.matched_seq,
  };
}
