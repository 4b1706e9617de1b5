import type { PaymentBook } from '../terminal/ledger/payment-book.js';
import { PaymentError } from './errors.js';
import type { OfflinePolicy, Payment } from './payment.js';
import type { PaymentPolicy } from './policy.js';

/** Where settlement stands: records through `settledThrough` are settled; the last balanced close was at `lastSettledAt`. */
export interface SettlementPoint {
  settledThrough: number;
  /** Wall clock of the last balanced close, or of the terminal's first record when it never settled. */
  lastSettledAt: number;
}

/** The offline payments taken and not yet settled: what the terminal is exposed to. */
export interface OfflineExposure {
  count: number;
  byAsset: Record<string, number>;
  /** Since the last successful settlement. */
  sinceSettlementMs: number;
}

export function offlineExposure(book: PaymentBook, point: SettlementPoint, now: number): OfflineExposure {
  const byAsset: Record<string, number> = {};
  let count = 0;
  for (const row of book.offlineAfter(point.settledThrough)) {
    const payment = JSON.parse(row.snapshot) as Payment;
    byAsset[payment.asset] = (byAsset[payment.asset] ?? 0) + payment.amount;
    count++;
  }
  return { count, byAsset, sinceSettlementMs: Math.max(0, now - point.lastSettledAt) };
}

/**
 * Refuses an offline payment that would pass a limit, naming it (PaymentError('offline_limit')
 * with `detail.limit`): per payment, stored amount per asset, stored count, age since the last
 * settlement; or offline refused altogether (disabled, profile expired, payment requires online).
 */
export function checkOfflineLimits(policy: PaymentPolicy, exposure: OfflineExposure, amount: number, asset: string, offline: OfflinePolicy): void {
  const refuse = (limit: string, message: string, extra: Record<string, number> = {}): never => {
    throw new PaymentError('offline_limit', message, { limit, ...extra });
  };
  if (offline === 'require_online') refuse('require_online', 'this payment requires the acquirer online');
  if (!policy.offline.enabled) refuse('disabled', 'offline payments are switched off for this terminal');
  if (policy.offlineRefusal) refuse('profile', policy.offlineRefusal);
  const perPayment = policy.offline.perPayment[asset] ?? 0;
  if (amount > perPayment) refuse('per_payment', `over the offline limit of ${perPayment} per payment in ${asset}`, { max: perPayment });
  if (exposure.count + 1 > policy.offline.maxCount) refuse('count', `${exposure.count} offline payments wait for settlement, the most allowed is ${policy.offline.maxCount}: settle first`, { max: policy.offline.maxCount });
  const cumulative = policy.offline.cumulative[asset] ?? 0;
  const stored = exposure.byAsset[asset] ?? 0;
  if (stored + amount > cumulative) refuse('cumulative', `offline payments in ${asset} waiting for settlement would reach ${stored + amount}, over ${cumulative}: settle first`, { max: cumulative, stored });
  if (exposure.sinceSettlementMs > policy.offline.maxAgeMs) {
    refuse('age', `the last settlement was ${Math.round(exposure.sinceSettlementMs / 3600_000)} h ago, over ${Math.round(policy.offline.maxAgeMs / 3600_000)} h: settle first`, { maxMs: policy.offline.maxAgeMs });
  }
}
