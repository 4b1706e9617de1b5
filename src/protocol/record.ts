/**
 * The journal record, format version 1: the types and the structural rules every writer and
 * verifier applies. docs/journal.md is the normative description; this file implements it.
 */

export const RECORD_VERSION = 1;

export const FINANCIAL_KINDS = ['payment', 'refund', 'void', 'reversal'] as const;
export const BOOKKEEPING_KINDS = ['genesis', 'key_rotation', 'clock_adjustment', 'checkpoint', 'settlement_ack', 'day_close', 'profile'] as const;
export const RECORD_KINDS = [...FINANCIAL_KINDS, ...BOOKKEEPING_KINDS] as const;
export const TENDERS = ['code', 'merchant_qr', 'wallet_tap', 'offline_qr', 'cash'] as const;

export type FinancialKind = (typeof FINANCIAL_KINDS)[number];
export type BookkeepingKind = (typeof BOOKKEEPING_KINDS)[number];
export type RecordKind = (typeof RECORD_KINDS)[number];
export type Tender = (typeof TENDERS)[number];
/** Kinds that return money to the customer and reference an earlier payment by its seq. */
export type ReturnKind = Exclude<FinancialKind, 'payment'>;

export interface RecordTime {
  /** Wall-clock milliseconds since the Unix epoch, as the terminal believed it. Recorded, never trusted for order. */
  wall: number;
  /** Identifier of the operating-system boot the record was made in. */
  boot: string;
  /** Milliseconds on the monotonic clock of that boot. */
  mono: number;
}

/** Perpetual grand totals of one asset after the record: financial records counted, money in, money out. */
export interface AssetTotals {
  n: number;
  in: number;
  out: number;
}
export type Totals = { readonly [asset: string]: AssetTotals };

export type DetailValue = string | number | boolean;
export type Details = { readonly [key: string]: DetailValue };

export interface PaymentBody {
  asset: string;
  amount: number;
  tender: Tender;
  /** The merchant's order reference, fixed when the payment was created (also its idempotency key). */
  ref: string;
  /** Method-specific references: scheme, masked code, acquirer reference, wallet id and counter, cash tendered... */
  details: Details;
}

export interface ReturnBody {
  asset: string;
  amount: number;
  /** seq of the payment this refunds, voids or reverses. */
  of: number;
  reason: string;
}

export interface GenesisBody {
  publicKey: string;
  software: string;
}

export interface KeyRotationBody {
  /** The new public key; records after this one are signed with it. */
  publicKey: string;
  /** The new key's signature over the rotation statement (docs/journal.md), proving possession. */
  proof: string;
}

export interface ClockAdjustmentBody {
  from: number;
  to: number;
  source: string;
}

export interface CheckpointBody {
  /** Number of records covered: all records with seq < size. Always equal to the checkpoint's own seq. */
  size: number;
  /** RFC 9162 Merkle tree hash over the record hashes of seq 0 .. size-1. */
  root: string;
}

export interface SettlementAckBody {
  close: string;
  through: number;
  /** The acquirer's signed close acknowledgement, carrying the countersigned checkpoint. */
  ack: { readonly [key: string]: unknown };
}

export type KindTotals = { readonly [asset: string]: { readonly [kind: string]: { n: number; amount: number } } };

/** Per asset, per tender, per financial kind; a return counts under the tender of the payment it returns. */
export type TenderTotals = { readonly [asset: string]: { readonly [tender: string]: { readonly [kind: string]: { n: number; amount: number } } } };

export interface DayCloseBody {
  /** The business day closed, YYYY-MM-DD (a real calendar date). */
  day: string;
  /** The Z number: 1 for the terminal's first day close, then +1 each, never reset. */
  z: number;
  from: number;
  through: number;
  totals: KindTotals;
  tenders: TenderTotals;
}

/** A terminal profile the terminal accepted (docs/provisioning.md): which one, by version and hash of its signed text. */
export interface ProfileBody {
  version: number;
  /** SHA-256 (hex) of the canonical JSON of the signed profile. */
  sha256: string;
  /** Key id of the acquirer key that signed it. */
  acquirer: string;
  expiresAt: number;
}

export interface BodyByKind {
  payment: PaymentBody;
  refund: ReturnBody;
  void: ReturnBody;
  reversal: ReturnBody;
  genesis: GenesisBody;
  key_rotation: KeyRotationBody;
  clock_adjustment: ClockAdjustmentBody;
  checkpoint: CheckpointBody;
  settlement_ack: SettlementAckBody;
  day_close: DayCloseBody;
  profile: ProfileBody;
}

interface RecordOf<K extends RecordKind> {
  v: 1;
  terminal: string;
  seq: number;
  kind: K;
  time: RecordTime;
  prev: string;
  key: string;
  body: BodyByKind[K];
  totals: Totals;
}

export type UnsignedRecord = { [K in RecordKind]: RecordOf<K> }[RecordKind];
export type SignedRecord = UnsignedRecord & { sig: string };

/** What a caller asks the journal to append; the journal fills in the rest. */
export type RecordDraft = { [K in RecordKind]: { kind: K; body: BodyByKind[K] } }[RecordKind];

export function isFinancialKind(kind: string): kind is FinancialKind {
  return (FINANCIAL_KINDS as readonly string[]).includes(kind);
}

export function isRecordKind(kind: unknown): kind is RecordKind {
  return typeof kind === 'string' && (RECORD_KINDS as readonly string[]).includes(kind);
}

/** The asset and signed amount effect of a financial record, or undefined for bookkeeping. */
export function moneyOf(record: { kind: RecordKind; body: unknown }): { asset: string; amount: number; direction: 'in' | 'out' } | undefined {
  if (!isFinancialKind(record.kind)) return undefined;
  const body = record.body as PaymentBody | ReturnBody;
  return { asset: body.asset, amount: body.amount, direction: record.kind === 'payment' ? 'in' : 'out' };
}

/** Grand totals after applying one record; returns the same object when nothing changes. */
export function applyToTotals(totals: Totals, record: { kind: RecordKind; body: unknown }): Totals {
  const money = moneyOf(record);
  if (!money) return totals;
  const current = totals[money.asset] ?? { n: 0, in: 0, out: 0 };
  const next: AssetTotals = {
    n: current.n + 1,
    in: money.direction === 'in' ? current.in + money.amount : current.in,
    out: money.direction === 'out' ? current.out + money.amount : current.out,
  };
  return { ...totals, [money.asset]: next };
}

/** Whether two grand-totals objects are equal (same assets, same numbers). */
export function sameTotals(a: Totals, b: Totals): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) {
    const x = a[key]!;
    const y = b[key];
    if (!y || x.n !== y.n || x.in !== y.in || x.out !== y.out) return false;
  }
  return true;
}
