import type Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { keyIdOf, type Signer } from '../../../src/crypto/ed25519.js';
import { sha256Hex } from '../../../src/crypto/sha256.js';
import { fromHex } from '../../../src/encoding/hex.js';
import {
  requestFingerprint,
  signAnswer,
  signPaymentProof,
  verifyRequestSignature,
  type AuthorizationRequest,
  type AuthorizeRequest,
  type CloseOrderRequest,
  type CreateQrRequest,
  type OrderAnswer,
  type QueryRequest,
  type Reason,
  type RefundAnswer,
  type RefundRequest,
  type ReverseRequest,
  type VoidRequest,
} from '../../../src/protocol/authorization.js';
import { EmvMpmError, minorOfMpmAmount, parseMpm } from '../../../src/protocol/emv-mpm.js';
import type { SignedRecord } from '../../../src/protocol/record.js';
import { HttpError } from '../http.js';
import { OrderStore, type OrderRow } from './order-store.js';
import { behaviourOf, PAYER_CONFIRMS_AFTER, schemeReason, type Behaviour } from './scheme-behaviours.js';

/** A request the desk refuses outright (HTTP status, stable code, words): nothing was done. */
export class DeskError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
  ) {
    super(message);
  }
}

/** How the answer goes back: normally, late, as a 503 system error, or not at all (the connection dropped). */
export type Delivery = 'normal' | 'slow' | 'system_error' | 'drop';

export interface DeskAnswer {
  /** The signed answer's JSON (empty when nothing is answered). */
  text: string;
  delivery: Delivery;
}

export interface OrderDeskOptions {
  db: Database.Database;
  signer: Signer;
  now: () => number;
  /** Throws HttpError unless the terminal is enrolled, in service, and `publicKey` is a key of its (the fleet). */
  admitTerminal: (terminal: string, publicKey: string) => void;
}

const DELIVERY: Partial<Record<Behaviour, Delivery>> = {
  slow: 'slow',
  lost_after_commit: 'drop',
  system_error_paid: 'system_error',
  system_error_unpaid: 'system_error',
  lost_before_commit: 'drop',
};

/** The merchant QR app in the simulator: the scheme name its payments carry. */
export const SIMULATED_WALLET_APP = 'sim_wallet';

/**
 * The acquirer simulator's order desk: authorisation of scanned codes as the schemes play them
 * (by the code's last two digits), queries, reversals, closes, merchant QR orders and the
 * customer's app paying them, voids and refunds. Every request is checked against the terminal's
 * key; every answer is signed and kept per idempotency key (the same key and content get the kept
 * answer, another content 409). At settlement it matches journal records to its orders.
 */
export class OrderDesk {
  readonly store: OrderStore;
  /** Requests in the order they arrived (op and ref), the last 1000: tests check what went first. */
  readonly log: { op: string; ref: string }[] = [];
  private readonly db: Database.Database;
  private readonly answerTimes = new Map<string, number>();

  constructor(private readonly options: OrderDeskOptions) {
    this.db = options.db;
    this.store = new OrderStore(options.db);
  }

  /** Runs one request: authenticates it, then the operation in one transaction. Throws DeskError. */
  handle(terminal: string, ref: string, request: AuthorizationRequest, key?: string): DeskAnswer {
    this.note(request.op, ref);
    if (request.terminal !== terminal || request.ref !== ref) throw new DeskError(400, 'bad_request', 'terminal and ref in the body must match the path');
    if (request.op === 'refund' && request.refund !== key) throw new DeskError(400, 'bad_request', 'the refund key in the body must match the path');
    return this.db.transaction((): DeskAnswer => {
      this.authenticate(request);
      switch (request.op) {
        case 'authorize':
          return this.authorize(request);
        case 'query':
          return { text: JSON.stringify(this.query(request)), delivery: 'normal' };
        case 'reverse':
          return this.kept(request, `reverse:${ref}`, () => ({ answer: this.reverse(request) }));
        case 'close':
          return this.kept(request, `close:${ref}`, () => ({ answer: this.close(request) }));
        case 'create_qr':
          return this.kept(request, `create_qr:${ref}`, () => ({ answer: this.createQr(request) }));
        case 'void':
          return this.kept(request, `void:${ref}`, () => ({ answer: this.void(request) }));
        case 'refund':
          return this.kept(request, `refund:${request.refund}`, () => ({ answer: this.refund(request) }));
      }
    }).immediate();
  }

