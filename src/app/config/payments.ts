import { keyIdOf } from '../../crypto/ed25519.js';
import { fromHex } from '../../encoding/hex.js';
import type { IssuerKey, PaymentPolicy } from '../../payments/policy.js';
import type { Static } from '@sinclair/typebox';
import type { PaymentsSection } from './sections/payments.js';

/** posd.json's `payments` section (sections/payments.ts), until the signed profile supplies these. */
export type PaymentsConfig = Static<typeof PaymentsSection>;
type IssuerKeySettings = NonNullable<PaymentsConfig['issuerKeys']>;
type IssuerKeySetting = NonNullable<IssuerKeySettings['CNY']>[number];

/** The policy with the configured issuer keys (replacing an asset's keys) and offline limits (replacing the defaults named). */
export function withPaymentsConfig(policy: PaymentPolicy, config: PaymentsConfig | undefined): PaymentPolicy {
  if (!config) return policy;
  const issuerKeys: Partial<Record<string, IssuerKeySetting[]>> = { ...config.issuerKeys };
  const offline = config.offline ?? {};
  return {
    ...policy,
    assets: policy.assets.map((a) => {
      const configured = issuerKeys[a.code];
      return configured ? { ...a, issuerKeys: configured.map(policyKey) } : a;
    }),
    offline: {
      ...policy.offline,
      ...offline,
      perPayment: { ...policy.offline.perPayment, ...offline.perPayment },
      cumulative: { ...policy.offline.cumulative, ...offline.cumulative },
    },
  };
}

function policyKey(setting: IssuerKeySetting): IssuerKey {
  return { keyId: keyIdOf(fromHex(setting.publicKey, 32)), publicKey: setting.publicKey, notAfter: setting.notAfter ?? Number.MAX_SAFE_INTEGER };
}
