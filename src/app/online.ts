import { fromHex, toHex } from '../encoding/hex.js';
import { AuthorizationClient } from '../payments/online/authorization-client.js';
import type { PaymentPolicy } from '../payments/policy.js';
import type { Journal } from '../terminal/ledger/journal.js';
import type { PosdConfig } from './config/config.js';

/**
 * The terminal's client of the acquirer's authorisation routes (docs/authorization-protocol.md),
 * from the config's `acquirer` section; undefined when none is configured (then the online
 * methods are not offered). Requests are signed with the journal's current key.
 */
export function authorizationClientFor(config: PosdConfig, journal: Journal, policy: () => PaymentPolicy): AuthorizationClient | undefined {
  if (!config.acquirer) return undefined;
  return new AuthorizationClient({
    url: config.acquirer.url,
    acquirerPublicKey: fromHex(config.acquirer.publicKey, 32),
    terminalId: journal.terminalId,
    publicKey: () => toHex(journal.currentPublicKey),
    sign: (domain, text) => journal.signStatement(domain, text),
    timeoutMs: () => policy().timings.authTimeoutMs,
  });
}
