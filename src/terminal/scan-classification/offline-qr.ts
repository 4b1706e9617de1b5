/**
 * Offline signed payment QR: `OQR1:` then the payload in base64url (RFC 4648 section 5, no
 * padding). The payments layer defines and verifies the payload; here only its shape is checked.
 */
export const OFFLINE_QR_PREFIX = 'OQR1:';

const BASE64URL_RE = /^[A-Za-z0-9_-]+$/;

export type OfflineQrShape =
  | { ok: true; payload: string; byteLength: number }
  | { ok: false; detail: string };

export function checkOfflineQr(text: string, limits: { minChars: number; maxChars: number }): OfflineQrShape {
  const payload = text.slice(OFFLINE_QR_PREFIX.length);
  if (!BASE64URL_RE.test(payload)) return { ok: false, detail: 'payload is not unpadded base64url' };
  if (payload.length < limits.minChars || payload.length > limits.maxChars) {
    return { ok: false, detail: `payload of ${payload.length} characters, expected ${limits.minChars}..${limits.maxChars}` };
  }
  // Unpadded base64 never leaves a single character over: 4n+1 characters cannot be decoded.
  if (payload.length % 4 === 1) return { ok: false, detail: 'payload length is not a base64url length' };
  return { ok: true, payload, byteLength: Math.floor((payload.length * 3) / 4) };
}
