import { EventEmitter } from 'node:events';
import { sha256Hex } from '../../crypto/sha256.js';
import { canonicalJson } from '../../encoding/canonical-json.js';
import type { PaymentBody, SignedRecord, Tender } from '../../protocol/record.js';
import type { Journal } from '../../terminal/ledger/journal.js';
import type { PaymentBook } from '../../terminal/ledger/payment-book.js';
import type { ReturnBook, ReturnRow } from '../../terminal/ledger/return-book.js';
import type { Indicators } from '../../terminal/ports.js';
import type { Outcome } from '../payment.js';
import type { OnlineAcquirer } from '../online/authorization-client.js';
import { OnlineError } from '../online/errors.js';
import { outcomeOf } from '../online/order-flow.js';
import { ReturnError } from './errors.js';

/** Which payment: its id (the engine's) or its journal record's seq. */
export type PaymentReference = { paymentId: string; seq?: never } | { seq: number; paymentId?: never };

export type RefundRequest = PaymentReference & {
  /** The caller's key: the same key and request give the same refund, whatever happened in between. 1-64 of [A-Za-z0-9_.:-]. */
  idempotencyKey: string;
  /** Minor units, at most what is left of the payment. */
  amount: number;
  /** 1-200 characters; kept in the journal record. */
  reason?: string;
};

export type VoidRequest = PaymentReference & { idempotencyKey: string; reason?: string };

/** pending: asked, the outcome not yet known (the acquirer unreachable): the same key finishes it. */
export type ReturnState = 'pending' | 'succeeded' | 'refused';

/** A refund or void as everyone outside sees it. */
export interface PaymentReturn {
  key: string;
  kind: 'refund' | 'void';
  state: ReturnState;
  /** seq of the payment record returned, its tender, order ref and the engine's payment id when it has one. */
  of: number;
  paymentId: string | null;
  tender: Tender;
  ref: string;
  amount: number;
  asset: string;
  reason: string;
  /** The journal's refund or void record, once done. */
  seq: number | null;
  /** The acquirer's refund reference (online refunds). */
  acquirerRef: string | null;
  outcome: Outcome | null;
  createdAt: number;
  updatedAt: number;
  version: number;
}

export interface ReturnsOptions {
  journal: Journal;
  book: ReturnBook;
  payments: PaymentBook;
  /** For online and settled offline payments; without it only cash can be returned. */
  acquirer?: OnlineAcquirer;
  indicators?: Indicators;
  /** seq through which the journal is settled (a balanced close): voids only after it. */
  settledThrough: () => number;
  clock?: () => number;
}

const KEY_RE = /^[A-Za-z0-9_.:-]{1,64}$/;
const OFFLINE_TENDERS: readonly Tender[] = ['wallet_tap', 'offline_qr'];

/**
 * Refunds and voids. Each is stored (pending) under the caller's idempotency key before anything
 * is sent; online payments are returned at the acquirer first (the same request, so a retry never
 * refunds twice) and only then is the journal's `refund` or `void` record appended, in the same
 * transaction as the return's state. Cash goes back out of the drawer.
 *
 * Offline wallet payments (wallet_tap, offline_qr): no void (the wallet already debited itself),
 * and a refund only once settled, online through the acquirer to the wallet's account.
 */
export class Returns extends EventEmitter<{ updated: [PaymentReturn] }> {
  private readonly clock: () => number;
  private readonly inFlight = new Map<string, Promise<PaymentReturn>>();

  constructor(private readonly options: ReturnsOptions) {
    super();
    this.clock = options.clock ?? Date.now;
  }

  get(key: string): PaymentReturn | undefined {
    const row = this.options.book.byKey(key);
    return row && snapshotOf(row);
  }

  /** Returns made or in progress against a payment's record. */
  ofPayment(seq: number): PaymentReturn[] {
    return this.options.book.ofPayment(seq).map(snapshotOf);
  }

  /**
   * Refunds part or all of what is left of a payment. Throws ReturnError before anything is
   * stored; once stored, answers the return (state pending when the acquirer could not be reached).
   */
  async refund(request: RefundRequest): Promise<PaymentReturn> {
    const { record, paymentId } = this.original(request);
    const body = record.body as PaymentBody;
    const amount = request.amount;
    if (!Number.isSafeInteger(amount) || amount < 1) throw new ReturnError('bad_return_request', 'amount must be a whole number of minor units, at least 1');
    const reason = this.reason(request.reason, 'refund');
    const existing = this.earlier(request.idempotencyKey, { kind: 'refund', of: record.seq, amount, reason });
    if (existing) return this.run(existing);
    const left = body.amount - this.returned(record.seq);
    if (amount > left) throw new ReturnError('exceeds_payment', `a refund of ${amount} is more than what is left of payment ${record.seq} (${left} of ${body.amount})`);
    if (OFFLINE_TENDERS.includes(body.tender) && record.seq > this.options.settledThrough()) {
      throw new ReturnError('not_refundable', `payment ${record.seq} was taken offline and is not settled yet: it can be refunded once settled`);
    }
    if (body.tender !== 'cash' && !this.options.acquirer) throw new ReturnError('acquirer_unavailable', 'refunds of this payment go through the acquirer, and none is configured');
    return this.run(this.store(request.idempotencyKey, 'refund', record, paymentId, amount, reason));
  }

