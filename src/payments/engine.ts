import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../crypto/sha256.js';
import { canonicalJson } from '../encoding/canonical-json.js';
import type { Journal } from '../terminal/ledger/journal.js';
import type { PaymentBook, PaymentRow } from '../terminal/ledger/payment-book.js';
import { PaymentError } from './errors.js';
import { offlineExposure, checkOfflineLimits, type SettlementPoint } from './offline-limits.js';
import { canMove, isAuthorizing, isFinal, type Outcome, type Payment, type PaymentMethod, type PaymentState } from './payment.js';
import type { PaymentPolicy } from './policy.js';
import { validatePaymentRequest, type PaymentRequest } from './request.js';
import { METHOD_OF_INPUT, type Approval, type CustomerInput, type PaymentPatch, type Tender, type TenderContext } from './tender.js';

export interface EngineEvents {
  /** Every change of every payment, in order; `version` grows by one each time. */
  updated: [payment: Payment];
  /** A tender flow failed in a way it did not handle: the payment was moved to a safe final state. */
  fault: [payment: Payment, error: Error];
}

export interface EngineOptions {
  terminalId: string;
  journal: Journal;
  book: PaymentBook;
  tenders: readonly Tender[];
  policy: () => PaymentPolicy;
  /** Where settlement stands, for the offline limits. */
  settlement: () => SettlementPoint;
  /** Set while the terminal must take no payment (e.g. its journal failed its integrity check). */
  outOfService?: () => string | null;
  clock?: () => number;
}

interface Run {
  controller: AbortController;
  /** The tender work of this payment, one step after another. */
  chain: Promise<void>;
  /** Steps queued or running. */
  pending: number;
  deadline: NodeJS.Timeout | undefined;
}

/** Thrown into a tender's sleep when its payment is cancelled or the engine stops. */
/** What the engine itself may change: a tender's patch, and the method taken back (reopen). */
type EnginePatch = Omit<PaymentPatch, 'method'> & { method?: PaymentPatch['method'] | null };

export class PaymentAborted extends Error {
  override readonly name = 'PaymentAborted';
}

/**
 * The one payment engine: every way to pay goes through it. One payment at a time; each has an
 * id and the caller's idempotency key; every step is stored before it is announced and never
 * goes backwards; `succeeded` is announced only after the journal record is on disk. A payment's
 * final state can be looked up by id or key at any time, including after a crash.
 */
export class PaymentEngine extends EventEmitter<EngineEvents> {
  private readonly tenders = new Map<PaymentMethod, Tender>();
  private readonly runs = new Map<string, Run>();
  private readonly clock: () => number;
  private stopping = false;

  constructor(private readonly options: EngineOptions) {
    super();
    for (const tender of options.tenders) this.tenders.set(tender.method, tender);
    this.clock = options.clock ?? Date.now;
  }

  get(id: string): Payment | undefined {
    const row = this.options.book.byId(id);
    return row && snapshotOf(row);
  }

  byKey(idempotencyKey: string): Payment | undefined {
    const row = this.options.book.byKey(idempotencyKey);
    return row && snapshotOf(row);
  }

  /** The most recently created payment, whatever its state. */
  last(): Payment | undefined {
    const row = this.options.book.latest();
    return row && snapshotOf(row);
  }

  /**
   * The payment in progress, if any (at most one). A payment in `reversing` is not: its customer
   * has gone, and its reversal waits in settlement's queue (reverseQueued) without holding the counter.
   */
  current(): Payment | undefined {
    const row = this.options.book.active().find((r) => r.state !== 'reversing');
    return row && snapshotOf(row);
  }

  /**
   * The reversal queue: the payments in `reversing` are it. Hands each to its tender's reverse()
   * (after any step still running on it) and waits; throws when a due reversal could not be sent,
   * so settlement sends nothing else before it (docs/authorization-protocol.md section 8).
   */
  async reverseQueued(): Promise<void> {
    const queued = this.options.book.active().filter((r) => r.state === 'reversing');
    for (const row of queued) {
      const payment = snapshotOf(row);
      const tender = payment.method ? this.tenders.get(payment.method) : undefined;
      if (tender?.reverse) this.schedule(payment.id, (ctx) => tender.reverse!(ctx));
    }
    await Promise.all(queued.map((row) => this.runs.get(row.id)?.chain));
    const left = this.options.book.active().filter((r) => r.state === 'reversing' && queued.some((q) => q.id === r.id));
    if (left.length > 0) {
      const first = snapshotOf(left[0]!);
      throw new PaymentError('reversal_pending', `${left.length} reversal(s) could not be sent yet (payment ${first.id}: ${first.outcome?.message ?? 'no answer'})`);
    }
  }

