import { MAX_RECORD_AMOUNT } from '../protocol/assets.js';
import { PaymentError } from './errors.js';
import { PAYMENT_METHODS, type LineItem, type OfflinePolicy, type PaymentMethod } from './payment.js';
import type { PaymentPolicy } from './policy.js';

/** What a caller (the register, the counter screen, the checkout) asks for. */
export interface PaymentRequest {
  /** The caller's key, fixed when the sale is made: retrying with it never pays twice. 1-64 of [A-Za-z0-9_.:-]. */
  idempotencyKey: string;
  /** Minor units of `asset`. */
  amount: number;
  asset: string;
  /** How the customer pays; left out, whatever the customer presents (a code, a wallet, an offline QR). */
  method?: PaymentMethod;
  /** The basket, for the receipt; when given, it must add up to `amount`. */
  items?: readonly LineItem[];
  offline?: OfflinePolicy;
  /** How long the customer has to pay, 5 s to 10 min. */
  timeoutMs?: number;
  /** Cash: what the customer handed over (minor units). */
  tendered?: number;
}

export const MAX_ITEMS = 200;
const KEY_RE = /^[A-Za-z0-9_.:-]{1,64}$/;
const OFFLINE_POLICIES: readonly OfflinePolicy[] = ['prefer_online', 'require_online', 'force_offline'];

export interface ValidRequest extends PaymentRequest {
  items: LineItem[];
  /** The request minus its key: the same key must come with the same fingerprint. */
  fingerprint: Record<string, unknown>;
}

/** Checks a request's shape and sums, naming the field; nothing here allocates in proportion to a number sent. */
export function validatePaymentRequest(request: PaymentRequest, policy: PaymentPolicy): ValidRequest {
  const bad = (message: string): never => {
    throw new PaymentError('bad_payment_request', message);
  };
  if (typeof request !== 'object' || request === null) bad('the request must be an object');
  if (typeof request.idempotencyKey !== 'string' || !KEY_RE.test(request.idempotencyKey)) bad('idempotencyKey must be 1-64 characters of A-Z a-z 0-9 _ . : -');
  if (!Number.isSafeInteger(request.amount) || request.amount < 1 || request.amount > MAX_RECORD_AMOUNT) bad(`amount must be a whole number of minor units from 1 to ${MAX_RECORD_AMOUNT}`);
  if (!policy.assets.some((a) => a.code === request.asset)) bad(`asset must be one of ${policy.assets.map((a) => a.code).join(', ')}`);
  if (request.method !== undefined && !PAYMENT_METHODS.includes(request.method)) bad(`method must be one of ${PAYMENT_METHODS.join(', ')}`);
  if (request.offline !== undefined && !OFFLINE_POLICIES.includes(request.offline)) bad(`offline must be one of ${OFFLINE_POLICIES.join(', ')}`);
  if (request.timeoutMs !== undefined && (!Number.isSafeInteger(request.timeoutMs) || request.timeoutMs < 5000 || request.timeoutMs > 600_000)) bad('timeoutMs must be 5000 to 600000');
  if (request.tendered !== undefined) {
    if (request.method !== 'cash') bad('tendered is for cash payments');
    if (!Number.isSafeInteger(request.tendered) || request.tendered < 1 || request.tendered > MAX_RECORD_AMOUNT) bad('tendered must be a whole number of minor units');
  }
  if (request.tendered !== undefined && request.tendered < request.amount) {
    throw new PaymentError('insufficient_cash', `cash ${request.tendered} is less than the total ${request.amount}`);
  }
  if (request.offline === 'force_offline' && (request.method === 'code' || request.method === 'merchant_qr')) bad(`a ${request.method} payment needs the acquirer: it cannot be forced offline`);
  if (request.offline === 'require_online' && (request.method === 'wallet_tap' || request.method === 'offline_qr')) bad(`a ${request.method} payment is offline: it cannot require online`);
  const items = validItems(request.items, bad);
  if (items.length > 0) {
    const sum = items.reduce((total, i) => total + i.unitPrice * i.quantity, 0);
    if (sum !== request.amount) bad(`the items add up to ${sum}, not the amount ${request.amount}`);
  }
  const fingerprint: Record<string, unknown> = { amount: request.amount, asset: request.asset, items };
  for (const key of ['method', 'offline', 'timeoutMs', 'tendered'] as const) if (request[key] !== undefined) fingerprint[key] = request[key];
  return { ...request, items, fingerprint };
}

function validItems(items: readonly LineItem[] | undefined, bad: (message: string) => never): LineItem[] {
  if (items === undefined) return [];
  if (!Array.isArray(items) || items.length > MAX_ITEMS) bad(`items must be a list of at most ${MAX_ITEMS}`);
  return items.map((item, i) => {
    const at = `items[${i}]`;
    if (typeof item !== 'object' || item === null) bad(`${at} must be an object`);
    if (typeof item.name !== 'string' || item.name.length === 0 || [...item.name].length > 64 || /[\u0000-\u001f\u007f]/.test(item.name)) bad(`${at}.name must be 1-64 characters without control characters`);
    if (!Number.isSafeInteger(item.unitPrice) || item.unitPrice < 1 || item.unitPrice > MAX_RECORD_AMOUNT) bad(`${at}.unitPrice must be a whole number of minor units`);
    if (!Number.isSafeInteger(item.quantity) || item.quantity < 1 || item.quantity > 9999) bad(`${at}.quantity must be 1 to 9999`);
    if (item.gtin !== undefined && (typeof item.gtin !== 'string' || !/^\d{8,14}$/.test(item.gtin))) bad(`${at}.gtin must be 8-14 digits`);
    return { ...(item.gtin !== undefined ? { gtin: item.gtin } : {}), name: item.name, unitPrice: item.unitPrice, quantity: item.quantity };
  });
}
