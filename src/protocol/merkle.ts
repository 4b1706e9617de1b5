import { createHash } from 'node:crypto';
import { fromHex, toHex } from '../encoding/hex.js';

/**
 * RFC 9162 (Certificate Transparency 2.0) Merkle tree over record hashes:
 * leaf = SHA-256(0x00 || recordHash), node = SHA-256(0x01 || left || right),
 * the empty tree's root = SHA-256(""). A checkpoint of size n commits to records 0 .. n-1.
 */

const LEAF_PREFIX = Buffer.of(0x00);
const NODE_PREFIX = Buffer.of(0x01);

export function leafHash(recordHash: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(LEAF_PREFIX).update(recordHash).digest());
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest());
}

export const EMPTY_ROOT = new Uint8Array(createHash('sha256').digest());

/**
 * The right edge of a growing tree: one perfect-subtree root per set bit of the size.
 * Appending is O(1) amortised, the root O(log n), the memory O(log n), so a verifier can
 * follow a journal of any length in bounded memory.
 */
export class MerkleFrontier {
  private readonly stack: Uint8Array[];
  private count: number;

  constructor(size = 0, stack: Uint8Array[] = []) {
    if (stack.length !== popcount(size)) throw new Error(`a frontier of size ${size} has ${popcount(size)} subtrees, got ${stack.length}`);
    this.count = size;
    this.stack = stack;
  }

  get size(): number {
    return this.count;
  }

  add(recordHash: Uint8Array): void {
    let hash = leafHash(recordHash);
    let size = this.count;
    while (size & 1) {
      hash = nodeHash(this.stack.pop()!, hash);
      size = Math.floor(size / 2);
    }
    this.stack.push(hash);
    this.count++;
  }

  root(): Uint8Array {
    if (this.stack.length === 0) return EMPTY_ROOT;
    let root = this.stack[this.stack.length - 1]!;
    for (let i = this.stack.length - 2; i >= 0; i--) root = nodeHash(this.stack[i]!, root);
    return root;
  }

  clone(): MerkleFrontier {
    return new MerkleFrontier(this.count, [...this.stack]);
  }

  toJSON(): { size: number; stack: string[] } {
    return { size: this.count, stack: this.stack.map(toHex) };
  }

  static fromJSON(json: { size: number; stack: string[] }): MerkleFrontier {
    return new MerkleFrontier(json.size, json.stack.map((h) => fromHex(h, 32)));
  }
}

function popcount(n: number): number {
  let count = 0;
  for (let v = n; v > 0; v = Math.floor(v / 2)) count += v & 1;
  return count;
}

/** Root of the tree over leaves [from, to) of `hashes` (record hashes), as RFC 9162 MTH. */
function subtreeRoot(hashes: readonly Uint8Array[], from: number, to: number): Uint8Array {
  const n = to - from;
  if (n === 0) return EMPTY_ROOT;
  if (n === 1) return leafHash(hashes[from]!);
  const k = largestPowerOfTwoBelow(n);
  return nodeHash(subtreeRoot(hashes, from, from + k), subtreeRoot(hashes, from + k, to));
}

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export function merkleRoot(recordHashes: readonly Uint8Array[]): Uint8Array {
  return subtreeRoot(recordHashes, 0, recordHashes.length);
}

/** RFC 9162 inclusion proof (PATH) of leaf `index` in the tree over the first `size` record hashes. */
export function inclusionProof(recordHashes: readonly Uint8Array[], index: number, size: number): Uint8Array[] {
  if (!(index >= 0 && index < size && size <= recordHashes.length)) throw new RangeError(`leaf ${index} is not in a tree of size ${size}`);
  const path = (m: number, from: number, to: number): Uint8Array[] => {
    const n = to - from;
    if (n === 1) return [];
    const k = largestPowerOfTwoBelow(n);
    return m < k
      ? [...path(m, from, from + k), subtreeRoot(recordHashes, from + k, to)]
      : [...path(m - k, from + k, to), subtreeRoot(recordHashes, from, from + k)];
  };
  return path(index, 0, size);
}

/** RFC 9162 section 2.1.3.2: does `proof` show record `recordHash` at `index` in a tree of `size` with `root`? */
export function verifyInclusion(recordHash: Uint8Array, index: number, size: number, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  if (index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leafHash(recordHash);
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && Buffer.from(r).equals(Buffer.from(root));
}
