import { describe, expect, it } from 'vitest';
import { Signer, keyIdOf, verify } from '../../src/crypto/ed25519.js';
import { referencePublicKey, referenceSign, referenceVerify } from '../../src/crypto/ed25519-reference.js';
import { fromHex, toHex } from '../../src/encoding/hex.js';
import { inspect } from 'node:util';

// RFC 8032 section 7.1, TEST 1-3.
const vectors = [
  {
    seed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature:
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    seed: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature:
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
  {
    seed: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
    publicKey: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
    message: 'af82',
    signature:
      '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
  },
];

describe('Ed25519', () => {
  it.each(vectors)('node:crypto and the reference both reproduce RFC 8032 vector $publicKey', (v) => {
    const seed = fromHex(v.seed);
    const message = fromHex(v.message);
    const signer = Signer.fromSeed(seed);
    expect(toHex(signer.publicKey)).toBe(v.publicKey);
    expect(toHex(referencePublicKey(seed))).toBe(v.publicKey);
    expect(toHex(signer.sign(message))).toBe(v.signature);
    expect(toHex(referenceSign(message, seed))).toBe(v.signature);
    expect(verify(fromHex(v.signature), message, fromHex(v.publicKey))).toBe(true);
    expect(referenceVerify(fromHex(v.signature), message, fromHex(v.publicKey))).toBe(true);
  });

  it('signs with one implementation and verifies with the other, both ways, and both reject the same forgeries', () => {
    for (let i = 0; i < 50; i++) {
      const signer = Signer.generate();
      const seed = signer.exportSeed();
      const message = new Uint8Array(Buffer.from(`record ${i} ${'x'.repeat(i * 7)}`));
      const fast = signer.sign(message);
      const ref = referenceSign(message, seed);
      expect(fast).toEqual(ref);
      expect(referenceVerify(fast, message, signer.publicKey)).toBe(true);
      expect(verify(ref, message, signer.publicKey)).toBe(true);
      const forged = Uint8Array.from(fast);
      forged[i % 64]! ^= 1 << i % 8;
      expect(verify(forged, message, signer.publicKey)).toBe(false);
      expect(referenceVerify(forged, message, signer.publicKey)).toBe(false);
      const altered = Uint8Array.from(message);
      altered[0]! ^= 1;
      expect(verify(fast, altered, signer.publicKey)).toBe(false);
      expect(referenceVerify(fast, altered, signer.publicKey)).toBe(false);
    }
  });

  it('rejects a non-canonical S (S + L) in both implementations', () => {
    const signer = Signer.generate();
    const message = new Uint8Array([1, 2, 3]);
    const sig = signer.sign(message);
    const L = 2n ** 252n + 27742317777372353535851937790883648493n;
    let s = 0n;
    for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(sig[32 + i]!);
    let sPlusL = s + L;
    const malleable = Uint8Array.from(sig);
    for (let i = 0; i < 32; i++) {
      malleable[32 + i] = Number(sPlusL & 0xffn);
      sPlusL >>= 8n;
    }
    expect(verify(malleable, message, signer.publicKey)).toBe(false);
    expect(referenceVerify(malleable, message, signer.publicKey)).toBe(false);
  });

  it('returns false rather than throwing on malformed keys and signatures', () => {
    expect(verify(new Uint8Array(63), new Uint8Array(1), new Uint8Array(32))).toBe(false);
    expect(verify(new Uint8Array(64), new Uint8Array(1), new Uint8Array(31))).toBe(false);
    expect(referenceVerify(new Uint8Array(64), new Uint8Array(1), new Uint8Array(31))).toBe(false);
  });

  it('derives a 16-hex-digit key id and never shows the private key', () => {
    const signer = Signer.generate();
    expect(keyIdOf(signer.publicKey)).toMatch(/^[0-9a-f]{16}$/);
    const seedHex = toHex(signer.exportSeed());
    expect(JSON.stringify({ signer })).not.toContain(seedHex);
    expect(inspect(signer, { showHidden: true, depth: 5 })).not.toContain(seedHex);
    expect(String(signer)).not.toContain(seedHex);
  });
});
