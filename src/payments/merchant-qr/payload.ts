import { encodeDynamicMpm, MAX_MERCHANT_CITY, MAX_MERCHANT_NAME, mpmAmount } from '../../protocol/emv-mpm.js';
import type { MerchantData } from '../policy.js';

/** The merchant account template's GUID when the profile names none (docs/authorization-protocol.md section 7). */
export const DEFAULT_QR_GUID = 'cn.posd.acquirer';
/** EMV allows 25 characters in each additional-data field (62.xx). */
const MAX_LABEL = 25;

function clip(text: string, max: number): string {
  return Array.from(text).slice(0, max).join('');
}

/**
 * The dynamic EMVCo merchant-presented payload for one order: merchant data from the policy, the
 * amount, and the order's reference (62.05; the last 25 characters of a longer ref). The acquirer
 * finds the order by the whole payload it was given when the order was created.
 */
export function merchantQrPayload(merchant: MerchantData, order: { ref: string; amount: number }): string {
  return encodeDynamicMpm({
    account: { id: '26', guid: merchant.qrGuid ?? DEFAULT_QR_GUID, ...(merchant.id ? { merchantId: clip(merchant.id, MAX_LABEL) } : {}) },
    mcc: merchant.mcc,
    currency: merchant.currency,
    amount: mpmAmount(order.amount),
    country: merchant.country,
    name: clip(merchant.name, MAX_MERCHANT_NAME),
    city: clip(merchant.city, MAX_MERCHANT_CITY),
    reference: order.ref.length > MAX_LABEL ? order.ref.slice(-MAX_LABEL) : order.ref,
    ...(merchant.terminalLabel ? { terminalLabel: clip(merchant.terminalLabel, MAX_LABEL) } : {}),
    ...(merchant.nameZh ? { alternate: { language: 'ZH', name: clip(merchant.nameZh, MAX_MERCHANT_NAME) } } : {}),
  });
}