  /** How long the acquirer took to answer an operation on an order (ms, arrival to answer sent); the last 1000 kept. */
  answerTime(op: string, ref: string): number | undefined {
    return this.answerTimes.get(`${op}:${ref}`);
  }

  noteAnswerTime(op: string, ref: string, ms: number): void {
    this.answerTimes.set(`${op}:${ref}`, ms);
    if (this.answerTimes.size > 1000) this.answerTimes.delete(this.answerTimes.keys().next().value!);
  }

  /**
   * The customer's app pays a merchant-presented QR: the payload is parsed (its CRC checked) and
   * the open order it was created with is paid. Throws EmvMpmError (a bad payload) or DeskError.
   */
  payMerchantQr(payload: string): { terminal: string; ref: string; status: 'paid'; amount: number; acquirerRef: string } {
    const parsed = parseMpm(payload);
    return this.db.transaction(() => {
      const order = this.store.byPayload(sha256Hex(payload));
      if (!order) throw new DeskError(404, 'no_order', 'no order was created with this QR');
      if (parsed.amount === null || minorOfMpmAmount(parsed.amount) !== order.amount) throw new DeskError(409, 'order_mismatch', 'the QR amount is not the order amount');
      this.expireIfDue(order);
      if (order.status !== 'open' && order.status !== 'user_paying') throw new DeskError(409, order.status === 'paid' ? 'already_paid' : 'not_payable', `order ${order.ref} is ${order.status}`);
      order.status = 'paid';
      order.paidAt = this.options.now();
      order.scheme = SIMULATED_WALLET_APP;
      this.store.update(order);
      return { terminal: order.terminal, ref: order.ref, status: 'paid' as const, amount: order.amount!, acquirerRef: order.acquirerRef };
    }).immediate();
  }

  // ---- operations ----

  private authorize(request: AuthorizeRequest): DeskAnswer {
    const key = `authorize:${request.ref}`;
    const behaviour = behaviourOf(request.code);
    if (behaviour === 'lost_before_commit' && !this.store.keptAnswer(request.terminal, key) && !this.store.get(request.terminal, request.ref)) {
      return { text: '', delivery: 'drop' };
    }
    return this.kept(request, key, () => {
      const existing = this.store.get(request.terminal, request.ref);
      if (existing) return { answer: this.answer('authorize', existing, request) };
      const now = this.options.now();
      const codeSha256 = sha256Hex(`posd-sim/payment-code\n${request.code}`);
      const used = this.store.byCode(codeSha256) !== undefined;
      const order: OrderRow = {
        terminal: request.terminal,
        ref: request.ref,
        method: 'code',
        scheme: request.scheme,
        codeSha256: used ? null : codeSha256,
        payloadSha256: null,
        amount: request.amount,
        asset: request.asset,
        status: 'paid',
        reason: null,
        acquirerRef: newAcquirerRef(),
        behaviour,
        queries: 0,
        createdAt: now,
        paidAt: null,
        expiresAt: null,
        refunded: 0,
        matchedSeq: null,
      };
      const decline = (reason: Reason): void => {
        order.status = 'declined';
        order.reason = reason;
      };
      if (used) decline(schemeReason(request.scheme, 'code_used'));
      else if (behaviour === 'insufficient_funds' || behaviour === 'code_expired' || behaviour === 'invalid_code' || behaviour === 'risk_control') decline(schemeReason(request.scheme, behaviour));
      else if (behaviour === 'system_error_unpaid') decline(schemeReason(request.scheme, 'system_error'));
      else if (behaviour.startsWith('user_paying')) order.status = 'user_paying';
      else order.paidAt = now;
      this.store.insert(order);
      return { answer: this.answer('authorize', order, request), delivery: used ? 'normal' : (DELIVERY[behaviour] ?? 'normal') };
    });
  }