  recent(limit = 50, since = 0): Payment[] {
    return this.options.book.recent(since, limit).map(snapshotOf);
  }

  methods(): PaymentMethod[] {
    return [...this.tenders.keys()];
  }

  /**
   * Starts a payment, or returns the one this key started before (same request). Refuses with
   * PaymentError: busy, idempotency_conflict, bad_payment_request, method_unavailable,
   * not_provisioned, terminal_out_of_service.
   */
  create(request: PaymentRequest): Payment {
    const policy = this.options.policy();
    const valid = validatePaymentRequest(request, policy);
    const requestSha256 = sha256Hex(canonicalJson(valid.fingerprint));
    const earlier = this.options.book.byKey(valid.idempotencyKey);
    if (earlier) {
      if (earlier.requestSha256 !== requestSha256) {
        throw new PaymentError('idempotency_conflict', `idempotency key ${valid.idempotencyKey} was used for another payment request (payment ${earlier.id})`);
      }
      return snapshotOf(earlier);
    }
    const outOfService = this.options.outOfService?.();
    if (outOfService) throw new PaymentError('terminal_out_of_service', outOfService);
    if (policy.refusal) throw new PaymentError('not_provisioned', policy.refusal);
    if (this.stopping) throw new PaymentError('method_unavailable', 'the terminal is stopping');
    const active = this.current();
    if (active) throw new PaymentError('busy', `payment ${active.id} is in progress (${active.state}): finish or cancel it first`);
    if (valid.method) this.checkMethod(valid.method, valid.asset, policy);

    const now = this.clock();
    const payment: Payment = {
      id: `pay_${randomBytes(10).toString('hex')}`,
      idempotencyKey: valid.idempotencyKey,
      ref: newRef(this.options.terminalId, now),
      method: valid.method ?? null,
      state: 'created',
      amount: valid.amount,
      asset: valid.asset,
      items: valid.items,
      offline: valid.offline ?? policy.defaultOfflinePolicy,
      createdAt: now,
      updatedAt: now,
      deadline: now + (valid.timeoutMs ?? policy.timings.customerDeadlineMs),
      prompt: null,
      seq: null,
      offlineApproved: false,
      facts: valid.tendered !== undefined ? { tendered: valid.tendered } : {},
      outcome: null,
      version: 1,
    };
    const tender = valid.method ? this.tenders.get(valid.method)! : undefined;
    // created and waiting_for_customer in one commit without fsync: both are lazy states (nothing
    // has left the terminal, no money moved), so a power cut before the next durable commit loses
    // nothing; that commit (authorizing, or the journal append) carries them to disk. Both are
    // announced only after their commit, as every state is.
    const waiting = this.options.book.lazily(() => {
      this.options.book.insert(rowOf(payment, requestSha256));
      return this.transition(payment.id, 'waiting_for_customer', { prompt: tender ? tender.prompt(payment) : { kind: 'present' } }, { announce: false });
    });
    this.emit('updated', payment);
    const run = this.runFor(payment.id);
    run.deadline = setTimeout(() => this.expireIfWaiting(payment.id), Math.max(0, payment.deadline - now));
    run.deadline.unref?.();
    this.emit('updated', waiting);
    if (tender?.beginNow) return this.runNow(payment.id, (ctx) => tender.beginNow!(ctx));
    if (tender?.begin) this.schedule(payment.id, (ctx) => tender.begin!(ctx));
    return waiting;
  }