  /** Voids a whole payment before it is settled. Throws ReturnError before anything is stored. */
  async void(request: VoidRequest): Promise<PaymentReturn> {
    const { record, paymentId } = this.original(request);
    const body = record.body as PaymentBody;
    const reason = this.reason(request.reason, 'void');
    const existing = this.earlier(request.idempotencyKey, { kind: 'void', of: record.seq, amount: body.amount, reason });
    if (existing) return this.run(existing);
    if (OFFLINE_TENDERS.includes(body.tender)) throw new ReturnError('not_voidable', 'an offline wallet payment cannot be voided (the wallet already debited itself): refund it once settled');
    if (record.seq <= this.options.settledThrough()) throw new ReturnError('not_voidable', `payment ${record.seq} is settled: refund it instead`);
    if (this.returned(record.seq) > 0) throw new ReturnError('already_returned', `payment ${record.seq} was already partly or wholly returned: refund what is left instead`);
    if (body.tender !== 'cash' && !this.options.acquirer) throw new ReturnError('acquirer_unavailable', 'voids of this payment go through the acquirer, and none is configured');
    return this.run(this.store(request.idempotencyKey, 'void', record, paymentId, body.amount, reason));
  }

  /** After a restart: finishes every return left pending (the same request again, never a new one). */
  async recover(): Promise<void> {
    for (const row of this.options.book.open()) await this.run(snapshotOf(row));
  }

  // ---- internals ----

  private original(request: PaymentReference & { idempotencyKey: string }): { record: Extract<SignedRecord, { kind: 'payment' }>; paymentId: string | null } {
    if (typeof request !== 'object' || request === null) throw new ReturnError('bad_return_request', 'the request must be an object');
    if (typeof request.idempotencyKey !== 'string' || !KEY_RE.test(request.idempotencyKey)) throw new ReturnError('bad_return_request', 'idempotencyKey must be 1-64 characters of A-Z a-z 0-9 _ . : -');
    let seq: number | undefined;
    let paymentId: string | null = null;
    if (typeof request.paymentId === 'string') {
      const row = this.options.payments.byId(request.paymentId);
      if (!row || row.seq === null) throw new ReturnError('payment_not_found', `no succeeded payment ${request.paymentId}`);
      seq = row.seq;
      paymentId = row.id;
    } else if (Number.isSafeInteger(request.seq) && (request.seq as number) >= 0) {
      seq = request.seq as number;
      paymentId = this.options.payments.bySeq(seq)?.id ?? null;
    } else {
      throw new ReturnError('bad_return_request', 'name the payment by paymentId or by its journal seq');
    }
    const record = seq <= this.options.journal.headSeq ? this.options.journal.recordAt(seq) : undefined;
    if (!record || record.kind !== 'payment') throw new ReturnError('payment_not_found', `record ${seq} is not a payment`);
    return { record, paymentId };
  }

  private reason(reason: string | undefined, fallback: string): string {
    if (reason === undefined) return fallback;
    if (typeof reason !== 'string' || reason.length < 1 || reason.length > 200 || /[\u0000-\u001f\u007f]/.test(reason)) {
      throw new ReturnError('bad_return_request', 'reason must be 1-200 characters without control characters');
    }
    return reason;
  }

  /** The return this key made before (the same request), or undefined; another request under the key is a conflict. */
  private earlier(key: string, fingerprint: { kind: string; of: number; amount: number; reason: string }): PaymentReturn | undefined {
    const row = this.options.book.byKey(key);
    if (!row) return undefined;
    if (row.requestSha256 !== sha256Hex(canonicalJson(fingerprint))) {
      throw new ReturnError('idempotency_conflict', `idempotency key ${key} was used for another ${row.kind} (of payment ${row.of})`);
    }
    return snapshotOf(row);
  }

  /** Returned in the journal, plus returns under way (stored, not yet journaled). */
  private returned(seq: number): number {
    const journaled = this.options.journal.returnedOf(seq).reduce((sum, r) => sum + r.amount, 0);
    const underWay = this.options.book.ofPayment(seq).filter((r) => r.state === 'pending').reduce((sum, r) => sum + snapshotOf(r).amount, 0);
    return journaled + underWay;
  }

