import { Type, type Static } from '@sinclair/typebox';
import { keyIdOf, type Signer } from '../crypto/ed25519.js';
import { fromHex } from '../encoding/hex.js';
import { MAX_RECORD_AMOUNT } from './assets.js';
import { DOMAIN } from './domains.js';
import { KeyEndorsementSchema, verifyEndorsement } from './key-endorsement.js';
import {
  DurationMs,
  EpochMs,
  Hex32,
  Hex64,
  KeyId,
  Mcc,
  Mid,
  ProvisioningError,
  TerminalId,
  Text,
  Tid,
  Version,
  signDocument,
  verifyAcquirerDocument,
} from './provisioning-schemas.js';
import { TENDERS } from './record.js';

/**
 * The terminal profile (docs/provisioning.md, section 4): everything the acquirer decides about
 * one terminal, signed with the acquirer's key. The terminal holds the newest one it accepted;
 * limits, the payment-code table, issuer keys, timings and merchant data come from it.
 */

export const PROFILE_ASSETS = ['CNY', 'MAT'] as const;
export const ON_EXPIRY = ['online_only', 'refuse_all'] as const;

const Amount = Type.Integer({ minimum: 1, maximum: MAX_RECORD_AMOUNT });
const ProfileAsset = Type.Union(PROFILE_ASSETS.map((code) => Type.Literal(code)));
const PerAsset = Type.Record(Type.String({ pattern: `^(${PROFILE_ASSETS.join('|')})$` }), Amount, { additionalProperties: false });
const ClockTime = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' });

export const MerchantSchema = Type.Object(
  {
    id: Mid,
    /** For EMV tag 59 (merchant name, at most 25 characters). */
    name: Text(25),
    nameZh: Type.Optional(Text(32)),
    address: Text(100),
    /** For EMV tag 60 (merchant city, at most 15 characters). */
    city: Text(15),
    phone: Type.Optional(Type.String({ pattern: '^[0-9+() -]{3,20}$' })),
    mcc: Mcc,
    country: Type.Literal('CN'),
    currency: Type.Literal('156'),
    timezone: Type.Literal('Asia/Shanghai'),
  },
  { additionalProperties: false },
);

export const IssuerKeySchema = Type.Object({ keyId: KeyId, publicKey: Hex32, notAfter: EpochMs }, { additionalProperties: false });

export const ProfileAssetSchema = Type.Object(
  {
    code: ProfileAsset,
    /** Keys of the issuers whose signed payments (wallets, offline QR) this terminal accepts in this asset. */
    issuerKeys: Type.Array(IssuerKeySchema, { maxItems: 16 }),
    methods: Type.Array(Type.Union(TENDERS.map((t) => Type.Literal(t))), { maxItems: TENDERS.length, uniqueItems: true }),
  },
  { additionalProperties: false },
);

export const OfflineLimitsSchema = Type.Object(
  {
    enabled: Type.Boolean(),
    /** Largest single offline payment, per asset, in minor units. */
    perPayment: PerAsset,
    /** Most unsettled offline money at once, per asset, in minor units. */
    cumulative: PerAsset,
    /** Most unsettled offline payments at once. */
    maxCount: Type.Integer({ minimum: 0, maximum: 100_000 }),
    /** How long an offline payment may wait for settlement. */
    maxAgeMs: DurationMs(),
  },
  { additionalProperties: false },
);

