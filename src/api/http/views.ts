import type { PaymentReceipt } from '../../app/receipt-view.js';
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

/** What is waiting for settlement, from the drainer's status. */
export function offlineQueueView(status: SettlementStatus | null): Record<string, unknown> | null {
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
  };
}
