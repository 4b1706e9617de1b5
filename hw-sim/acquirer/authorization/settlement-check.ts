import type Database from 'better-sqlite3';
import type { SignedRecord } from '../../../src/protocol/record.js';
import type { RecordRejectionCode } from '../../../src/protocol/settlement.js';
import { OrderStore } from './order-store.js';

/**
 * At settlement (docs/authorization-protocol.md section 9): a journal `payment` with tender
 * `code` or `merchant_qr` must match an order this acquirer had paid (same ref, method, amount,
 * asset and acquirer reference), and only one record may claim it; a `void` of such a payment
 * must match an order voided here. Refunds are matched by the refunds the acquirer made.
 */
export class OrderMatcher {
  private readonly store: OrderStore;
  private readonly heldPayment;

  constructor(db: Database.Database) {
    this.store = new OrderStore(db);
    this.heldPayment = db.prepare("SELECT record FROM records WHERE terminal = ? AND seq = ? AND status = 'accepted'").pluck();
  }

  /** Why the record does not match (it is then rejected), or undefined; a matched payment is bound to its order. */
  problem(terminal: string, record: SignedRecord): { code: RecordRejectionCode; message: string } | undefined {
    if (record.kind === 'payment' && (record.body.tender === 'code' || record.body.tender === 'merchant_qr')) {
      const order = this.store.get(terminal, record.body.ref);
      if (!order || order.method === null) return { code: 'no_order', message: `no ${record.body.tender} order ${record.body.ref} was authorised here` };
      if (order.method !== record.body.tender || order.amount !== record.body.amount || order.asset !== record.body.asset) {
        return { code: 'order_mismatch', message: `order ${order.ref} was ${order.method} ${order.amount} ${order.asset}, not ${record.body.tender} ${record.body.amount} ${record.body.asset}` };
      }
      if (order.paidAt === null || (order.status !== 'paid' && order.status !== 'voided')) return { code: 'order_mismatch', message: `order ${order.ref} is ${order.status}, not paid` };
      const acquirerRef = record.body.details.acquirerRef;
      if (acquirerRef !== undefined && acquirerRef !== order.acquirerRef) return { code: 'order_mismatch', message: `order ${order.ref} has acquirer reference ${order.acquirerRef}, not ${String(acquirerRef)}` };
      if (order.matchedSeq !== null && order.matchedSeq !== record.seq) return { code: 'order_mismatch', message: `order ${order.ref} is already recorded by record ${order.matchedSeq}` };
      if (order.matchedSeq === null) {
        order.matchedSeq = record.seq;
        this.store.update(order);
      }
      return undefined;
    }
    if (record.kind === 'void') {
      const text = this.heldPayment.get(terminal, record.body.of) as string | undefined;
      const payment = text ? (JSON.parse(text) as SignedRecord) : undefined;
      if (payment?.kind === 'payment' && (payment.body.tender === 'code' || payment.body.tender === 'merchant_qr')) {
        const order = this.store.get(terminal, payment.body.ref);
        if (order?.status !== 'voided') return { code: 'order_mismatch', message: `payment ${record.body.of} (order ${payment.body.ref}) is voided at the counter but ${order?.status ?? 'unknown'} here` };
      }
    }
    return undefined;
  }
}

const matchers = new WeakMap<Database.Database, OrderMatcher>();

/** The matcher of an acquirer database, made once (its tables and statements), not per batch. */
export function orderMatcherFor(db: Database.Database): OrderMatcher {
  let matcher = matchers.get(db);
  if (!matcher) {
    matcher = new OrderMatcher(db);
    matchers.set(db, matcher);
  }
  return matcher;
}
