/**
 * Byte-level checks of Ed25519 encodings, done before a signature reaches node:crypto, whose
 * OpenSSL verifier accepts small-order public keys and non-canonical public-key encodings
 * (docs/journal.md, "Signatures"). Pure functions on bytes; no curve arithmetic except the
 * square-root test that tells whether a public key decodes at all (run once per key).
 */

/** The field prime p = 2^255 - 19. */
const P = (1n << 255n) - 19n;
/** The prime order L of the base point. */
const L = (1n << 252n) + 27742317777372353535851937790883648493n;
/** The curve constant d = -121665/121666 mod p. */
const D = 37095705934669439343138083508754565189542113879843219016388785533085940283555n;

/**
 * The y coordinates (little-endian, sign bit clear) of the eight points of order dividing 8:
 * y = 0 (order 4, two points), y = 1 (the identity), y = p - 1 (order 2) and the two y values
 * of the four points of order 8. With the sign bit either way and y below p, these are all the
 * canonical and sign-bit variants of the torsion points; the other non-canonical ones (y = p
 * and y = p + 1) are refused as y >= p. test/crypto/ed25519-strict.test.ts derives this table
 * from the curve with @noble/ed25519.
 */
const SMALL_ORDER_Y: readonly Uint8Array[] = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
].map((hex) => Uint8Array.from(Buffer.from(hex, 'hex')));

/** Why a 32-byte point encoding is refused, if it is. */
export type PointEncodingProblem = 'non_canonical' | 'small_order';

/** True when the 255-bit y of a point encoding (sign bit ignored) is at least p. */
function yAtLeastP(bytes: Uint8Array): boolean {
  if ((bytes[31]! & 0x7f) !== 0x7f) return false;
  for (let i = 30; i >= 1; i--) if (bytes[i] !== 0xff) return false;
  return bytes[0]! >= 0xed;
}

function isSmallOrderY(bytes: Uint8Array): boolean {
  for (const y of SMALL_ORDER_Y) {
    if (bytes[0] !== y[0]) continue;
    let same = (bytes[31]! & 0x7f) === y[31];
    for (let i = 1; same && i < 31; i++) same = bytes[i] === y[i];
    if (same) return true;
  }
  return false;
}

/**
 * Checks a 32-byte point encoding (a public key A, or R in a signature) without decoding it:
 * y must be below p, and the point must not be one of the eight torsion points (in any of
 * their encodings). Whether it decodes at all is left to the verifier (or `decodesToPoint`).
 */
export function pointEncodingProblem(bytes: Uint8Array): PointEncodingProblem | undefined {
  if (yAtLeastP(bytes)) return 'non_canonical';
  if (isSmallOrderY(bytes)) return 'small_order';
  return undefined;
}

/** True when S (the second half of a signature, little-endian) is below L: the only encoding RFC 8032 allows. */
export function isCanonicalScalar(bytes: Uint8Array): boolean {
  // L = 0x10000000 00000000 00000000 00000000 14def9de a2f79cd6 5812631a 5cf5d3ed (big-endian).
  const top = bytes[31]!;
  if (top < 0x10) return true;
  if (top > 0x10) return false;
  for (let i = 30; i >= 16; i--) if (bytes[i] !== 0) return false;
  for (let i = 15; i >= 0; i--) {
    const l = L_BYTES[i]!;
    if (bytes[i]! !== l) return bytes[i]! < l;
  }
  return false;
}

const L_BYTES = (() => {
  const out = new Uint8Array(32);
  let l = L;
  for (let i = 0; i < 32; i++) {
    out[i] = Number(l & 0xffn);
    l >>= 8n;
  }
  return out;
})();

function modPow(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let b = base % P;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % P;
    b = (b * b) % P;
    e >>= 1n;
  }
  return result;
}

/**
 * True when a canonical encoding decodes to a curve point (RFC 8032 5.1.3): x^2 = (y^2 - 1) /
 * (d y^2 + 1) has a root, and x = 0 is not written with the sign bit set. Slow (BigInt), so
 * callers cache the answer per key.
 */
export function decodesToPoint(bytes: Uint8Array): boolean {
  if (bytes.length !== 32 || yAtLeastP(bytes)) return false;
  let y = 0n;
  for (let i = 31; i >= 0; i--) y = (y << 8n) | BigInt(i === 31 ? bytes[i]! & 0x7f : bytes[i]!);
  const y2 = (y * y) % P;
  const u = (y2 - 1n + P) % P;
  const v = (D * y2 + 1n) % P;
  if (u === 0n) return (bytes[31]! & 0x80) === 0;
  // u/v is a square mod p exactly when (u v^(p-2))^((p-1)/2) = 1 (Euler's criterion).
  const ratio = (u * modPow(v, P - 2n)) % P;
  return modPow(ratio, (P - 1n) / 2n) === 1n;
}
