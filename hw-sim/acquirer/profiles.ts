import { Type, type Static } from '@sinclair/typebox';
import type { Signer } from '../../src/crypto/ed25519.js';
import { signEndorsement, type KeyEndorsement } from '../../src/protocol/key-endorsement.js';
import { toHex } from '../../src/encoding/hex.js';
import {
  CodeTableSchema,
  MerchantSchema,
  OfflineLimitsSchema,
  ON_EXPIRY,
  ProfileAssetSchema,
  PROFILE_ASSETS,
  TimingsSchema,
  TerminalProfileSchema,
  signProfile,
  verifyProfile,
  type TerminalProfile,
} from '../../src/protocol/profile.js';
import { DurationMs, ProvisioningError, Tid, checkShape } from '../../src/protocol/provisioning-schemas.js';
import { HttpError } from './http.js';

/**
 * What the acquirer's operator decides for a terminal (its merchant assignment and policy),
 * and how a profile is made from it. Settings are stored per terminal; every change issues a
 * new profile version.
 */

const SettlementSchema = TerminalProfileSchema.properties.settlement;
const ReceiptsSchema = TerminalProfileSchema.properties.receipts;

export const ProfileSettingsSchema = Type.Object(
  {
    tid: Tid,
    merchant: MerchantSchema,
    assets: Type.Array(ProfileAssetSchema, { minItems: 1, maxItems: PROFILE_ASSETS.length }),
    offline: OfflineLimitsSchema,
    codeTable: CodeTableSchema,
    timings: TimingsSchema,
    settlement: SettlementSchema,
    receipts: ReceiptsSchema,
    onExpiry: Type.Union(ON_EXPIRY.map((o) => Type.Literal(o))),
    /** How long each profile version is valid after it is issued. */
    validityMs: DurationMs(365 * 86_400_000, 60_000),
  },
  { additionalProperties: false },
);
export type ProfileSettings = Static<typeof ProfileSettingsSchema>;

/** Changes an operator makes: any section, each merged member by member into the settings held. */
export const SettingsChangesSchema = Type.Object(
  {
    tid: Type.Optional(Tid),
    merchant: Type.Optional(Type.Partial(MerchantSchema, { additionalProperties: false })),
    assets: Type.Optional(ProfileSettingsSchema.properties.assets),
    offline: Type.Optional(Type.Partial(OfflineLimitsSchema, { additionalProperties: false })),
    codeTable: Type.Optional(CodeTableSchema),
    timings: Type.Optional(Type.Partial(TimingsSchema, { additionalProperties: false })),
    settlement: Type.Optional(Type.Partial(SettlementSchema, { additionalProperties: false })),
    receipts: Type.Optional(Type.Partial(ReceiptsSchema, { additionalProperties: false })),
    onExpiry: Type.Optional(ProfileSettingsSchema.properties.onExpiry),
    validityMs: Type.Optional(ProfileSettingsSchema.properties.validityMs),
  },
  { additionalProperties: false },
);
export type SettingsChanges = Static<typeof SettingsChangesSchema>;

/** How long an endorsement of a terminal key is valid. */
export const ENDORSEMENT_VALIDITY_MS = 2 * 365 * 86_400_000;