  private query(request: QueryRequest): OrderAnswer {
    const order = this.store.get(request.terminal, request.ref);
    if (order) {
      if (order.status === 'user_paying' && order.method === 'code') {
        order.queries++;
        if (order.queries >= PAYER_CONFIRMS_AFTER && order.behaviour === 'user_paying_then_paid') {
          order.status = 'paid';
          order.paidAt = this.options.now();
        } else if (order.queries >= PAYER_CONFIRMS_AFTER && order.behaviour === 'user_paying_then_gave_up') {
          order.status = 'declined';
          order.reason = schemeReason(order.scheme ?? '', 'payer_canceled');
        }
        this.store.update(order);
      }
      this.expireIfDue(order);
    }
    return this.answer('query', order, request);
  }

  /** Undoes an order whatever it is: unpaid -> closed as reversed; paid -> refunded and reversed; unknown -> a tombstone so it can never be paid. */
  private reverse(request: ReverseRequest): OrderAnswer {
    const order = this.store.get(request.terminal, request.ref);
    if (!order) {
      const tombstone = this.tombstone(request, 'reversed');
      return this.answer('reverse', tombstone, request);
    }
    if (order.status !== 'voided' && order.status !== 'reversed') {
      if (order.paidAt !== null && order.amount !== null) order.refunded = order.amount;
      order.status = 'reversed';
      this.store.update(order);
    }
    return this.answer('reverse', order, request);
  }

  /** Closes an order nobody paid; a paid one stays paid (the close came too late). */
  private close(request: CloseOrderRequest): OrderAnswer {
    const order = this.store.get(request.terminal, request.ref);
    if (!order) return this.answer('close', this.tombstone(request, 'closed'), request);
    this.expireIfDue(order);
    if (order.status === 'open' || order.status === 'user_paying') {
      order.status = 'closed';
      order.reason = { code: 'closed', schemeCode: 'CLOSED', message: 'closed by the merchant' };
      this.store.update(order);
    }
    return this.answer('close', order, request);
  }

  private createQr(request: CreateQrRequest): OrderAnswer {
    const existing = this.store.get(request.terminal, request.ref);
    if (existing) return this.answer('create_qr', existing, request);
    let parsed: ReturnType<typeof parseMpm>;
    try {
      parsed = parseMpm(request.payload);
    } catch (err) {
      if (err instanceof EmvMpmError) throw new DeskError(400, 'bad_payload', `the QR payload is refused: ${err.message}`);
      throw err;
    }
    if (request.asset !== 'CNY' || parsed.currency !== '156') throw new DeskError(422, 'unsupported_asset', 'merchant QR orders are in CNY (currency 156)');
    if (parsed.pointOfInitiation !== 'dynamic' || parsed.amount === null || minorOfMpmAmount(parsed.amount) !== request.amount) {
      throw new DeskError(400, 'bad_payload', 'the QR must be dynamic (01 = 12) and carry the order amount');
    }
    if (parsed.reference !== request.ref && parsed.reference !== request.ref.slice(-25)) throw new DeskError(400, 'bad_payload', 'the QR reference label (62.05) is not the order ref');
    const now = this.options.now();
    if (request.expiresAt <= now) throw new DeskError(400, 'bad_request', 'the order expires before it is created');
    const payloadSha256 = sha256Hex(request.payload);
    if (this.store.byPayload(payloadSha256)) throw new DeskError(409, 'idempotency_conflict', 'an order with this QR exists');
    const order: OrderRow = {
      terminal: request.terminal,
      ref: request.ref,
      method: 'merchant_qr',
      scheme: null,
      codeSha256: null,
      payloadSha256,
      amount: request.amount,
      asset: request.asset,
      status: 'open',
      reason: null,
      acquirerRef: newAcquirerRef(),
      behaviour: 'merchant_qr',
      queries: 0,
      createdAt: now,
      paidAt: null,
      expiresAt: request.expiresAt,
      refunded: 0,
      matchedSeq: null,
    };
    this.store.insert(order);
    return this.answer('create_qr', order, request);
  }