/** The payment-code table (same shape as src/terminal/scan-classification's CodeTables). */
export const CodeTableSchema = Type.Object(
  {
    paymentCodes: Type.Array(
      Type.Object(
        {
          scheme: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,31}$' }),
          prefixes: Type.Array(Type.String({ pattern: '^[0-9]{1,8}$' }), { minItems: 1, maxItems: 16 }),
          minLength: Type.Integer({ minimum: 1, maximum: 64 }),
          maxLength: Type.Integer({ minimum: 1, maximum: 64 }),
        },
        { additionalProperties: false },
      ),
      { maxItems: 32 },
    ),
    offlineQr: Type.Object({ minChars: Type.Integer({ minimum: 1, maximum: 4096 }), maxChars: Type.Integer({ minimum: 1, maximum: 4096 }) }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);

export const TimingsSchema = Type.Object(
  {
    authTimeoutMs: DurationMs(300_000, 1000),
    /** Waits between status queries of a payment in progress. */
    pollIntervalsMs: Type.Array(DurationMs(600_000, 100), { minItems: 1, maxItems: 32 }),
    pollDeadlineMs: DurationMs(3_600_000, 1000),
    /** A payment with no answer is reversed no sooner than this. */
    reverseNotBeforeMs: DurationMs(600_000),
    merchantQrExpiryMs: DurationMs(86_400_000, 10_000),
  },
  { additionalProperties: false },
);

export const TerminalProfileSchema = Type.Object(
  {
    v: Type.Literal(1),
    type: Type.Literal('terminal_profile'),
    /** Grows by one with every profile the acquirer issues for this terminal; never goes back. */
    version: Version,
    issuedAt: EpochMs,
    expiresAt: EpochMs,
    /** The terminal id (key id of its genesis key) the profile is for. */
    terminal: TerminalId,
    tid: Tid,
    merchant: MerchantSchema,
    assets: Type.Array(ProfileAssetSchema, { minItems: 1, maxItems: PROFILE_ASSETS.length }),
    offline: OfflineLimitsSchema,
    codeTable: CodeTableSchema,
    timings: TimingsSchema,
    settlement: Type.Object({ cutoffs: Type.Array(ClockTime, { minItems: 1, maxItems: 4 }), intervalMs: DurationMs(86_400_000, 60_000) }, { additionalProperties: false }),
    receipts: Type.Object({ copies: Type.Integer({ minimum: 1, maximum: 2 }), header: Text(200, 0), footer: Text(200, 0) }, { additionalProperties: false }),
    /** What the terminal may still take once the profile has expired (offline payments stop either way). */
    onExpiry: Type.Union(ON_EXPIRY.map((o) => Type.Literal(o))),
    /** The acquirer's endorsement of the terminal's current key. */
    endorsement: KeyEndorsementSchema,
    /** Key id of the acquirer key that signed. */
    acquirer: KeyId,
    sig: Hex64,
  },
  { additionalProperties: false },
);
export type TerminalProfile = Static<typeof TerminalProfileSchema>;
export type UnsignedProfile = Omit<TerminalProfile, 'sig' | 'acquirer'>;

export function signProfile(unsigned: UnsignedProfile, signer: Signer): TerminalProfile {
  return signDocument<TerminalProfile>(DOMAIN.profile, { ...unsigned, acquirer: signer.keyId }, signer);
}

export interface VerifiedProfile {
  profile: TerminalProfile;
  /** The canonical JSON of the signed profile: what the terminal stores. */
  text: string;
  sha256: string;
}

export interface ProfileExpectation {
  /** The terminal that is to use the profile. */
  terminal: string;
  now: number;
  /** The profile held now: a candidate must be newer, or this same one again. */
  current?: { version: number; sha256: string };
}

/**
 * Verifies a profile for a terminal: signed by the pinned acquirer key, for this terminal, its
 * endorsement signed by the same key for the same terminal, tid and mid, consistent, not
 * older than the one held, and not expired. `isNew` is false when it is the profile held.
 */
export function verifyProfile(value: unknown, acquirerPublicKey: Uint8Array, expect: ProfileExpectation): VerifiedProfile & { isNew: boolean } {
  const { document: profile, text, sha256 } = verifyAcquirerDocument(TerminalProfileSchema, DOMAIN.profile, value, acquirerPublicKey, 'terminal profile');
  if (profile.terminal !== expect.terminal) throw new ProvisioningError('wrong_terminal', `the profile is for terminal ${profile.terminal}, not ${expect.terminal}`);
  try {
    verifyEndorsement(profile.endorsement, acquirerPublicKey, { terminal: profile.terminal, tid: profile.tid, mid: profile.merchant.id, at: profile.issuedAt });
  } catch (err) {
    if (err instanceof ProvisioningError) throw new ProvisioningError('bad_endorsement', `the profile's key endorsement: ${err.message}`, { cause: err });
    throw err;
  }
  checkConsistency(profile);
  const current = expect.current;
  if (current && profile.version < current.version) {
    throw new ProvisioningError('rollback', `profile version ${profile.version} is older than the version ${current.version} held`);
  }
  if (current && profile.version === current.version) {
    if (sha256 !== current.sha256) throw new ProvisioningError('rollback', `profile version ${profile.version} differs from the profile of that version held`);
    return { profile, text, sha256, isNew: false };
  }
  if (expect.now >= profile.expiresAt) throw new ProvisioningError('expired', `profile version ${profile.version} expired at ${new Date(profile.expiresAt).toISOString()}`);
  return { profile, text, sha256, isNew: true };
}

function checkConsistency(profile: TerminalProfile): void {
  const fail = (message: string): never => {
    throw new ProvisioningError('malformed', `terminal profile: ${message}`);
  };
  if (profile.expiresAt <= profile.issuedAt) fail('expiresAt must be after issuedAt');
  const codes = profile.assets.map((a) => a.code);
  if (new Set(codes).size !== codes.length) fail('an asset is listed twice');
  for (const asset of profile.assets) {
    for (const key of asset.issuerKeys) if (keyIdOf(fromHex(key.publicKey, 32)) !== key.keyId) fail(`issuer key ${key.keyId} of ${asset.code} is not the id of its key`);
  }
  for (const code of [...Object.keys(profile.offline.perPayment), ...Object.keys(profile.offline.cumulative)]) {
    if (!codes.includes(code as (typeof codes)[number])) fail(`offline limits name ${code}, which the profile does not accept`);
  }
  for (const rule of profile.codeTable.paymentCodes) if (rule.minLength > rule.maxLength) fail(`payment code ${rule.scheme}: minLength above maxLength`);
  if (profile.codeTable.offlineQr.minChars > profile.codeTable.offlineQr.maxChars) fail('offlineQr: minChars above maxChars');
}
