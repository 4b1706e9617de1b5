import { CodedError } from '../errors/coded-error.js';
import { createPrivateKey, createPublicKey, randomBytes, sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { toHex } from '../encoding/hex.js';
import { decodesToPoint, isCanonicalScalar, pointEncodingProblem } from './ed25519-encoding.js';
import { sha256 } from './sha256.js';

/**
 * All Ed25519 signing and verifying in posd goes through this module.
 *
 * node:crypto (OpenSSL) is the hot path: several times faster here than the pure-JS reference
 * (bench: crypto.*). @noble/ed25519 is the reference implementation (ed25519-reference.ts); the
 * test suite signs with each and verifies with the other, and runs RFC 8032 and the "Taming the
 * many EdDSAs" edge-case vectors through both.
 *
 * Verification is strict, the same rules in both (docs/journal.md, "Signatures"): S below L,
 * A and R canonical (y below p) and neither of them a small-order point, and the cofactorless
 * equation [S]B = R + [k]A. OpenSSL checks S and the equation but accepts small-order and
 * non-canonical public keys, and small-order R, so this module refuses those itself before
 * calling it: the key once (cached, keys repeat), R and S per signature (a few byte compares).
 */

export const PUBLIC_KEY_BYTES = 32;
export const SEED_BYTES = 32;
export const SIGNATURE_BYTES = 64;

const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export type KeyErrorCode = 'bad_key' | 'key_missing';

/** A key that cannot be used: malformed or weak (bad_key), or absent where it must be (key_missing). */
export class KeyError extends CodedError<KeyErrorCode> {
  override readonly name = 'KeyError';
  constructor(message: string, code: KeyErrorCode = 'bad_key') {
    super(code, message);
  }
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

/** Why a public key is refused under the strict rules. */
export type PublicKeyProblem = 'wrong_length' | 'non_canonical' | 'small_order' | 'not_a_point';

export const PUBLIC_KEY_PROBLEMS: Readonly<Record<PublicKeyProblem, string>> = {
  wrong_length: `not ${PUBLIC_KEY_BYTES} bytes`,
  non_canonical: 'a non-canonical encoding (y >= p)',
  small_order: 'a small-order point, under which a signature proves nothing',
  not_a_point: 'not a point on the curve',
};

/** undefined when `publicKey` is a key signatures can be verified under; otherwise why not. */
export function publicKeyProblem(publicKey: Uint8Array): PublicKeyProblem | undefined {
  return checkedKey(publicKey).problem;
}

type CheckedKey = { key: KeyObject; problem?: undefined } | { key?: undefined; problem: PublicKeyProblem };

const WRONG_LENGTH: CheckedKey = { problem: 'wrong_length' };
const keyCache = new Map<string, CheckedKey>();
const KEY_CACHE_LIMIT = 4096;
let lastKeyBytes: Uint8Array | undefined;
let lastKey: CheckedKey | undefined;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The strict verdict on a public key, and its KeyObject when it passes; computed once per key. */
function checkedKey(publicKey: Uint8Array): CheckedKey {
  if (publicKey.length !== PUBLIC_KEY_BYTES) return WRONG_LENGTH;
  if (lastKeyBytes && lastKey && sameBytes(lastKeyBytes, publicKey)) return lastKey;
  const cacheKey = toHex(publicKey);
  let checked = keyCache.get(cacheKey);
  if (checked === undefined) {
    const problem = pointEncodingProblem(publicKey) ?? (decodesToPoint(publicKey) ? undefined : 'not_a_point');
    checked = problem ? { problem } : keyObjectOf(publicKey);
    if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.clear();
    keyCache.set(cacheKey, checked);
  }
  lastKeyBytes = Uint8Array.from(publicKey);
  lastKey = checked;
  return checked;
}

function keyObjectOf(publicKey: Uint8Array): CheckedKey {
  try {
    return { key: createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' }) };
  } catch {
    return { problem: 'not_a_point' };
  }
}

/**
 * Strict Ed25519 verification (see the module comment); false, never a throw, for anything
 * malformed, weak or non-canonical.
 */
export function verify(signature: Uint8Array, message: Uint8Array | string, publicKey: Uint8Array): boolean {
  if (signature.length !== SIGNATURE_BYTES) return false;
  const { key } = checkedKey(publicKey);
  if (!key) return false;
  if (pointEncodingProblem(signature.subarray(0, 32)) !== undefined || !isCanonicalScalar(signature.subarray(32))) return false;
  try {
    return nodeVerify(null, typeof message === 'string' ? Buffer.from(message) : message, key, signature);
  } catch {
    return false;
  }
}
