import { createHash } from 'node:crypto';
import * as noble from '@noble/ed25519';

/**
 * The reference implementation (@noble/ed25519), used to cross-check the node:crypto hot path
 * and by verifiers that want an implementation independent of OpenSSL.
 */
noble.hashes.sha512 = (message: Uint8Array) => new Uint8Array(createHash('sha512').update(message).digest());

export function referencePublicKey(seed: Uint8Array): Uint8Array {
  return noble.getPublicKey(seed);
}

export function referenceSign(message: Uint8Array, seed: Uint8Array): Uint8Array {
  return noble.sign(message, seed);
}

export function referenceVerify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    return noble.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
}