  /**
   * The customer presented a code, an offline QR, a card or cash for the waiting payment. Throws
   * PaymentError: not_waiting (nothing waits for it), method_unavailable, code_used.
   */
  present(input: CustomerInput): Payment {
    const payment = this.current();
    if (!payment || payment.state !== 'waiting_for_customer') throw new PaymentError('not_waiting', 'no payment is waiting for the customer');
    const method = METHOD_OF_INPUT[input.kind];
    if (payment.method !== null && payment.method !== method) {
      throw new PaymentError('not_waiting', `payment ${payment.id} waits for ${describeMethod(payment.method)}, not ${describeMethod(method)}`);
    }
    this.checkMethod(method, payment.asset, this.options.policy());
    if (input.kind === 'code') {
      const fresh = this.options.book.useCode(sha256Hex(`posd/payment-code\n${input.code.reveal()}`), payment.id, this.clock());
      if (!fresh) throw new PaymentError('code_used', 'this payment code was used before: ask the customer to refresh it');
    }
    const tender = this.tenders.get(method)!;
    const open = payment.method === null;
    const taken = open ? this.transition(payment.id, 'waiting_for_customer', { method, prompt: tender.prompt({ ...payment, method }) }) : payment;
    if (tender.acceptNow) {
      try {
        return this.runNow(taken.id, (ctx) => tender.acceptNow!(ctx, input));
      } catch (err) {
        if (open) this.reopen(taken.id);
        throw err;
      }
    }
    if (!tender.accept) throw new PaymentError('method_unavailable', `${describeMethod(method)} takes no customer input`);
    this.schedule(taken.id, async (ctx) => {
      await tender.accept!(ctx, input);
      if (open) this.reopen(taken.id);
    });
    return taken;
  }

  /**
   * A payment open to any method that the customer's first try left waiting (a card pulled
   * before it signed, too little cash) is open to any method again: the customer may pay
   * another way instead of being held to the one that failed.
   */
  private reopen(id: string): void {
    const payment = this.get(id);
    if (payment?.state !== 'waiting_for_customer' || payment.method === null) return;
    this.transition(id, 'waiting_for_customer', { method: null, prompt: { kind: 'present' } });
  }

  /**
   * Asks to cancel. Answers the payment (cancel_requested, or already canceled); refuses with
   * PaymentError('too_late') once it is being authorised or has succeeded.
   */
  cancel(id: string): Payment {
    const payment = this.get(id);
    if (!payment) throw new PaymentError('payment_not_found', `no payment ${id}`);
    if (payment.state === 'canceled' || payment.state === 'cancel_requested' || payment.state === 'expired' || payment.state === 'declined') return payment;
    if (isFinal(payment.state) || isAuthorizing(payment.state)) {
      throw new PaymentError('too_late', `payment ${id} is ${payment.state}: too late to cancel${payment.state === 'succeeded' ? '; refund it instead' : ''}`);
    }
    const run = this.runFor(id);
    const tender = payment.method ? this.tenders.get(payment.method) : undefined;
    if (payment.state === 'user_paying' || (run.pending > 0 && tender?.cancel)) {
      const requested = this.transition(id, 'cancel_requested');
      run.controller.abort(new PaymentAborted('cancel requested'));
      if (tender?.cancel && run.pending === 0) this.schedule(id, (ctx) => tender.cancel!(ctx));
      return requested;
    }
    run.controller.abort(new PaymentAborted('canceled'));
    return this.transition(id, 'canceled', { prompt: null, outcome: { code: 'canceled', message: 'canceled before the customer paid' } });
  }

  /** After a restart: brings every unfinished payment to a final state or resumes it. */
  recover(): void {
    for (const row of this.options.book.active()) {
      const payment = snapshotOf(row);
      const tender = payment.method ? this.tenders.get(payment.method) : undefined;
      if (tender?.recover) {
        this.schedule(payment.id, (ctx) => tender.recover!(ctx));
        continue;
      }
      if (payment.state === 'cancel_requested') this.transition(payment.id, 'canceled', { prompt: null, outcome: { code: 'canceled', message: 'canceled; the terminal restarted' } });
      else if (payment.state === 'created' || payment.state === 'waiting_for_customer') this.transition(payment.id, 'expired', { prompt: null, outcome: { code: 'terminal_restarted', message: 'the terminal restarted before the customer paid' } });
      else this.transition(payment.id, 'needs_attention', { prompt: null, outcome: { code: 'unknown_outcome', message: 'the terminal restarted while the payment was being authorised; check with the acquirer' } });
    }
  }

