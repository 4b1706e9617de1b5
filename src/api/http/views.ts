import type { PaymentReceipt, RecordReceipt } from '../../app/receipt-view.js';
import type { PosTerminal } from '../../app/terminal.js';
import type { PaymentReturn } from '../../payments/refunds/returns.js';
import type { Payment } from '../../payments/payment.js';
import type { SettlementStatus } from '../../settlement/drainer.js';

const FINAL = new Set(['succeeded', 'declined', 'canceled', 'expired', 'reversed', 'needs_attention']);

export function isFinalState(state: string): boolean {
  return FINAL.has(state);
}

/** A payment as the API answers it (schemas.ts PaymentSchema): the snapshot, its deadline as seen now, its receipt once succeeded. */
export interface PaymentView extends Omit<Payment, 'facts' | 'items' | 'prompt' | 'outcome'> {
  final: boolean;
  remainingMs: number;
  items: Payment['items'];
  prompt: Payment['prompt'];
  facts: Payment['facts'];
  outcome: Payment['outcome'];
  receipt?: PaymentReceipt;
}

export function paymentView(payment: Payment, receiptOf: (payment: Payment) => PaymentReceipt | undefined, now = Date.now()): PaymentView {
  const final = isFinalState(payment.state);
  const receipt = payment.state === 'succeeded' ? receiptOf(payment) : undefined;
  return {
    id: payment.id,
    idempotencyKey: payment.idempotencyKey,
    ref: payment.ref,
    method: payment.method,
    state: payment.state,
    final,
    amount: payment.amount,
    asset: payment.asset,
    items: payment.items,
    offline: payment.offline,
    offlineApproved: payment.offlineApproved,
    createdAt: payment.createdAt,
    updatedAt: payment.updatedAt,
    deadline: payment.deadline,
    remainingMs: final ? 0 : Math.max(0, payment.deadline - now),
    prompt: payment.prompt,
    seq: payment.seq,
    facts: payment.facts,
    outcome: payment.outcome,
    version: payment.version,
    ...(receipt ? { receipt } : {}),
  };
}

/** What is waiting for settlement, from the drainer's status (schemas.ts StatusSchema.offlineQueue). */
export interface OfflineQueueView {
  unsettledCount: number;
  unsettled: Record<string, { count: number; net: number }>;
  oldestUnsettledAgeMs: number | null;
  pendingUpload: number;
  deadLetters: number;
  lastSettledAt: number | null;
  state: SettlementStatus['state'];
  lastError: { code: string; message: string; at: number } | null;
  nextAttemptAt: number | null;
}

export function offlineQueueView(status: SettlementStatus | null): OfflineQueueView | null {
  if (!status) return null;
  const counters = status.counters;
  return {
    unsettledCount: counters?.unsettledCount ?? 0,
    unsettled: counters?.unsettled ?? {},
    oldestUnsettledAgeMs: counters?.oldestUnsettledAgeMs ?? null,
    pendingUpload: counters?.pendingUpload ?? 0,
    deadLetters: counters?.deadLetters ?? 0,
    lastSettledAt: status.lastSettledAt ?? null,
    state: status.state,
    lastError: status.lastError ?? null,
    nextAttemptAt: status.nextAttemptAt ?? null,
  };
}

/** A refund or void as the API answers it (schemas.ts ReturnSchema): with its receipt once succeeded. */
export interface ReturnView extends Omit<PaymentReturn, 'outcome'> {
  final: boolean;
  outcome: PaymentReturn['outcome'];
  receipt?: RecordReceipt;
}

export function returnView(ret: PaymentReturn, terminal: Pick<PosTerminal, 'receipts'>): ReturnView {
  const receipt = ret.state === 'succeeded' && ret.seq !== null ? terminal.receipts.view(ret.seq) : undefined;
  return {
    key: ret.key,
    kind: ret.kind,
    state: ret.state,
    final: ret.state !== 'pending',
    of: ret.of,
    paymentId: ret.paymentId,
    tender: ret.tender,
    ref: ret.ref,
    amount: ret.amount,
    asset: ret.asset,
    reason: ret.reason,
    seq: ret.seq,
    acquirerRef: ret.acquirerRef,
    outcome: ret.outcome,
    createdAt: ret.createdAt,
    updatedAt: ret.updatedAt,
    version: ret.version,
    ...(receipt ? { receipt } : {}),
  };
}
