/**
 * The `provisioning` section of posd.json (docs/provisioning.md): the acquirer root key pinned
 * at install, which every profile, endorsement and release must be signed with, and where the
 * acquirer is. Kept in its own file so the config schema can take it over as one piece.
 */
export interface ProvisioningConfig {
  /** Ed25519 public key, 64 lower-case hex digits. */
  acquirerRootKey: string;
  /** The acquirer's base URL for enrolment, profile updates and endorsements. */
  acquirerUrl?: string;
}

/** Checks the section; `fail` raises the config's error (config.ts passes its ConfigError, so this file imports nothing of it). */
export function parseProvisioningConfig(value: unknown, fail: (message: string) => never, path = 'provisioning'): ProvisioningConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${path} must be an object`);
  const section = value as Record<string, unknown>;
  for (const key of Object.keys(section)) if (key !== 'acquirerRootKey' && key !== 'acquirerUrl') fail(`${path}.${key} is not a setting (known: acquirerRootKey, acquirerUrl)`);
  const { acquirerRootKey, acquirerUrl } = section;
  if (typeof acquirerRootKey !== 'string' || !/^[0-9a-f]{64}$/.test(acquirerRootKey)) fail(`${path}.acquirerRootKey must be 64 lower-case hex digits (the acquirer's Ed25519 public key)`);
  if (acquirerUrl !== undefined && (typeof acquirerUrl !== 'string' || !/^https?:\/\/[^/\s]+/.test(acquirerUrl))) fail(`${path}.acquirerUrl must be an http(s) URL`);
  return { acquirerRootKey, ...(acquirerUrl !== undefined ? { acquirerUrl: acquirerUrl as string } : {}) };
}
