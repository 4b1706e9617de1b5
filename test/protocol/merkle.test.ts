import { describe, expect, it } from 'vitest';
import { sha256 } from '../../src/crypto/sha256.js';
import { toHex } from '../../src/encoding/hex.js';
import { EMPTY_ROOT, MerkleFrontier, inclusionProof, leafHash, merkleRoot, nodeHash, verifyInclusion } from '../../src/protocol/merkle.js';

const leaves = Array.from({ length: 40 }, (_, i) => sha256(`record ${i}`));

describe('Merkle tree (RFC 9162)', () => {
  it('hashes leaves and nodes with the 0x00 / 0x01 prefixes, and the empty tree as SHA-256("")', () => {
    expect(toHex(EMPTY_ROOT)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(toHex(merkleRoot([leaves[0]!]))).toBe(toHex(sha256(Uint8Array.of(0), leaves[0]!)));
    const two = nodeHash(leafHash(leaves[0]!), leafHash(leaves[1]!));
    expect(toHex(two)).toBe(toHex(sha256(Uint8Array.of(1), leafHash(leaves[0]!), leafHash(leaves[1]!))));
    // Three leaves: the split is at the largest power of two below n, so ((0,1),2).
    expect(toHex(merkleRoot(leaves.slice(0, 3)))).toBe(toHex(nodeHash(two, leafHash(leaves[2]!))));
  });

  it('the incremental frontier gives the same root as the recursive definition at every size', () => {
    const frontier = new MerkleFrontier();
    expect(frontier.root()).toEqual(EMPTY_ROOT);
    for (let n = 1; n <= leaves.length; n++) {
      frontier.add(leaves[n - 1]!);
      expect(toHex(frontier.root())).toBe(toHex(merkleRoot(leaves.slice(0, n))));
    }
    const restored = MerkleFrontier.fromJSON(JSON.parse(JSON.stringify(frontier.toJSON())) as { size: number; stack: string[] });
    expect(restored.root()).toEqual(frontier.root());
  });

  it('inclusion proofs verify for every leaf of every size and fail when anything changes', () => {
    for (let size = 1; size <= 17; size++) {
      const root = merkleRoot(leaves.slice(0, size));
      for (let index = 0; index < size; index++) {
        const proof = inclusionProof(leaves, index, size);
        expect(verifyInclusion(leaves[index]!, index, size, proof, root)).toBe(true);
        expect(verifyInclusion(leaves[(index + 1) % 40]!, index, size, proof, root)).toBe(false);
        if (size > 1) {
          expect(verifyInclusion(leaves[index]!, (index + 1) % size, size, proof, root)).toBe(false);
          const bent = proof.map((p) => Uint8Array.from(p));
          bent[0]![0]! ^= 1;
          expect(verifyInclusion(leaves[index]!, index, size, bent, root)).toBe(false);
        }
      }
    }
  });
});
