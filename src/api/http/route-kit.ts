import { Type, type TSchema } from '@sinclair/typebox';
import type { Scope } from './auth/token-store.js';
import { ErrorSchema } from './schemas.js';

const ERROR_MEANING: Readonly<Record<number, string>> = {
  400: 'invalid_request (names the field), bad_json, missing_idempotency_key, bad_payment_request',
  401: 'unauthorized: no token, or one the terminal does not know',
  403: 'forbidden: the token has another scope (or a wrong pairing code, ticket or PIN)',
  404: 'not found',
  409: 'busy (another payment in progress: retryable), idempotency_conflict, too_late',
  410: 'cursor_expired',
  413: 'body_too_large',
  415: 'unsupported_media_type: send application/json',
  422: 'refused by the rules (insufficient_cash, not_waiting, ...)',
  429: 'pairing_locked: retryAt says when',
  501: 'not_implemented',
  503: 'unavailable now (a device, the acquirer, the terminal out of service): retryable',
};

/** Error answers a route may give, documented with the one error schema. */
export function errorResponses(...statuses: number[]): Record<number, TSchema> {
  const out: Record<number, TSchema> = {};
  for (const status of [...new Set([400, 401, 403, ...statuses])]) out[status] = Type.Ref(ErrorSchema, { description: ERROR_MEANING[status] ?? 'error' });
  return out;
}

/** Route config and schema parts for the scopes a route accepts: the guard reads the config, the OpenAPI document the rest. */
export function accepts(...scopes: Scope[]): { config: { scopes: readonly Scope[] }; security: { bearer: string[] }[]; scopesNote: string } {
  return { config: { scopes }, security: [{ bearer: [] }], scopesNote: `Scopes: ${scopes.join(', ')}.` };
}
