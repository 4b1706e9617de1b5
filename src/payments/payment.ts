import type { Tender } from '../protocol/record.js';

/** The ways to pay (the journal's `tender`). */
export type PaymentMethod = Tender;
export const PAYMENT_METHODS: readonly PaymentMethod[] = ['code', 'merchant_qr', 'wallet_tap', 'offline_qr', 'cash'];

/**
 * One payment's life. It never moves backwards:
 *   created -> waiting_for_customer -> authorizing | user_paying -> succeeded | declined | expired
 *   waiting_for_customer | user_paying -> cancel_requested -> canceled (or succeeded, if the
 *     customer's payment won the race and the acquirer says so)
 *   authorizing | user_paying | cancel_requested -> reversing -> reversed | needs_attention
 *     (the answer was lost: the authorisation is undone, never charged again under a new reference)
 */
export type PaymentState =
  | 'created'
  | 'waiting_for_customer'
  | 'authorizing'
  | 'user_paying'
  | 'cancel_requested'
  | 'reversing'
  | 'succeeded'
  | 'declined'
  | 'canceled'
  | 'expired'
  | 'reversed'
  | 'needs_attention';

export const FINAL_STATES: ReadonlySet<PaymentState> = new Set(['succeeded', 'declined', 'canceled', 'expired', 'reversed', 'needs_attention']);

const NEXT: Readonly<Record<PaymentState, readonly PaymentState[]>> = {
  created: ['waiting_for_customer', 'authorizing', 'succeeded', 'declined', 'canceled', 'expired'],
  waiting_for_customer: ['authorizing', 'user_paying', 'cancel_requested', 'succeeded', 'declined', 'canceled', 'expired'],
  authorizing: ['user_paying', 'reversing', 'succeeded', 'declined', 'expired'],
  user_paying: ['cancel_requested', 'reversing', 'succeeded', 'declined', 'expired'],
  cancel_requested: ['reversing', 'succeeded', 'declined', 'canceled', 'expired'],
  reversing: ['reversed', 'succeeded', 'needs_attention'],
  succeeded: [],
  declined: [],
  canceled: [],
  expired: [],
  reversed: [],
  needs_attention: [],
};

export function canMove(from: PaymentState, to: PaymentState): boolean {
  return NEXT[from].includes(to);
}

export function isFinal(state: PaymentState): boolean {
  return FINAL_STATES.has(state);
}

/** Whether the customer may still be charged by this payment: a cancel now would be too late. */
export function isAuthorizing(state: PaymentState): boolean {
  return state === 'authorizing' || state === 'reversing';
}

/** Per payment: stay online, go offline when the acquirer cannot be reached, or take it offline now. */
export type OfflinePolicy = 'prefer_online' | 'require_online' | 'force_offline';

/** What the customer is asked to do while a payment waits. */
export type CustomerPrompt =
  /** Show a payment code to the scanner, tap a wallet or show an offline QR: whatever the customer has. */
  | { kind: 'present' }
  | { kind: 'scan_code' }
  | { kind: 'tap_wallet' }
  | { kind: 'scan_offline_qr' }
  /** The merchant's QR for the customer's app, and until when it is valid. */
  | { kind: 'show_qr'; payload: string; expiresAt: number }
  | { kind: 'cash' };

export interface LineItem {
  gtin?: string;
  name: string;
  /** Unit price in minor units. */
  unitPrice: number;
  quantity: number;
}

/** Why a payment did not succeed, for people: a stable code and words from the scheme or the terminal. */
export interface Outcome {
  code: string;
  message: string;
}

/** A payment as everyone outside the engine sees it: a snapshot, plain data. */
export interface Payment {
  id: string;
  /** The caller's key: the same key and request give the same payment. */
  idempotencyKey: string;
  /** The merchant's order reference sent to the acquirer; fixed at creation, never reused. */
  ref: string;
  method: PaymentMethod | null;
  state: PaymentState;
  amount: number;
  asset: string;
  items: LineItem[];
  offline: OfflinePolicy;
  createdAt: number;
  updatedAt: number;
  /** Until when the customer may pay; after it the payment expires. */
  deadline: number;
  prompt: CustomerPrompt | null;
  /** The journal record of a succeeded payment. */
  seq: number | null;
  /** Taken offline: settled later, pending until the acquirer confirms. */
  offlineApproved: boolean;
  /** Method-specific facts for receipts and support: scheme, masked code, acquirer reference, wallet, change... */
  facts: Readonly<Record<string, string | number | boolean>>;
  outcome: Outcome | null;
  /** Incremented at every change: events carry it, so a late event never overrides a newer state. */
  version: number;
}
