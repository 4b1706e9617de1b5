export const REDACTED = '[redacted]';

/** Members that hold a secret: private keys, tokens, PINs, passwords. Public keys (publicKey, acquirerRootKey, issuerKeys) are kept: they are what a technician compares. */
const SECRET_NAME = /(secret|token|password|passphrase|passwd|private|credential|apikey|api_key|^pin$|pin$|^key$|seed)/i;
const PUBLIC_NAME = /(public|root|issuer|pins$)/i;
const MAX_DEPTH = 32;

/**
 * A configuration with its secrets replaced by "[redacted]", for the console's dump: members named
 * like a secret (tls.key, anything with token, secret, password or PIN in its name), passwords
 * in URLs (`http://user:[redacted]@host`), and posd API tokens wherever they appear.
 */
export function redactConfig(value: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH) return REDACTED;
  if (typeof value === 'string') return redactString(value);
  if (Array.isArray(value)) return value.map((v) => redactConfig(v, depth + 1));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(value)) {
    out[name] = SECRET_NAME.test(name) && !PUBLIC_NAME.test(name) && member !== null && member !== undefined ? REDACTED : redactConfig(member, depth + 1);
  }
  return out;
}

function redactString(text: string): string {
  if (/posd_[A-Za-z0-9_-]{20,}/.test(text)) return text.replace(/posd_[A-Za-z0-9_-]{20,}/g, REDACTED);
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/:@\s]*):[^@/\s]*@/i, `$1:${REDACTED}@`);
}
