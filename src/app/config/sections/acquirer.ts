import { Type } from '@sinclair/typebox';
import { EXPECTED, section } from '../schema-kit.js';

export const AcquirerSection = section(
  {
    url: Type.String({
      pattern: '^https?://[^/\\s]+',
      description: "The acquirer's settlement base URL (docs/settlement-protocol.md).",
      [EXPECTED]: 'an http(s) URL such as "https://acquirer.example/"',
    }),
    publicKey: Type.String({
      pattern: '^[0-9a-f]{64}$',
      description: "The acquirer's Ed25519 public key (64 lower-case hex digits): posd accepts only acknowledgements and countersigned checkpoints it signed.",
      [EXPECTED]: '64 lower-case hex digits (a raw Ed25519 public key)',
    }),
  },
  {
    description:
      'Where posd settles its journal. Without this section posd still sells and journals every payment, and settles once an acquirer is configured. (Provisioning will supply these two values.)',
  },
);
