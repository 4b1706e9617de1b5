import { Type } from '@sinclair/typebox';
import { EXPECTED, section } from '../schema-kit.js';

export const ProvisioningSection = section(
  {
    acquirerRootKey: Type.String({
      pattern: '^[0-9a-f]{64}$',
      description:
        "The acquirer root key pinned at install (64 lower-case hex digits): every profile, key endorsement and reset release must be signed with it (docs/provisioning.md).",
      [EXPECTED]: '64 lower-case hex digits (a raw Ed25519 public key)',
    }),
    acquirerUrl: Type.Optional(
      Type.String({
        pattern: '^https?://[^/\\s]+',
        description: "The acquirer's base URL for enrolment, profile updates and key endorsements.",
        [EXPECTED]: 'an http(s) URL',
      }),
    ),
  },
  { description: 'How this terminal is put into service by its acquirer (docs/provisioning.md). Without it the terminal cannot be provisioned and takes no payments.' },
);
