import type { PaymentPolicy } from '../payments/policy.js';
import { DEFAULT_TIMINGS } from '../payments/policy.js';
import type { Provisioning } from '../provisioning/provisioning.js';

/**
 * The payments' policy once the terminal is provisioned: everything from the signed profile
 * (assets and issuer keys, offline limits, the code table, timings, merchant data, receipt
 * copies). Unprovisioned, every payment is refused with the reason and the pairing code; with
 * an expired profile, offline payments stop and online ones go on only if the profile says so.
 */
export function policyFromProvisioning(provisioning: Provisioning, fallback: PaymentPolicy): PaymentPolicy {
  const state = provisioning.profileState();
  const profile = provisioning.currentProfile();
  if (state.state === 'unprovisioned' || !profile) {
    const pairing = state.state === 'unprovisioned' ? ` (pairing code ${state.pairing.code}, key ${state.pairing.fingerprint})` : '';
    return { ...fallback, refusal: `this terminal is not provisioned: ${state.state === 'unprovisioned' ? state.reason : 'no profile'}${pairing}` };
  }
  const allowed = provisioning.paymentPolicy();
  return {
    refusal: allowed.online || allowed.offline ? null : (allowed.reason ?? 'the profile allows no payments'),
    offlineRefusal: allowed.offline ? null : (allowed.reason ?? 'the profile allows no offline payments'),
    assets: profile.assets.map((a) => ({ code: a.code, methods: a.methods, issuerKeys: a.issuerKeys })),
    offline: profile.offline,
    defaultOfflinePolicy: fallback.defaultOfflinePolicy,
    timings: { ...DEFAULT_TIMINGS, ...profile.timings },
    merchant: { ...profile.merchant, terminalLabel: profile.tid },
    codeTable: profile.codeTable,
    receiptCopies: profile.receipts.copies === 2 ? 2 : 1,
  };
}
