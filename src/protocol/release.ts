import { Type, type Static } from '@sinclair/typebox';
import type { Signer } from '../crypto/ed25519.js';
import { DOMAIN } from './domains.js';
import { EpochMs, Hex64, KeyId, ProvisioningError, Serial, TerminalId, Text, signDocument, verifyAcquirerDocument } from './provisioning-schemas.js';

/**
 * A release (docs/provisioning.md, section 7): the acquirer's signed permission for one
 * terminal to be reset, even with records it has not settled (they are the acquirer's matter
 * from then on). It names the terminal and expires soon, so it cannot be kept for later or
 * used on another terminal.
 */
export const ReleaseSchema = Type.Object(
  {
    v: Type.Literal(1),
    type: Type.Literal('reset_release'),
    terminal: TerminalId,
    serial: Serial,
    reason: Text(200),
    issuedAt: EpochMs,
    expiresAt: EpochMs,
    acquirer: KeyId,
    sig: Hex64,
  },
  { additionalProperties: false },
);
export type Release = Static<typeof ReleaseSchema>;

/** The longest a release may be valid. */
export const MAX_RELEASE_TTL_MS = 7 * 86_400_000;

export function signRelease(unsigned: Omit<Release, 'sig' | 'acquirer' | 'v' | 'type'>, signer: Signer): Release {
  return signDocument<Release>(DOMAIN.release, { v: 1, type: 'reset_release', ...unsigned, acquirer: signer.keyId }, signer);
}

/** Verifies a release under the pinned acquirer key, for this terminal, at `now`. */
export function verifyRelease(value: unknown, acquirerPublicKey: Uint8Array, expect: { terminal: string; now: number }): Release {
  const { document } = verifyAcquirerDocument(ReleaseSchema, DOMAIN.release, value, acquirerPublicKey, 'release');
  if (document.terminal !== expect.terminal) throw new ProvisioningError('wrong_terminal', `the release is for terminal ${document.terminal}, not ${expect.terminal}`);
  if (document.expiresAt <= document.issuedAt || document.expiresAt - document.issuedAt > MAX_RELEASE_TTL_MS) {
    throw new ProvisioningError('malformed', 'a release is valid for at most seven days after it is issued');
  }
  if (expect.now >= document.expiresAt) throw new ProvisioningError('expired', `the release expired at ${new Date(document.expiresAt).toISOString()}`);
  return document;
}