  private store(key: string, kind: 'refund' | 'void', record: Extract<SignedRecord, { kind: 'payment' }>, paymentId: string | null, amount: number, reason: string): PaymentReturn {
    const body = record.body;
    const now = this.clock();
    const ret: PaymentReturn = {
      key,
      kind,
      state: 'pending',
      of: record.seq,
      paymentId,
      tender: body.tender,
      ref: body.ref,
      amount,
      asset: body.asset,
      reason,
      seq: null,
      acquirerRef: null,
      outcome: null,
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    this.options.book.insert(rowOf(ret, sha256Hex(canonicalJson({ kind, of: record.seq, amount, reason }))));
    this.emit('updated', ret);
    return ret;
  }

  /** Carries a pending return as far as it goes; one run per key at a time (a second caller waits for the first). */
  private run(ret: PaymentReturn): Promise<PaymentReturn> {
    if (ret.state !== 'pending') return Promise.resolve(ret);
    const running = this.inFlight.get(ret.key);
    if (running) return running;
    const run = this.carry(ret).finally(() => this.inFlight.delete(ret.key));
    this.inFlight.set(ret.key, run);
    return run;
  }

  /** The acquirer (when the method needs it), then the journal. */
  private async carry(ret: PaymentReturn): Promise<PaymentReturn> {
    let acquirerRef: string | null = null;
    if (ret.tender !== 'cash') {
      const acquirer = this.options.acquirer;
      if (!acquirer) return this.update(ret, { outcome: { code: 'acquirer_unavailable', message: 'no acquirer is configured' } });
      try {
        if (ret.kind === 'refund') {
          const answer = await acquirer.refund(ret.ref, ret.key, { of: ret.of, amount: ret.amount, asset: ret.asset, method: ret.tender, reason: ret.reason });
          if (answer.status !== 'refunded') return this.update(ret, { state: 'refused', outcome: outcomeOf(answer.reason, { code: 'refused', message: 'the acquirer refused the refund' }) });
          acquirerRef = answer.refundRef;
        } else {
          const answer = await acquirer.void(ret.ref, { of: ret.of, amount: ret.amount, asset: ret.asset, method: ret.tender as 'code' | 'merchant_qr' });
          if (answer.status !== 'voided') {
            return this.update(ret, { state: 'refused', outcome: outcomeOf(answer.reason, { code: 'not_voidable', message: `the acquirer did not void the order (it is ${answer.status})` }) });
          }
          acquirerRef = answer.acquirerRef;
        }
      } catch (err) {
        if (!(err instanceof OnlineError)) throw err;
        if (err.processed === false && err.code !== 'unreachable') return this.update(ret, { state: 'refused', outcome: { code: 'refused', message: err.message } });
        return this.update(ret, { outcome: { code: 'acquirer_unavailable', message: `${err.message}: ask again with the same key` } });
      }
    }
    return this.journal(ret, acquirerRef);
  }

  /** The journal record and the return's final state in one transaction; the drawer opens for cash. */
  private journal(ret: PaymentReturn, acquirerRef: string | null): PaymentReturn {
    const current = this.get(ret.key)!;
    if (current.state !== 'pending') return current;
    let done: PaymentReturn | undefined;
    try {
      this.options.journal.append({ kind: ret.kind, body: { asset: ret.asset, amount: ret.amount, of: ret.of, reason: ret.reason } }, (appended) => {
        done = this.next(current, { state: 'succeeded', seq: appended.seq, acquirerRef, outcome: null });
        this.options.book.update(rowOf(done, this.options.book.byKey(ret.key)!.requestSha256));
      });
    } catch (err) {
      const code = (err as { code?: string }).code ?? 'journal_failed';
      // Refused by the ledger's return rules: nothing was returned at the counter. Anything else
      // (a full disk) leaves it pending: the same request finishes it later.
      if (code === 'exceeds_payment' || code === 'already_returned' || code === 'unknown_payment' || code === 'asset_mismatch') {
        return this.update(ret, { state: 'refused', outcome: { code, message: (err as Error).message } });
      }
      return this.update(ret, { outcome: { code: 'journal_failed', message: `${(err as Error).message}: ask again with the same key` } });
    }
    this.emit('updated', done!);
    if (ret.tender === 'cash') this.options.indicators?.kickDrawer().catch(() => undefined);
    return done!;
  }

  private next(ret: PaymentReturn, patch: Partial<PaymentReturn>): PaymentReturn {
    return { ...ret, ...patch, updatedAt: this.clock(), version: ret.version + 1 };
  }

  private update(ret: PaymentReturn, patch: Partial<PaymentReturn>): PaymentReturn {
    const row = this.options.book.byKey(ret.key)!;
    const current = snapshotOf(row);
    const next = this.next(current, patch);
    this.options.book.update(rowOf(next, row.requestSha256));
    this.emit('updated', next);
    return next;
  }
}

function rowOf(ret: PaymentReturn, requestSha256: string): ReturnRow {
  return {
    key: ret.key,
    requestSha256,
    kind: ret.kind,
    of: ret.of,
    state: ret.state,
    final: ret.state !== 'pending',
    seq: ret.seq,
    createdAt: ret.createdAt,
    version: ret.version,
    snapshot: JSON.stringify(ret),
  };
}

function snapshotOf(row: ReturnRow): PaymentReturn {
  return JSON.parse(row.snapshot) as PaymentReturn;
}
