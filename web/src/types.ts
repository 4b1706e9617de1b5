/** The API's answers as the screen reads them (docs/ecr-api.openapi.json has them all). */
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

export type Method = 'code' | 'merchant_qr' | 'wallet_tap' | 'offline_qr' | 'cash';

export interface Payment {
  id: string;
  method: Method | null;
  state: PaymentState;
  final: boolean;
  amount: number;
  asset: string;
  offlineApproved: boolean;
  deadline: number;
  remainingMs: number;
  prompt: { kind: 'present' | 'scan_code' | 'tap_wallet' | 'scan_offline_qr' | 'cash' } | { kind: 'show_qr'; payload: string; expiresAt: number } | null;
  seq: number | null;
  facts: Record<string, string | number | boolean>;
  outcome: { code: string; message: string } | null;
  version: number;
  createdAt: number;
}

export interface DeviceHealth {
  state: 'stopped' | 'connecting' | 'ready' | 'degraded' | 'failed';
  reason: string | null;
}

export interface Status {
  terminal: string;
  inService: boolean;
  devices: Record<string, DeviceHealth>;
  payment: { id: string; state: PaymentState } | null;
  methods: Method[];
  offlineQueue: { unsettledCount: number; oldestUnsettledAgeMs: number | null; state: string; lastError: { code: string; message: string } | null } | null;
  integrity: { state: string; failure: { message: string; advice: string } | null };
  pairing: { code?: string | null; expiresAt: number | null };
  provisioning?: { state: 'unprovisioned' | 'active' | 'expired'; reason?: string; pairing?: { terminal: string; code: string; fingerprint: string } } | null;
  offline?: { count: number; byAsset: Record<string, number>; sinceSettlementMs: number } | null;
}

export interface Sale {
  items: { gtin: string; name: string; unitPrice: number; quantity: number }[];
  count: number;
  total: number;
  asset: string | null;
}

export interface Report {
  type: 'X' | 'Z';
  z: number;
  day: string | null;
  records: number;
  totals: Record<string, Record<string, { n: number; amount: number }>>;
  tenders: Record<string, Record<string, Record<string, { n: number; amount: number }>>>;
}

export interface PaymentReturn {
  state: 'pending' | 'succeeded' | 'refused';
  amount: number;
  asset: string;
  outcome: { code: string; message: string } | null;
}