  /** Cancels a paid order before settlement: the whole amount goes back. Refused (answered as is, with a reason) otherwise. */
  private void(request: VoidRequest): OrderAnswer {
    const order = this.store.get(request.terminal, request.ref);
    const refuse = (code: string, message: string): OrderAnswer => this.answer('void', order, request, { code, schemeCode: code.toUpperCase(), message });
    if (!order || order.method === null) return refuse('no_order', `no order ${request.ref}`);
    if (order.status === 'voided') return this.answer('void', order, request);
    if (order.method !== request.method || order.amount !== request.amount || order.asset !== request.asset) return refuse('order_mismatch', 'the void does not match the order');
    if (order.status !== 'paid') return refuse('not_paid', `order ${order.ref} is ${order.status}`);
    if (order.refunded > 0) return refuse('already_returned', `order ${order.ref} was partly refunded`);
    if (request.of <= this.settledThrough(request.terminal)) return refuse('settled', `record ${request.of} is settled: refund it instead`);
    order.status = 'voided';
    order.refunded = order.amount!;
    this.store.update(order);
    return this.answer('void', order, request);
  }

  private refund(request: RefundRequest): RefundAnswer {
    const fingerprint = requestFingerprint(request as unknown as Record<string, unknown>);
    const base = { v: 1 as const, type: 'refund' as const, terminal: request.terminal, ref: request.ref, refund: request.refund, of: request.of, request: fingerprint, amount: request.amount, asset: request.asset, at: this.options.now() };
    const refuse = (code: string, message: string, refundedTotal = 0): RefundAnswer =>
      signAnswer<RefundAnswer>({ ...base, status: 'refused', refundRef: null, refundedTotal, reason: { code, schemeCode: code.toUpperCase(), message } }, this.options.signer);
    let paid: number;
    let refunded: number;
    let order: OrderRow | undefined;
    if (request.method === 'code' || request.method === 'merchant_qr') {
      order = this.store.get(request.terminal, request.ref);
      if (!order || order.method !== request.method || order.asset !== request.asset) return refuse('no_order', `no ${request.method} order ${request.ref} in ${request.asset}`);
      if (order.status !== 'paid') return refuse('not_paid', `order ${order.ref} is ${order.status}`);
      paid = order.amount!;
      refunded = order.refunded;
    } else if (request.method === 'wallet_tap' || request.method === 'offline_qr') {
      const row = this.db.prepare('SELECT record, status FROM records WHERE terminal = ? AND seq = ?').get(request.terminal, request.of) as { record: string; status: string } | undefined;
      const record = row?.status === 'accepted' ? (JSON.parse(row.record) as SignedRecord) : undefined;
      if (!record || record.kind !== 'payment' || record.body.ref !== request.ref || record.body.tender !== request.method || record.body.asset !== request.asset) {
        return refuse('no_payment', `no accepted ${request.method} payment ${request.of} (order ${request.ref}) is held here`);
      }
      if (request.of > this.settledThrough(request.terminal)) return refuse('not_settled', `payment ${request.of} is not settled yet`);
      paid = record.body.amount;
      refunded = this.store.refundedOf(request.terminal, request.of);
    } else {
      return refuse('not_online', 'cash is refunded at the counter');
    }
    if (request.amount > paid - refunded) return refuse('exceeds_payment', `${request.amount} is more than what is left (${paid - refunded} of ${paid})`, refunded);
    const refundRef = newAcquirerRef();
    this.store.addRefund({ terminal: request.terminal, key: request.refund, ref: request.ref, of: request.of, amount: request.amount, asset: request.asset, refundRef, at: this.options.now() });
    if (order) {
      order.refunded += request.amount;
      this.store.update(order);
    }
    return signAnswer<RefundAnswer>({ ...base, status: 'refunded', refundRef, refundedTotal: refunded + request.amount, reason: null }, this.options.signer);
  }

  // ---- helpers ----

