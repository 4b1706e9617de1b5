import { createHash } from 'node:crypto';
import * as noble from '@noble/ed25519';

/**
 * The reference implementation, on @noble/ed25519 (pure JS, independent of OpenSSL), used to
 * cross-check the node:crypto hot path and by verifiers that want a second implementation.
 *
 * referenceVerify applies posd's strict rules (docs/journal.md, "Signatures") with noble's
 * strict point decoding (RFC 8032 5.1.3: y below p, no x = 0 with the sign bit set) and its
 * group arithmetic, written out step by step. It does not call noble.verify: that checks the
 * cofactored equation [8][S]B = [8]R + [8][k]A and accepts small-order R, so it accepts
 * signatures OpenSSL's cofactorless check refuses (a torsion component added to R, vectors 2,
 * 4 and 5 of "Taming the many EdDSAs"). Both implementations must give the same verdict.
 */
noble.hashes.sha512 = (message: Uint8Array) => new Uint8Array(createHash('sha512').update(message).digest());

const L = (1n << 252n) + 27742317777372353535851937790883648493n;
const G = noble.Point.BASE;

export function referencePublicKey(seed: Uint8Array): Uint8Array {
  return noble.getPublicKey(seed);
}

export function referenceSign(message: Uint8Array, seed: Uint8Array): Uint8Array {
  return noble.sign(message, seed);
}

function littleEndian(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
}

/** Strict RFC 8032 verification with posd's rules; false (never a throw) for anything malformed. */
export function referenceVerify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  const rBytes = signature.subarray(0, 32);
  let A: noble.Point;
  let R: noble.Point;
  try {
    A = noble.Point.fromBytes(publicKey, false);
    R = noble.Point.fromBytes(rBytes, false);
  } catch {
    return false;
  }
  if (A.isSmallOrder() || R.isSmallOrder()) return false;
  const s = littleEndian(signature.subarray(32));
  if (s >= L) return false;
  const k = littleEndian(new Uint8Array(createHash('sha512').update(rBytes).update(publicKey).update(message).digest())) % L;
  // Cofactorless: [S]B = R + [k]A, as OpenSSL checks it.
  return G.multiply(s, false).equals(R.add(A.multiply(k, false)));
}
