import { createPrivateKey, createPublicKey, randomBytes, sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { toHex } from '../encoding/hex.js';
import { sha256 } from './sha256.js';

/**
 * All Ed25519 signing and verifying in posd goes through this module.
 *
 * node:crypto (OpenSSL) is the hot path: about 20x faster here than the pure-JS reference
 * (bench: crypto.*). @noble/ed25519 is the reference implementation; the test suite signs with
 * each and verifies with the other, and checks RFC 8032 vectors against both. Verification is
 * strict RFC 8032 in both (noble with zip215: false), so they accept exactly the same signatures.
 */

export const PUBLIC_KEY_BYTES = 32;
export const SEED_BYTES = 32;
export const SIGNATURE_BYTES = 64;

const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export class KeyError extends Error {
  override readonly name = 'KeyError';
}

/** 16 hex digits: the first 8 bytes of SHA-256 of the raw 32-byte public key. */
export function keyIdOf(publicKey: Uint8Array): string {
  return toHex(sha256(publicKey).subarray(0, 8));
}

/**
 * A private key that signs but never shows itself: not in logs, JSON, or util.inspect.
 * The seed is readable once, through exportSeed(), by the code that writes the key file.
 */
export class Signer {
  readonly publicKey: Uint8Array;
  readonly keyId: string;
  readonly #key: KeyObject;
  readonly #seed: Uint8Array;

  private constructor(seed: Uint8Array) {
    if (seed.length !== SEED_BYTES) throw new KeyError(`an Ed25519 seed is ${SEED_BYTES} bytes, got ${seed.length}`);
    this.#seed = Uint8Array.from(seed);
    this.#key = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
    const spki = createPublicKey(this.#key).export({ format: 'der', type: 'spki' });
    this.publicKey = new Uint8Array(spki.subarray(SPKI_PREFIX.length));
    this.keyId = keyIdOf(this.publicKey);
  }

  static fromSeed(seed: Uint8Array): Signer {
    return new Signer(seed);
  }

  static generate(): Signer {
    return new Signer(new Uint8Array(randomBytes(SEED_BYTES)));
  }

  sign(message: Uint8Array | string): Uint8Array {
    return new Uint8Array(nodeSign(null, typeof message === 'string' ? Buffer.from(message) : message, this.#key));
  }

  /** For the key file writer only. */
  exportSeed(): Uint8Array {
    return Uint8Array.from(this.#seed);
  }

  /** PKCS #8 PEM, the format `openssl pkey` reads; for the key file writer only. */
  exportPkcs8Pem(): string {
    return this.#key.export({ format: 'pem', type: 'pkcs8' }).toString();
  }

  static fromPkcs8Pem(pem: string): Signer {
    let der: Buffer;
    try {
      const key = createPrivateKey({ key: pem, format: 'pem' });
      if (key.asymmetricKeyType !== 'ed25519') throw new KeyError(`not an Ed25519 key (${key.asymmetricKeyType})`);
      der = key.export({ format: 'der', type: 'pkcs8' });
    } catch (err) {
      if (err instanceof KeyError) throw err;
      throw new KeyError(`unreadable private key: ${(err as Error).message}`);
    }
    return new Signer(new Uint8Array(der.subarray(der.length - SEED_BYTES)));
  }

  toJSON(): { keyId: string } {
    return { keyId: this.keyId };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Signer { keyId: '${this.keyId}', privateKey: [redacted] }`;
  }
}

const publicKeyCache = new Map<string, KeyObject>();
const PUBLIC_KEY_CACHE_LIMIT = 4096;

function publicKeyObject(publicKey: Uint8Array): KeyObject {
  const cacheKey = toHex(publicKey);
  let key = publicKeyCache.get(cacheKey);
  if (!key) {
    if (publicKey.length !== PUBLIC_KEY_BYTES) throw new KeyError(`an Ed25519 public key is ${PUBLIC_KEY_BYTES} bytes`);
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
    if (publicKeyCache.size >= PUBLIC_KEY_CACHE_LIMIT) publicKeyCache.clear();
    publicKeyCache.set(cacheKey, key);
  }
  return key;
}

/** Strict RFC 8032 verification; false (never a throw) for any malformed input. */
export function verify(signature: Uint8Array, message: Uint8Array | string, publicKey: Uint8Array): boolean {
  if (signature.length !== SIGNATURE_BYTES || publicKey.length !== PUBLIC_KEY_BYTES) return false;
  try {
    return nodeVerify(null, typeof message === 'string' ? Buffer.from(message) : message, publicKeyObject(publicKey), signature);
  } catch {
    return false;
  }
}
