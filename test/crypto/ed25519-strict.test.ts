import { createHash, createPublicKey, randomBytes, verify as nodeVerify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as noble from '@noble/ed25519';
import { describe, expect, it } from 'vitest';
import { Signer, publicKeyProblem, verify } from '../../src/crypto/ed25519.js';
import { decodesToPoint, isCanonicalScalar, pointEncodingProblem } from '../../src/crypto/ed25519-encoding.js';
import { referenceSign, referenceVerify } from '../../src/crypto/ed25519-reference.js';
import { fromHex, toHex } from '../../src/encoding/hex.js';

/**
 * posd's strict Ed25519 rules (docs/journal.md, "Signatures"), checked on both implementations:
 * the node:crypto hot path (src/crypto/ed25519.ts) and the @noble/ed25519 reference.
 */

const P = (1n << 255n) - 19n;
const L = (1n << 252n) + 27742317777372353535851937790883648493n;

interface TamingCase {
  n: number;
  what: string;
  message: string;
  publicKey: string;
  signature: string;
}
interface RfcVector {
  name: string;
  seed: string;
  publicKey: string;
  message: string;
  signature: string;
}
const taming = (JSON.parse(readFileSync(new URL('./vectors/taming-eddsa.json', import.meta.url), 'utf8')) as { cases: TamingCase[] }).cases;
const rfc = (JSON.parse(readFileSync(new URL('./vectors/rfc8032.json', import.meta.url), 'utf8')) as { vectors: RfcVector[] }).vectors;

/**
 * The documented verdict on each "Taming the many EdDSAs" vector: only vector 3 (mixed-order
 * A and R that satisfy the cofactorless equation) is valid. The same row as libsodium's and
 * ed25519-dalek's verify_strict in the paper's results table.
 */
const TAMING_VERDICT: Record<number, { valid: boolean; because: string }> = {
  0: { valid: false, because: 'A is small-order' },
  1: { valid: false, because: 'A is small-order' },
  2: { valid: false, because: 'R is small-order' },
  3: { valid: true, because: 'A and R have torsion components, but [S]B = R + [k]A holds' },
  4: { valid: false, because: 'only the cofactored equation holds' },
  5: { valid: false, because: 'only the cofactored equation holds' },
  6: { valid: false, because: 'S >= L' },
  7: { valid: false, because: 'S >= L' },
  8: { valid: false, because: 'R is a non-canonical (x = 0 with the sign bit) small-order encoding' },
  9: { valid: false, because: 'R is a non-canonical (x = 0 with the sign bit) small-order encoding' },
  10: { valid: false, because: 'A is a non-canonical (x = 0 with the sign bit) small-order encoding' },
  11: { valid: false, because: 'A is a non-canonical (x = 0 with the sign bit) small-order encoding' },
};

function both(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): { node: boolean; reference: boolean } {
  return { node: verify(signature, message, publicKey), reference: referenceVerify(signature, message, publicKey) };
}

function littleEndian(n: bigint, length = 32): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

/** The eight points of order dividing 8, from an order-8 point (derived here, not copied from src). */
function torsionPoints(): noble.Point[] {
  const t8 = noble.Point.fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a', false);
  expect(t8.multiply(4n, false).is0()).toBe(false);
  expect(t8.multiply(8n, false).is0()).toBe(true);
  const points: noble.Point[] = [];
  let p = noble.Point.ZERO;
  for (let i = 0; i < 8; i++) {
    points.push(p);
    p = p.add(t8);
  }
  return points;
}

/** Every 32-byte string that decodes (ZIP-215, the laxest rule) to a torsion point: 8 canonical + 6 others. */
function torsionEncodings(): Uint8Array[] {
  const out = new Map<string, Uint8Array>();
  for (const point of torsionPoints()) {
    const y = littleEndianValue(point.toBytes()) & ((1n << 255n) - 1n);
    for (const yValue of y + P < 1n << 255n ? [y, y + P] : [y]) {
      for (const sign of [0n, 1n << 255n]) {
        const bytes = littleEndian(yValue | sign);
        try {
          if (noble.Point.fromBytes(bytes, true).equals(point)) out.set(toHex(bytes), bytes);
        } catch {
          // not an encoding of this point
        }
      }
    }
  }
  return [...out.values()];
}

function littleEndianValue(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
}

function challenge(r: Uint8Array, a: Uint8Array, message: Uint8Array): bigint {
  return littleEndianValue(new Uint8Array(createHash('sha512').update(r).update(a).update(message).digest())) % L;
}

describe('strict Ed25519: the same verdict from node:crypto and the reference', () => {
  it.each(rfc)('accepts RFC 8032 section 7.1 $name in both, and both reproduce its key and signature', (v) => {
    const seed = fromHex(v.seed);
    const message = fromHex(v.message);
    expect(toHex(Signer.fromSeed(seed).publicKey)).toBe(v.publicKey);
    expect(toHex(Signer.fromSeed(seed).sign(message))).toBe(v.signature);
    expect(toHex(referenceSign(message, seed))).toBe(v.signature);
    expect(both(fromHex(v.signature), message, fromHex(v.publicKey))).toEqual({ node: true, reference: true });
    const altered = Uint8Array.from(fromHex(v.signature));
    altered[0]! ^= 0x01;
    expect(both(altered, message, fromHex(v.publicKey))).toEqual({ node: false, reference: false });
  });

  it('the RFC 8032 SHA(abc) vector signs SHA-512("abc")', () => {
    expect(rfc.find((v) => v.name === 'TEST SHA(abc)')!.message).toBe(createHash('sha512').update('abc').digest('hex'));
    expect(fromHex(rfc.find((v) => v.name === 'TEST 1024')!.message)).toHaveLength(1023);
  });

  it('has the 12 "Taming the many EdDSAs" vectors', () => {
    expect(taming.map((c) => c.n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it.each(taming)('gives the documented verdict on Taming vector $n ($what)', (c) => {
    const expected = TAMING_VERDICT[c.n]!;
    const verdict = both(fromHex(c.signature), fromHex(c.message), fromHex(c.publicKey));
    expect(verdict, expected.because).toEqual({ node: expected.valid, reference: expected.valid });
  });

  it('does not simply call noble.verify: its cofactored check accepts vectors 2, 4 and 5, which OpenSSL refuses', () => {
    const nobleStrict = taming.filter((c) => noble.verify(fromHex(c.signature), fromHex(c.message), fromHex(c.publicKey), { zip215: false })).map((c) => c.n);
    expect(nobleStrict).toEqual([2, 3, 4, 5]);
  });

  it('needs its own checks in front of OpenSSL: raw node:crypto gives the paper\'s OpenSSL row (accepts 0, 1, 2, 3 and 11)', () => {
    const spki = Buffer.from('302a300506032b6570032100', 'hex');
    const raw = taming
      .filter((c) => {
        const key = createPublicKey({ key: Buffer.concat([spki, fromHex(c.publicKey)]), format: 'der', type: 'spki' });
        return nodeVerify(null, fromHex(c.message), key, fromHex(c.signature));
      })
      .map((c) => c.n);
    expect(raw).toEqual([0, 1, 2, 3, 11]);
  });

  it('finds all 14 encodings of the 8 torsion points and refuses each as a public key and as R, in both', () => {
    const encodings = torsionEncodings();
    expect(encodings).toHaveLength(14);
    const honest = Signer.generate();
    const message = new Uint8Array(randomBytes(40));
    const signature = honest.sign(message);
    for (const encoding of encodings) {
      const hex = toHex(encoding);
      expect(pointEncodingProblem(encoding), hex).toBeDefined();
      expect(publicKeyProblem(encoding), hex).toMatch(/^(small_order|non_canonical)$/);
      const withR = concat(encoding, signature.subarray(32));
      expect(both(withR, message, honest.publicKey), hex).toEqual({ node: false, reference: false });
    }
  });

  it('refuses a small-order public key even with a signature every lax verifier accepts, for every such key', () => {
    const zero = new Uint8Array(32);
    for (const key of torsionEncodings()) {
      const A = noble.Point.fromBytes(key, true);
      // Find (message, R) with R small-order and R + [k]A = 0, so that S = 0 satisfies even the cofactorless equation.
      let found = false;
      for (let attempt = 0; attempt < 64 && !found; attempt++) {
        const message = new Uint8Array(Buffer.from(`any message ${attempt}`));
        for (const R of torsionPoints()) {
          const rBytes = R.toBytes();
          if (!R.add(A.multiply(challenge(rBytes, key, message), false)).is0()) continue;
          const signature = concat(rBytes, zero);
          expect(noble.verify(signature, message, key, { zip215: true }), toHex(key)).toBe(true);
          expect(both(signature, message, key), toHex(key)).toEqual({ node: false, reference: false });
          found = true;
          break;
        }
      }
      expect(found, toHex(key)).toBe(true);
    }
  });

  it('the identity key with R = identity and S = 0 "verifies" any message under lax rules, and under neither posd implementation', () => {
    const identity = fromHex(`01${'00'.repeat(31)}`);
    const signature = concat(identity, new Uint8Array(32));
    for (const text of ['pay 1 fen', 'pay 1000000 fen', '']) {
      const message = new Uint8Array(Buffer.from(text));
      expect(noble.verify(signature, message, identity, { zip215: true })).toBe(true);
      expect(both(signature, message, identity)).toEqual({ node: false, reference: false });
    }
    expect(publicKeyProblem(identity)).toBe('small_order');
  });

  it('refuses non-canonical encodings (y >= p) of points that are not small-order, as A and as R, in both', () => {
    const honest = Signer.generate();
    const message = new Uint8Array(Buffer.from('non-canonical'));
    const signature = honest.sign(message);
    let tried = 0;
    for (let y = 0n; y < 19n; y++) {
      for (const sign of [0, 0x80]) {
        const bytes = littleEndian(y + P);
        bytes[31] = (bytes[31]! & 0x7f) | sign;
        try {
          noble.Point.fromBytes(bytes, true);
        } catch {
          continue;
        }
        tried++;
        expect(pointEncodingProblem(bytes)).toBe('non_canonical');
        expect(publicKeyProblem(bytes)).toBe('non_canonical');
        expect(both(concat(bytes, signature.subarray(32)), message, honest.publicKey)).toEqual({ node: false, reference: false });
        expect(both(signature, message, bytes)).toEqual({ node: false, reference: false });
      }
    }
    expect(tried).toBeGreaterThan(4);
  });

  it('refuses R with a torsion component added (passes the cofactored equation only), in both', () => {
    const [, t8] = torsionPoints();
    for (let i = 0; i < 10; i++) {
      const signer = Signer.generate();
      const message = new Uint8Array(randomBytes(20 + i));
      const signature = signer.sign(message);
      // R' = R + T (T of order 8) with S' = r + k'a: [8]R' = [8]R, so [8][S']B = [8]R' + [8][k']A holds, but [S']B = R' + [k']A does not.
      const R = noble.Point.fromBytes(signature.subarray(0, 32), false).add(t8!);
      const k = challenge(R.toBytes(), signer.publicKey, message);
      const a = littleEndianValue(createHash('sha512').update(signer.exportSeed()).digest().subarray(0, 32));
      const scalar = (a & ((1n << 254n) - 8n)) | (1n << 254n);
      const r = (littleEndianValue(signature.subarray(32)) - challenge(signature.subarray(0, 32), signer.publicKey, message) * scalar) % L;
      const s = (((r + k * scalar) % L) + L) % L;
      const forged = concat(R.toBytes(), littleEndian(s));
      expect(noble.verify(forged, message, signer.publicKey, { zip215: false })).toBe(true);
      expect(both(forged, message, signer.publicKey)).toEqual({ node: false, reference: false });
    }
  });

  it('takes S below L only: refuses S = L, L + 1, 2^256 - 1 and S + nL of a good signature', () => {
    expect(isCanonicalScalar(littleEndian(L - 1n))).toBe(true);
    expect(isCanonicalScalar(littleEndian(0n))).toBe(true);
    expect(isCanonicalScalar(littleEndian(L))).toBe(false);
    expect(isCanonicalScalar(littleEndian(L + 1n))).toBe(false);
    expect(isCanonicalScalar(littleEndian((1n << 256n) - 1n))).toBe(false);
    expect(isCanonicalScalar(littleEndian(1n << 252n))).toBe(true);
    for (let i = 0; i < 200; i++) {
      const s = littleEndianValue(new Uint8Array(randomBytes(32)));
      expect(isCanonicalScalar(littleEndian(s))).toBe(s < L);
    }
    const signer = Signer.generate();
    const message = new Uint8Array([7]);
    const signature = signer.sign(message);
    const s = littleEndianValue(signature.subarray(32));
    for (const bad of [s + L, s + 2n * L, s + 15n * L]) {
      if (bad >= 1n << 256n) continue;
      expect(both(concat(signature.subarray(0, 32), littleEndian(bad)), message, signer.publicKey)).toEqual({ node: false, reference: false });
    }
  });

  it('tells a public key that is not a point from one that is, as noble decodes it', () => {
    for (let i = 0; i < 300; i++) {
      const bytes = new Uint8Array(randomBytes(32));
      let decodes = true;
      try {
        noble.Point.fromBytes(bytes, false);
      } catch {
        decodes = false;
      }
      expect(decodesToPoint(bytes), toHex(bytes)).toBe(decodes);
      if (!decodes && pointEncodingProblem(bytes) === undefined) expect(publicKeyProblem(bytes)).toBe('not_a_point');
    }
  });

  it('agrees with the reference on random keys, messages and single-bit corruptions of signature and key', () => {
    for (let i = 0; i < 60; i++) {
      const signer = Signer.generate();
      const message = new Uint8Array(randomBytes(i * 3));
      const signature = signer.sign(message);
      expect(both(signature, message, signer.publicKey)).toEqual({ node: true, reference: true });
      const bit = (i * 37) % 512;
      const badSig = Uint8Array.from(signature);
      badSig[bit >> 3]! ^= 1 << (bit & 7);
      const v1 = both(badSig, message, signer.publicKey);
      expect(v1.node).toBe(v1.reference);
      const badKey = Uint8Array.from(signer.publicKey);
      badKey[(i * 5) % 32]! ^= 1 << (i % 8);
      const v2 = both(signature, message, badKey);
      expect(v2).toEqual({ node: false, reference: false });
    }
  });
});