/** The simulator's defaults: a grocery in Hangzhou, the research's limits and FIELD-NOTES' code table. */
export function defaultSettings(tid: string): ProfileSettings {
  return {
    tid,
    merchant: {
      id: '898330158120001',
      name: 'POSD TEST SHOP',
      nameZh: '测试小店',
      address: '1 Wensan Road, Xihu District',
      city: 'HANGZHOU',
      phone: '+86 571 8800 0000',
      mcc: '5411',
      country: 'CN',
      currency: '156',
      timezone: 'Asia/Shanghai',
    },
    assets: [
      { code: 'CNY', issuerKeys: [], methods: ['code', 'merchant_qr', 'wallet_tap', 'offline_qr', 'cash'] },
      { code: 'MAT', issuerKeys: [], methods: ['wallet_tap', 'offline_qr', 'cash'] },
    ],
    offline: { enabled: true, perPayment: { CNY: 50_000, MAT: 50_000 }, cumulative: { CNY: 500_000, MAT: 500_000 }, maxCount: 500, maxAgeMs: 86_400_000 },
    codeTable: {
      paymentCodes: [
        { scheme: 'wechat', prefixes: ['10', '11', '12', '13', '14', '15'], minLength: 18, maxLength: 18 },
        { scheme: 'alipay', prefixes: ['25', '26', '27', '28', '29', '30'], minLength: 16, maxLength: 24 },
        { scheme: 'unionpay', prefixes: ['62'], minLength: 19, maxLength: 19 },
        { scheme: 'ecny', prefixes: ['01'], minLength: 19, maxLength: 19 },
      ],
      offlineQr: { minChars: 86, maxChars: 2900 },
    },
    timings: { authTimeoutMs: 30_000, pollIntervalsMs: [3000, 3000, 5000, 5000, 10_000], pollDeadlineMs: 45_000, reverseNotBeforeMs: 15_000, merchantQrExpiryMs: 300_000 },
    settlement: { cutoffs: ['23:30'], intervalMs: 900_000 },
    receipts: { copies: 1, header: '', footer: 'Thank you / 谢谢惠顾' },
    onExpiry: 'online_only',
    validityMs: 30 * 86_400_000,
  };
}

/** Settings with changes applied: sections replaced or merged member by member; checked whole. */
export function applyChanges(settings: ProfileSettings, changes: SettingsChanges): ProfileSettings {
  const merged = {
    ...settings,
    ...(changes.tid !== undefined ? { tid: changes.tid } : {}),
    ...(changes.assets !== undefined ? { assets: changes.assets } : {}),
    ...(changes.codeTable !== undefined ? { codeTable: changes.codeTable } : {}),
    ...(changes.onExpiry !== undefined ? { onExpiry: changes.onExpiry } : {}),
    ...(changes.validityMs !== undefined ? { validityMs: changes.validityMs } : {}),
    merchant: { ...settings.merchant, ...changes.merchant },
    offline: { ...settings.offline, ...changes.offline },
    timings: { ...settings.timings, ...changes.timings },
    settlement: { ...settings.settlement, ...changes.settlement },
    receipts: { ...settings.receipts, ...changes.receipts },
  };
  try {
    return checkShape(ProfileSettingsSchema, merged, 'set of profile settings');
  } catch (err) {
    if (err instanceof ProvisioningError) throw new HttpError(400, 'bad_request', err.message);
    throw err;
  }
}

/**
 * Signs profile `version` for a terminal and checks it the way the terminal will (a profile
 * the terminal would refuse is the operator's mistake: 400 with the terminal's reason).
 */
export function issueProfile(settings: ProfileSettings, terminal: string, version: number, endorsement: KeyEndorsement, signer: Signer, now: number): TerminalProfile {
  const { validityMs, ...content } = settings;
  const profile = signProfile({ v: 1, type: 'terminal_profile', version, issuedAt: now, expiresAt: now + validityMs, terminal, ...content, endorsement }, signer);
  try {
    verifyProfile(profile, signer.publicKey, { terminal, now });
  } catch (err) {
    if (err instanceof ProvisioningError) throw new HttpError(400, 'bad_request', `a terminal would refuse this profile: ${err.message}`);
    throw err;
  }
  return profile;
}

/** Checks, before a code is issued, that the profile these settings make is one a terminal would accept (signs a trial profile). */
export function checkSettings(settings: ProfileSettings, signer: Signer, now: number): void {
  const trial = '0'.repeat(16);
  const endorsement = signEndorsement(
    { terminal: trial, keyId: signer.keyId, publicKey: toHex(signer.publicKey), tid: settings.tid, mid: settings.merchant.id, notBefore: now, notAfter: now + ENDORSEMENT_VALIDITY_MS, serial: 1 },
    signer,
  );
  issueProfile(settings, trial, 1, endorsement, signer, now);
}
