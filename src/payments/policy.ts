import { defaultCodeTables, type CodeTables } from '../terminal/scan-classification/tables.js';
import type { OfflinePolicy, PaymentMethod } from './payment.js';

/** An issuer's key that signs wallet certificates for one asset. */
export interface IssuerKey {
  keyId: string;
  /** Ed25519 public key, 64 hex digits. */
  publicKey: string;
  /** Epoch ms after which certificates it signed are no longer taken. */
  notAfter: number;
}

export interface AssetPolicy {
  /** `CNY` or `MAT`. */
  code: string;
  methods: readonly PaymentMethod[];
  issuerKeys: readonly IssuerKey[];
}

/** How much the terminal may take without the acquirer (offline wallet taps and offline QR). */
export interface OfflineLimits {
  enabled: boolean;
  /** Per asset, minor units: the most one offline payment may be. */
  perPayment: Readonly<Record<string, number>>;
  /** Per asset, minor units: the most all unsettled offline payments together may be. */
  cumulative: Readonly<Record<string, number>>;
  /** The most unsettled offline payments at once. */
  maxCount: number;
  /** Offline payments stop when the last successful settlement is older than this. */
  maxAgeMs: number;
}

export interface PaymentTimings {
  /** One request to the acquirer. */
  authTimeoutMs: number;
  /** Waits between status queries while the payer confirms on the phone; the last repeats. */
  pollIntervalsMs: readonly number[];
  /** From the authorisation request: after this an unsettled outcome is reversed. */
  pollDeadlineMs: number;
  /** Schemes refuse a reversal sooner than this after the order was made. */
  reverseNotBeforeMs: number;
  /** How long a merchant-presented QR stays payable. */
  merchantQrExpiryMs: number;
  /** How long a payment waits for the customer to present anything. */
  customerDeadlineMs: number;
}

export interface MerchantData {
  id: string;
  /** At most 25 characters: EMV QR tag 59. */
  name: string;
  nameZh?: string;
  address?: string;
  /** At most 15 characters: EMV QR tag 60. */
  city: string;
  phone?: string;
  /** Merchant category code, 4 digits. */
  mcc: string;
  country: string;
  /** ISO 4217 numeric, `156` for CNY. */
  currency: string;
  /** IANA zone for receipts and the business day. */
  timezone: string;
  /** The terminal's id at the acquirer (8 characters): EMV QR tag 62.07. */
  terminalLabel?: string;
  /** The GUID of the merchant account template (EMV QR tag 26.00) the acquirer routes merchant QR payments by. */
  qrGuid?: string;
}

/** Everything payments read from the terminal's profile (or, before provisioning lands, from defaults). */
export interface PaymentPolicy {
  /** Null when payments may be taken; otherwise why not (unprovisioned, profile expired for this use...). */
  refusal: string | null;
  /** Offline payments are refused while this is set (an expired profile), even when online ones go on. */
  offlineRefusal: string | null;
  assets: readonly AssetPolicy[];
  offline: OfflineLimits;
  defaultOfflinePolicy: OfflinePolicy;
  timings: PaymentTimings;
  merchant: MerchantData;
  codeTable: CodeTables;
  receiptCopies: 1 | 2;
}

export const DEFAULT_TIMINGS: PaymentTimings = {
  authTimeoutMs: 10_000,
  pollIntervalsMs: [3000, 3000, 5000, 5000, 10_000],
  pollDeadlineMs: 45_000,
  reverseNotBeforeMs: 15_000,
  merchantQrExpiryMs: 120_000,
  customerDeadlineMs: 180_000,
};

/** Limits modelled on deployed offline wallets and peers: 500 CNY a tap, 24 h since settlement. */
export const DEFAULT_OFFLINE_LIMITS: OfflineLimits = {
  enabled: true,
  perPayment: { CNY: 50_000, MAT: 50_000 },
  cumulative: { CNY: 200_000, MAT: 200_000 },
  maxCount: 50,
  maxAgeMs: 24 * 3600_000,
};

export function defaultPaymentPolicy(overrides: Partial<PaymentPolicy> = {}): PaymentPolicy {
  return {
    refusal: null,
    offlineRefusal: null,
    assets: [
      { code: 'CNY', methods: ['code', 'merchant_qr', 'wallet_tap', 'offline_qr', 'cash'], issuerKeys: [] },
      { code: 'MAT', methods: ['wallet_tap', 'offline_qr', 'cash'], issuerKeys: [] },
    ],
    offline: DEFAULT_OFFLINE_LIMITS,
    defaultOfflinePolicy: 'prefer_online',
    timings: DEFAULT_TIMINGS,
    merchant: { id: '000000000000000', name: 'posd', city: 'Hangzhou', mcc: '5411', country: 'CN', currency: '156', timezone: 'Asia/Shanghai' },
    codeTable: defaultCodeTables,
    receiptCopies: 1,
    ...overrides,
  };
}
