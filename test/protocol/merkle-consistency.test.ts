import { describe, expect, it } from 'vitest';
import { sha256 } from '../../src/crypto/sha256.js';
import { fromHex, toHex } from '../../src/encoding/hex.js';
import {
  consistencyProof,
  frontierRanges,
  merkleRoot,
  MerkleFrontier,
  subtreeRootsOf,
  verifyConsistency,
  type SubtreeRoots,
} from '../../src/protocol/merkle.js';

// The Certificate Transparency reference tree (RFC 6962 test data): eight leaves and the roots of
// sizes 1..8, with three published consistency proofs.
const CT_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) => Uint8Array.from(Buffer.from(h, 'hex')));
const CT_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const CT_CONSISTENCY: [number, number, string[]][] = [
  [1, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
  [6, 8, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
  [2, 5, ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
];
const root = (size: number): Uint8Array => fromHex(CT_ROOTS[size - 1]!, 32);

describe('Merkle consistency proofs (RFC 9162 section 2.1.4)', () => {
  it('reproduces the reference roots and consistency proofs', () => {
    for (let n = 1; n <= 8; n++) expect(toHex(merkleRoot(CT_LEAVES.slice(0, n)))).toBe(CT_ROOTS[n - 1]);
    for (const [m, n, proof] of CT_CONSISTENCY) {
      expect(consistencyProof(subtreeRootsOf(CT_LEAVES), m, n).map(toHex)).toEqual(proof);
      expect(verifyConsistency(m, n, proof.map((p) => fromHex(p, 32)), root(m), root(n))).toBe(true);
    }
  });

  it('refuses every corruption of a good proof', () => {
    const some = sha256('some hash');
    for (const [m, n, hexProof] of CT_CONSISTENCY) {
      const proof = hexProof.map((p) => fromHex(p, 32));
      const wrong: [number, number, Uint8Array, Uint8Array, Uint8Array[]][] = [
        [m - 1, n, root(m), root(n), proof],
        [m + 1, n, root(m), root(n), proof],
        [m ^ 2, n, root(m), root(n), proof],
        [m, n * 2, root(m), root(n), proof],
        [m, Math.floor(n / 2), root(m), root(n), proof],
        [m, n, some, root(n), proof],
        [m, n, root(m), some, proof],
        [m, n, root(n), root(m), proof],
        [m, n, root(m), root(n), []],
        [m, n, root(m), root(n), [...proof, root(m)]],
        [m, n, root(m), root(n), [root(n), ...proof]],
        [m, n, root(m), root(n), [proof[0]!, ...proof]],
        [m, n, root(m), root(n), proof.slice(0, -1)],
        ...proof.map((_, i): [number, number, Uint8Array, Uint8Array, Uint8Array[]] => {
          const bent = proof.map((p) => Uint8Array.from(p));
          bent[i]![0]! ^= 16;
          return [m, n, root(m), root(n), bent];
        }),
      ];
      for (const [a, b, ra, rb, p] of wrong) expect(verifyConsistency(a, b, p, ra, rb), `${m}->${n} probe ${a},${b}`).toBe(false);
    }
  });

  it('holds between every pair of sizes of a larger tree, and fails against a rewritten history', () => {
    const leaves = Array.from({ length: 40 }, (_, i) => sha256(`record ${i}`));
    const rewritten = leaves.map((l, i) => (i === 20 ? sha256('rewritten') : l));
    const rootOf = subtreeRootsOf(leaves);
    for (let m = 1; m <= leaves.length; m++) {
      for (let n = m; n <= leaves.length; n += 1 + (n % 3)) {
        const proof = consistencyProof(rootOf, m, n);
        expect(verifyConsistency(m, n, proof, rootOf(0, m), rootOf(0, n))).toBe(true);
        if (m > 20) expect(verifyConsistency(m, n, consistencyProof(subtreeRootsOf(rewritten), m, n), rootOf(0, m), merkleRoot(rewritten.slice(0, n)))).toBe(false);
      }
    }
  });

  it('needs only the old tree\'s right edge and the leaves added since', () => {
    const leaves = Array.from({ length: 300 }, (_, i) => sha256(`record ${i}`));
    const full = subtreeRootsOf(leaves);
    for (const [m, n] of [
      [13, 300],
      [128, 129],
      [255, 256],
      [1, 300],
      [200, 300],
    ] as const) {
      const old = new MerkleFrontier();
      for (const leaf of leaves.slice(0, m)) old.add(leaf);
      const edge = new Map(frontierRanges(m).map(([a, b], i) => [`${a}:${b}`, old.subtrees()[i]!]));
      const asked: [number, number][] = [];
      const rootOf: SubtreeRoots = (from, to) => {
        asked.push([from, to]);
        if (to <= m) {
          const hit = edge.get(`${from}:${to}`);
          if (!hit) throw new Error(`[${from}, ${to}) is not on the right edge of a tree of ${m}`);
          return hit;
        }
        expect(from).toBeGreaterThanOrEqual(m);
        return full(from, to);
      };
      const proof = consistencyProof(rootOf, m, n);
      expect(proof.map(toHex)).toEqual(consistencyProof(full, m, n).map(toHex));
      expect(verifyConsistency(m, n, proof, old.root(), full(0, n))).toBe(true);
      expect(asked.length).toBe(proof.length);
    }
  });
});