  /** Stops taking payments and waits (bounded) for running steps; unfinished payments stay recoverable. */
  async stop(timeoutMs = 5000): Promise<void> {
    this.stopping = true;
    for (const run of this.runs.values()) {
      clearTimeout(run.deadline);
      run.controller.abort(new PaymentAborted('the terminal is stopping'));
    }
    const all = Promise.all([...this.runs.values()].map((r) => r.chain));
    await Promise.race([all, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }

  // ---- internals ----

  private checkMethod(method: PaymentMethod, asset: string, policy: PaymentPolicy): void {
    const tender = this.tenders.get(method);
    if (!tender) throw new PaymentError('method_unavailable', `${describeMethod(method)} is not set up on this terminal`);
    const assetPolicy = policy.assets.find((a) => a.code === asset);
    if (!assetPolicy?.methods.includes(method)) throw new PaymentError('method_unavailable', `${describeMethod(method)} is not accepted for ${asset}`);
    const reason = tender.available?.();
    if (reason) throw new PaymentError('method_unavailable', `${describeMethod(method)}: ${reason}`);
  }

  private runFor(id: string): Run {
    let run = this.runs.get(id);
    if (!run) {
      run = { controller: new AbortController(), chain: Promise.resolve(), pending: 0, deadline: undefined };
      this.runs.set(id, run);
    }
    return run;
  }

  /**
   * Runs a synchronous tender step within the caller's call. A PaymentError it throws before
   * writing anything (too little cash) leaves the payment as it was; any other failure declines it.
   */
  private runNow(id: string, step: (ctx: TenderContext) => void): Payment {
    const run = this.runFor(id);
    try {
      step(this.contextFor(id, run));
    } catch (err) {
      const payment = this.get(id)!;
      if (!(err instanceof PaymentError) && !isFinal(payment.state)) {
        this.transition(id, 'declined', { prompt: null, outcome: { code: (err as { code?: string }).code ?? 'terminal_error', message: (err as Error).message } });
      }
      throw err;
    } finally {
      this.forgetIfDone(id);
    }
    return this.get(id)!;
  }

  private schedule(id: string, step: (ctx: TenderContext) => Promise<void>): void {
    const run = this.runFor(id);
    run.pending++;
    run.chain = run.chain
      .then(() => (isFinal(this.get(id)!.state) ? undefined : step(this.contextFor(id, run))))
      .catch((err: unknown) => {
        try {
          this.stepFailed(id, err);
        } catch (unrecorded) {
          // The failure could not even be recorded (a full or failing disk): the payment keeps its
          // last stored state, which recover() resolves at the next start. Never an unhandled rejection.
          try {
            const payment = this.get(id);
            if (payment) this.emit('fault', payment, unrecorded instanceof Error ? unrecorded : new Error(String(unrecorded)));
          } catch {
            // Not even readable: the start-up checks will say so.
          }
        }
      })
      .finally(() => {
        run.pending--;
        this.forgetIfDone(id);
      });
  }

  private stepFailed(id: string, err: unknown): void {
    const payment = this.get(id)!;
    if (err instanceof PaymentAborted) {
      // Cancelled with nothing left to undo, or stopping: a cancelled payment ends canceled; a stop leaves it to recover().
      if (payment.state === 'cancel_requested' || payment.state === 'waiting_for_customer') {
        if (!this.stopping) this.transition(id, 'canceled', { prompt: null, outcome: { code: 'canceled', message: 'canceled' } });
      }
      return;
    }
    if (isFinal(payment.state)) return;
    const error = err instanceof Error ? err : new Error(String(err));
    const outcome: Outcome = { code: 'terminal_error', message: error.message };
    const failed = isAuthorizing(payment.state) || payment.state === 'user_paying' || payment.state === 'cancel_requested'
      ? this.transition(id, payment.state === 'reversing' ? 'needs_attention' : 'reversing', { prompt: null, outcome })
      : this.transition(id, 'declined', { prompt: null, outcome });
    this.emit('fault', failed, error);
  }

  private forgetIfDone(id: string): void {
    const run = this.runs.get(id);
    if (!run || run.pending > 0) return;
    const payment = this.get(id);
    if (payment && isFinal(payment.state)) {
      clearTimeout(run.deadline);
      this.runs.delete(id);
    }
  }

  private expireIfWaiting(id: string): void {
    const payment = this.get(id);
    if (!payment || payment.state !== 'waiting_for_customer') return;
    const run = this.runs.get(id);
    if (run && run.pending > 0) return; // a tender is working on it (e.g. a merchant QR): it ends it
    run?.controller.abort(new PaymentAborted('expired'));
    this.transition(id, 'expired', { prompt: null, outcome: { code: 'expired', message: 'the customer did not pay in time' } });
  }

  private contextFor(id: string, run: Run): TenderContext {
    return {
      payment: () => this.get(id)!,
      policy: this.options.policy(),
      signal: run.controller.signal,
      move: (state, patch) => this.transition(id, state, patch),
      succeed: (approval) => this.succeed(id, approval),
      decline: (outcome) => this.transition(id, 'declined', { prompt: null, outcome }),
      useCode: (code) => {
        if (!this.options.book.useCode(sha256Hex(`posd/payment-code\n${code}`), id, this.clock())) throw new PaymentError('code_used', 'this payment code was used before');
      },
      checkOffline: (amount, asset) => checkOfflineLimits(this.options.policy(), offlineExposure(this.options.book, this.options.settlement(), this.clock()), amount, asset, this.get(id)!.offline),
      sleep: (ms) => abortableSleep(ms, run.controller.signal),
      now: () => this.clock(),
    };
  }

  /** Stores the next state (never backwards) and announces it (unless the caller announces it after its own commit). */
  private transition(id: string, state: PaymentState, patch: EnginePatch = {}, options: { announce?: boolean } = {}): Payment {
    const row = this.options.book.byId(id);
    if (!row) throw new PaymentError('payment_not_found', `no payment ${id}`);
    const current = snapshotOf(row);
    if (current.state !== state && !canMove(current.state, state)) throw new Error(`payment ${id} cannot move from ${current.state} to ${state}`);
    const next: Payment = {
      ...current,
      ...patch,
      facts: patch.facts ? { ...current.facts, ...patch.facts } : current.facts,
      state,
      updatedAt: this.clock(),
      version: current.version + 1,
    };
    this.options.book.update(rowOf(next, row.requestSha256));
    if (options.announce !== false) this.emit('updated', next);
    return next;
  }

  /** The journal record and the succeeded state in one transaction; announced after the commit. */
  private succeed(id: string, approval: Approval): Payment {
    const row = this.options.book.byId(id)!;
    const current = snapshotOf(row);
    if (!canMove(current.state, 'succeeded')) throw new Error(`payment ${id} cannot succeed from ${current.state}`);
    let next: Payment | undefined;
    this.options.journal.append(
      { kind: 'payment', body: { asset: current.asset, amount: current.amount, tender: current.method ?? 'cash', ref: current.ref, details: approval.details } },
      (appended) => {
        approval.sameTransaction?.(appended.seq);
        next = {
          ...current,
          state: 'succeeded',
          seq: appended.seq,
          offlineApproved: approval.offline,
          prompt: null,
          outcome: null,
          facts: { ...current.facts, ...approval.facts },
          updatedAt: this.clock(),
          version: current.version + 1,
        };
        this.options.book.update(rowOf(next, row.requestSha256));
      },
    );
    this.emit('updated', next!);
    return next!;
  }
}

function rowOf(payment: Payment, requestSha256: string): PaymentRow {
  return {
    id: payment.id,
    idempotencyKey: payment.idempotencyKey,
    requestSha256,
    ref: payment.ref,
    state: payment.state,
    final: isFinal(payment.state),
    createdAt: payment.createdAt,
    seq: payment.seq,
    offline: payment.offlineApproved,
    version: payment.version,
    snapshot: JSON.stringify(payment),
  };
}

function snapshotOf(row: PaymentRow): Payment {
  return JSON.parse(row.snapshot) as Payment;
}

/** The merchant's order reference: the terminal, the time and randomness, at most 32 characters (the schemes' out_trade_no limit). */
function newRef(terminalId: string, now: number): string {
  return `${terminalId.slice(0, 8)}${now.toString(36)}${randomBytes(5).toString('hex')}`.slice(0, 32);
}

export function describeMethod(method: PaymentMethod): string {
  switch (method) {
    case 'code':
      return 'a payment code';
    case 'merchant_qr':
      return "the shop's QR code";
    case 'wallet_tap':
      return 'a wallet tap';
    case 'offline_qr':
      return 'an offline payment QR';
    case 'cash':
      return 'cash';
  }
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason instanceof Error ? signal.reason : new PaymentAborted(String(signal.reason)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason instanceof Error ? signal.reason : new PaymentAborted(String(signal.reason)));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
