import { Type } from '@sinclair/typebox';
import { MAX_RECORD_AMOUNT } from '../../../protocol/assets.js';
import { EXPECTED, section } from '../schema-kit.js';

const Amount = (what: string) =>
  Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_RECORD_AMOUNT * 1000, description: what, [EXPECTED]: 'a whole number of minor units' }));
const Amounts = (what: string) =>
  section(
    { CNY: Amount(`CNY: ${what}, in fen.`), MAT: Amount(`MAT (the merchant-association token): ${what}, in its minor units.`) },
    { description: `Per asset: ${what}, in minor units.` },
  );

const IssuerKey = section(
  {
    publicKey: Type.String({ pattern: '^[0-9a-f]{64}$', description: "The issuer's Ed25519 public key.", [EXPECTED]: '64 lower-case hex digits' }),
    notAfter: Type.Optional(Type.Integer({ minimum: 0, description: 'Epoch ms after which certificates this key signed are no longer taken (default: no end).', [EXPECTED]: 'epoch milliseconds' })),
  },
  { description: 'One wallet issuer key this terminal trusts.' },
);

const IssuerKeys = (asset: string) => Type.Array(IssuerKey, { maxItems: 16, description: `The ${asset} wallet issuers this terminal trusts.` });

export const PaymentsSection = section(
  {
    issuerKeys: Type.Optional(
      section(
        { CNY: Type.Optional(IssuerKeys('CNY')), MAT: Type.Optional(IssuerKeys('MAT')) },
        {
          description:
            'Per asset: the wallet issuers whose signed certificates this terminal accepts for offline wallet taps and offline QR (docs/wallet-apdu.md). A provisioned terminal takes them from its profile instead.',
        },
      ),
    ),
    offline: Type.Optional(
      section(
        {
          enabled: Type.Optional(Type.Boolean({ description: 'Take offline payments at all (default true).' })),
          perPayment: Type.Optional(Amounts('the most one offline payment may be (default 50000 = 500 CNY)')),
          cumulative: Type.Optional(Amounts('the most all unsettled offline payments together may be (default 200000)')),
          maxCount: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000, description: 'The most unsettled offline payments at once (default 50).', [EXPECTED]: 'a whole number from 0 to 100000' })),
          maxAgeMs: Type.Optional(Type.Integer({ minimum: 0, [EXPECTED]: 'a whole number of milliseconds', description: 'Offline payments stop when the last successful settlement is older than this (default 86400000 = 24 h).' })),
        },
        { description: 'Offline limits, each replacing the default it names. A provisioned terminal takes them from its profile instead.' },
      ),
    ),
  },
  { description: 'Payments settings until the terminal is provisioned (the signed profile then supplies them): wallet issuer keys and offline limits.' },
);
