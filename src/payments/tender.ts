import type { Details } from '../protocol/record.js';
import type { SensitiveCode } from '../terminal/scan-classification/sensitive.js';
import type { CardPort } from './nfc-wallet/card-port.js';
import type { CustomerPrompt, Outcome, Payment, PaymentMethod, PaymentState } from './payment.js';
import type { PaymentPolicy } from './policy.js';

/** What the customer presented for a waiting payment. */
export type CustomerInput =
  | { kind: 'code'; code: SensitiveCode; scheme: string }
  | { kind: 'offline_qr'; payload: SensitiveCode }
  | { kind: 'card'; card: CardPort; tapId: number }
  | { kind: 'cash'; tendered: number };

export const METHOD_OF_INPUT: Readonly<Record<CustomerInput['kind'], PaymentMethod>> = {
  code: 'code',
  offline_qr: 'offline_qr',
  card: 'wallet_tap',
  cash: 'cash',
};

/** A change to a payment besides its state. */
export interface PaymentPatch {
  method?: PaymentMethod;
  prompt?: CustomerPrompt | null;
  facts?: Readonly<Record<string, string | number | boolean>>;
  outcome?: Outcome | null;
}

/** The payment record's money part: what goes into the journal when a payment succeeds. */
export interface Approval {
  /** The record's `details` (docs/journal.md section 4). */
  details: Details;
  /** Taken without the acquirer: pending until settled. */
  offline: boolean;
  facts?: Readonly<Record<string, string | number | boolean>>;
  /** Runs inside the journal append's transaction, given the new record's seq (e.g. the wallet spend). */
  sameTransaction?: (seq: number) => void;
}

/**
 * What the engine lends a tender for one payment. Every state change is stored before it is
 * announced; `succeed` appends the journal record and marks the payment succeeded in one
 * transaction, so `succeeded` is only ever seen once the record is on disk.
 */
export interface TenderContext {
  payment(): Payment;
  readonly policy: PaymentPolicy;
  /** Aborted when a cancel is requested or the engine stops. */
  readonly signal: AbortSignal;
  move(state: PaymentState, patch?: PaymentPatch): Payment;
  succeed(approval: Approval): Payment;
  decline(outcome: Outcome): Payment;
  /** Marks a payment code used (single use, even if the payment then fails); throws PaymentError('code_used'). */
  useCode(code: string): void;
  /** Throws PaymentError('offline_limit') naming the limit when taking `amount` offline would pass one (or offline is refused). */
  checkOffline(amount: number, asset: string): void;
  /** Waits, or rejects with the signal's reason when the payment is cancelled or the engine stops. */
  sleep(ms: number): Promise<void>;
  now(): number;
}

/** One way to pay, behind one contract; src/payments/<method>/ each implement it. */
export interface Tender {
  readonly method: PaymentMethod;
  /** Whether the method can be used now (its device, the acquirer); a reason for people when not. */
  available?(): string | null;
  /** What the customer is asked for while the payment waits. */
  prompt(payment: Payment): CustomerPrompt;
  /** The payment was created for this method: start what needs no customer input (a merchant QR order). */
  begin?(ctx: TenderContext): Promise<void>;
  /** The customer presented something for this method. */
  accept?(ctx: TenderContext, input: CustomerInput): Promise<void>;
  /**
   * For methods that need no one else (cash): run within the call that created the payment or
   * handed the input over, so its caller learns the outcome at once. A PaymentError thrown before
   * anything was written leaves the payment waiting (e.g. too little cash).
   */
  beginNow?(ctx: TenderContext): void;
  acceptNow?(ctx: TenderContext, input: CustomerInput): void;
  /** A cancel was requested while this tender was waiting or the payer was confirming. */
  cancel?(ctx: TenderContext): Promise<void>;
  /** After a restart: bring a payment this tender left unfinished to a final state (or resume it). */
  recover?(ctx: TenderContext): Promise<void>;
  /**
   * A payment in `reversing` (its outcome was lost): send the reversal if it is due. Settlement
   * calls this, through the engine, before it uploads anything; the payment stays `reversing`
   * while the acquirer cannot be reached.
   */
  reverse?(ctx: TenderContext): Promise<void>;
}