  /** The kept answer for this key (the same content), 409 for other content, or the work's answer kept. */
  private kept(request: AuthorizationRequest, key: string, work: () => { answer: OrderAnswer | RefundAnswer; delivery?: Delivery }): DeskAnswer {
    const fingerprint = requestFingerprint(request as unknown as Record<string, unknown>);
    const kept = this.store.keptAnswer(request.terminal, key);
    if (kept) {
      if (kept.fingerprint !== fingerprint) throw new DeskError(409, 'idempotency_conflict', `${key} was already used with another request`);
      return { text: kept.answer, delivery: 'normal' };
    }
    const { answer, delivery } = work();
    const text = JSON.stringify(answer);
    this.store.keepAnswer(request.terminal, key, fingerprint, text);
    return { text, delivery: delivery ?? 'normal' };
  }

  private answer(op: OrderAnswer['op'], order: OrderRow | undefined, request: AuthorizationRequest, reason?: Reason): OrderAnswer {
    const paid = order && order.paidAt !== null && order.method !== null && order.amount !== null && order.asset !== null;
    const body: Omit<OrderAnswer, 'sig' | 'acquirer'> = {
      v: 1,
      type: 'order',
      op,
      terminal: request.terminal,
      ref: request.ref,
      request: requestFingerprint(request as unknown as Record<string, unknown>),
      at: this.options.now(),
      status: order?.status ?? 'not_found',
      method: order?.method ?? null,
      amount: order?.amount ?? null,
      asset: order?.asset ?? null,
      scheme: order?.scheme ?? null,
      acquirerRef: order && order.method !== null ? order.acquirerRef : null,
      paidAt: order?.paidAt ?? null,
      refunded: order?.refunded ?? 0,
      expiresAt: order?.expiresAt ?? null,
      reason: reason ?? order?.reason ?? null,
      proof: paid
        ? signPaymentProof({ terminal: order.terminal, ref: order.ref, method: order.method!, amount: order.amount!, asset: order.asset!, acquirerRef: order.acquirerRef, paidAt: order.paidAt! }, this.options.signer)
        : null,
    };
    return signAnswer<OrderAnswer>(body, this.options.signer);
  }

  /** An order that never was, so that a late request with its ref can never be paid. */
  private tombstone(request: AuthorizationRequest, status: 'reversed' | 'closed'): OrderRow {
    const order: OrderRow = {
      terminal: request.terminal,
      ref: request.ref,
      method: null,
      scheme: null,
      codeSha256: null,
      payloadSha256: null,
      amount: null,
      asset: null,
      status,
      reason: null,
      acquirerRef: newAcquirerRef(),
      behaviour: 'tombstone',
      queries: 0,
      createdAt: this.options.now(),
      paidAt: null,
      expiresAt: null,
      refunded: 0,
      matchedSeq: null,
    };
    this.store.insert(order);
    return order;
  }

  private expireIfDue(order: OrderRow): void {
    if (order.status === 'open' && order.expiresAt !== null && this.options.now() > order.expiresAt) {
      order.status = 'expired';
      order.reason = { code: 'expired', schemeCode: 'EXPIRED', message: 'the QR expired unpaid' };
      this.store.update(order);
    }
  }

  /** The request must verify under its own key, whose id it names, and that key must be one the fleet holds for the enrolled terminal. */
  private authenticate(request: AuthorizationRequest): void {
    if (!verifyRequestSignature(request as unknown as Record<string, unknown>)) throw new DeskError(401, 'bad_signature', 'the request signature does not verify');
    if (keyIdOf(fromHex(request.publicKey, 32)) !== request.keyId) throw new DeskError(401, 'unknown_key', `keyId ${request.keyId} is not the id of the request's public key`);
    try {
      this.options.admitTerminal(request.terminal, request.publicKey);
    } catch (err) {
      if (err instanceof HttpError) throw new DeskError(err.status, err.error, err.message);
      throw err;
    }
  }

  private settledThrough(terminal: string): number {
    return (this.db.prepare('SELECT settled_through FROM terminals WHERE id = ?').pluck().get(terminal) as number | undefined) ?? -1;
  }

  private note(op: string, ref: string): void {
    this.log.push({ op, ref });
    if (this.log.length > 1000) this.log.splice(0, this.log.length - 1000);
  }
}

function newAcquirerRef(): string {
  return `sim${randomBytes(8).toString('hex')}`;
}
