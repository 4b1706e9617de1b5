import { keyIdOf } from '../../crypto/ed25519.js';
import { fromHex } from '../../encoding/hex.js';
import { MAX_RECORD_AMOUNT } from '../../protocol/assets.js';
import type { IssuerKey, OfflineLimits, PaymentPolicy } from '../../payments/policy.js';
import { CodedError } from '../../errors/coded-error.js';

/**
 * posd.json's `payments` section, until the signed profile supplies these (provisioning):
 *
 * ```json
 * "payments": {
 *   "issuerKeys": { "CNY": [{ "publicKey": "64 hex", "notAfter": 1893456000000 }], "MAT": [...] },
 *   "offline": { "enabled": true, "perPayment": { "CNY": 50000 }, "cumulative": { "CNY": 200000 }, "maxCount": 50, "maxAgeMs": 86400000 }
 * }
 * ```
 *
 * `issuerKeys`: per asset, the wallet issuers' Ed25519 keys this terminal trusts for offline
 * wallet taps and offline QR (docs/wallet-apdu.md); `keyId` may be given and must then be the
 * key's id. `offline`: the offline limits, each replacing the default it names.
 */
export interface PaymentsConfig {
  issuerKeys?: Readonly<Record<string, readonly IssuerKeySetting[]>>;
  offline?: Partial<OfflineLimits>;
}

/** One trusted issuer key as the configuration writes it. */
export interface IssuerKeySetting {
  /** Ed25519 public key, 64 lower-case hex digits. */
  publicKey: string;
  /** Its key id, if written: it must be the key's. */
  keyId?: string;
  /** Epoch ms after which certificates it signed are no longer taken (default: no end). */
  notAfter?: number;
}

/** A payments section that is not what it must be (same code as the rest of the configuration's errors). */
export class PaymentsConfigError extends CodedError<'bad_config'> {
  override readonly name = 'ConfigError';
  constructor(message: string) {
    super('bad_config', message);
  }
}

type Obj = Record<string, unknown>;

const ASSET_RE = /^[A-Z][A-Z0-9]{2,7}$/;
const MAX_KEYS_PER_ASSET = 16;

export function parsePaymentsConfig(value: unknown, path = 'payments'): PaymentsConfig {
  const c = obj(value, path);
  only(c, path, ['issuerKeys', 'offline']);
  const out: PaymentsConfig = {};
  if (c.issuerKeys !== undefined) {
    const byAsset = obj(c.issuerKeys, `${path}.issuerKeys`);
    const keys: Record<string, IssuerKeySetting[]> = {};
    for (const [asset, list] of Object.entries(byAsset)) {
      const at = `${path}.issuerKeys.${asset}`;
      if (!ASSET_RE.test(asset)) throw new PaymentsConfigError(`${at}: ${asset} is not an asset code`);
      if (!Array.isArray(list) || list.length > MAX_KEYS_PER_ASSET) throw new PaymentsConfigError(`${at} must be a list of at most ${MAX_KEYS_PER_ASSET} keys`);
      keys[asset] = list.map((entry: unknown, i) => issuerKeyOf(entry, `${at}[${i}]`));
    }
    out.issuerKeys = keys;
  }
  if (c.offline !== undefined) out.offline = offlineOf(c.offline, `${path}.offline`);
  return out;
}

/** The policy with the configured issuer keys (replacing an asset's keys) and offline limits (replacing the defaults named). */
export function withPaymentsConfig(policy: PaymentPolicy, config: PaymentsConfig | undefined): PaymentPolicy {
  if (!config) return policy;
  const issuerKeys = config.issuerKeys ?? {};
  const offline = config.offline ?? {};
  return {
    ...policy,
    assets: policy.assets.map((a) => (issuerKeys[a.code] ? { ...a, issuerKeys: issuerKeys[a.code]!.map(policyKey) } : a)),
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

function issuerKeyOf(value: unknown, path: string): IssuerKeySetting {
  const k = obj(value, path);
  only(k, path, ['publicKey', 'keyId', 'notAfter', 'asset']);
  if (typeof k.publicKey !== 'string' || !/^[0-9a-f]{64}$/.test(k.publicKey)) throw new PaymentsConfigError(`${path}.publicKey must be 64 lower-case hex digits`);
  const keyId = keyIdOf(fromHex(k.publicKey, 32));
  if (k.keyId !== undefined && k.keyId !== keyId) throw new PaymentsConfigError(`${path}.keyId is not the id of publicKey (${keyId})`);
  if (k.notAfter !== undefined && !(Number.isSafeInteger(k.notAfter) && (k.notAfter as number) >= 0)) throw new PaymentsConfigError(`${path}.notAfter must be epoch milliseconds`);
  return { keyId, publicKey: k.publicKey, ...(k.notAfter !== undefined ? { notAfter: k.notAfter as number } : {}) };
}

function offlineOf(value: unknown, path: string): Partial<OfflineLimits> {
  const o = obj(value, path);
  only(o, path, ['enabled', 'perPayment', 'cumulative', 'maxCount', 'maxAgeMs']);
  const out: { -readonly [K in keyof OfflineLimits]?: OfflineLimits[K] } = {};
  if (o.enabled !== undefined) {
    if (typeof o.enabled !== 'boolean') throw new PaymentsConfigError(`${path}.enabled must be true or false`);
    out.enabled = o.enabled;
  }
  for (const name of ['perPayment', 'cumulative'] as const) {
    if (o[name] === undefined) continue;
    const byAsset = obj(o[name], `${path}.${name}`);
    const amounts: Record<string, number> = {};
    for (const [asset, amount] of Object.entries(byAsset)) {
      if (!ASSET_RE.test(asset)) throw new PaymentsConfigError(`${path}.${name}: ${asset} is not an asset code`);
      if (!Number.isSafeInteger(amount) || (amount as number) < 0 || (amount as number) > MAX_RECORD_AMOUNT * 1000) throw new PaymentsConfigError(`${path}.${name}.${asset} must be a whole number of minor units`);
      amounts[asset] = amount as number;
    }
    out[name] = amounts;
  }
  if (o.maxCount !== undefined) {
    if (!Number.isSafeInteger(o.maxCount) || (o.maxCount as number) < 0 || (o.maxCount as number) > 100_000) throw new PaymentsConfigError(`${path}.maxCount must be 0..100000`);
    out.maxCount = o.maxCount as number;
  }
  if (o.maxAgeMs !== undefined) {
    if (!Number.isSafeInteger(o.maxAgeMs) || (o.maxAgeMs as number) < 0) throw new PaymentsConfigError(`${path}.maxAgeMs must be a whole number of milliseconds`);
    out.maxAgeMs = o.maxAgeMs as number;
  }
  return out;
}

function obj(value: unknown, path: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new PaymentsConfigError(`${path} must be an object`);
  return value as Obj;
}

function only(o: Obj, path: string, allowed: readonly string[]): void {
  for (const key of Object.keys(o)) if (!allowed.includes(key)) throw new PaymentsConfigError(`${path}.${key} is not a setting (known: ${allowed.join(', ')})`);
}
