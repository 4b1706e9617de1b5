import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/app/config/config.js';
import { withPaymentsConfig } from '../../src/app/config/payments.js';
import { paymentPolicyFor } from '../../src/app/sale-wiring.js';
import { defaultPaymentPolicy } from '../../src/payments/policy.js';

const KEY = 'd04ab232742bb4ab3a1368bd4615e4e6d0224ab71a016baf8520a332c9778737';

describe("posd.json's payments section: wallet issuer keys and offline limits", () => {
  it('puts the issuer keys of each asset and the offline limits it names into the payment policy', () => {
    const config = parseConfig(
      {
        dataDir: 'data',
        payments: { issuerKeys: { CNY: [{ publicKey: KEY, notAfter: 1_900_000_000_000 }], MAT: [{ publicKey: KEY }] }, offline: { perPayment: { CNY: 30_000 }, maxCount: 5 } },
      },
      '/etc/posd',
    );
    const policy = paymentPolicyFor(config);
    expect(policy.assets.find((a) => a.code === 'CNY')!.issuerKeys).toEqual([{ keyId: '10ba682c8ad13513', publicKey: KEY, notAfter: 1_900_000_000_000 }]);
    expect(policy.assets.find((a) => a.code === 'MAT')!.issuerKeys).toEqual([{ keyId: '10ba682c8ad13513', publicKey: KEY, notAfter: Number.MAX_SAFE_INTEGER }]);
    const defaults = defaultPaymentPolicy().offline;
    expect(policy.offline).toEqual({ ...defaults, perPayment: { ...defaults.perPayment, CNY: 30_000 }, maxCount: 5 });
  });

  it('changes nothing without the section: no issuer is trusted, so no offline wallet is taken', () => {
    const policy = paymentPolicyFor(parseConfig({ dataDir: 'data' }, '/etc/posd'));
    expect(policy.assets.every((a) => a.issuerKeys.length === 0)).toBe(true);
    expect(withPaymentsConfig(defaultPaymentPolicy(), undefined)).toEqual(defaultPaymentPolicy());
  });

  it.each([
    [{ issuerKeys: { CNY: [{ publicKey: 'AB' }] } }, /payments.issuerKeys.CNY.0.publicKey must be 64 lower-case hex digits/],
    [{ issuerKeys: { cny: [] } }, /payments.issuerKeys.cny is not a setting \(did you mean CNY\?\)/],
    [{ issuerKeys: { CNY: [{ publicKey: KEY, owner: 'x' }] } }, /payments.issuerKeys.CNY.0.owner is not a setting/],
    [{ offline: { perPayment: { CNY: -1 } } }, /payments.offline.perPayment.CNY must be a whole number/],
    [{ offline: { maxAgeMs: 1.5 } }, /payments.offline.maxAgeMs must be a whole number/],
    [{ offline: { enabled: 'yes' } }, /payments.offline.enabled must be true or false/],
    [{ online: true }, /payments.online is not a setting/],
  ])('refuses %j with a clear error naming the field', (section, message) => {
    expect(() => parseConfig({ dataDir: 'data', payments: section }, '/etc/posd')).toThrow(message);
    expect(() => parseConfig({ dataDir: 'data', payments: section }, '/etc/posd')).toThrow(expect.objectContaining({ code: 'bad_config' }));
  });
});
