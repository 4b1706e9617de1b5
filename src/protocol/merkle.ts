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

  /** The roots of the right-edge subtrees, left to right (see frontierRanges for their leaf ranges). */
  subtrees(): readonly Uint8Array[] {
    return this.stack;
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

/** The Merkle tree hash (MTH) of the leaves in [from, to): how a proof generator reads the tree. */
export type SubtreeRoots = (from: number, to: number) => Uint8Array;

/** Subtree roots over record hashes held in memory (tests, small trees). */
export function subtreeRootsOf(recordHashes: readonly Uint8Array[]): SubtreeRoots {
  const rootOf = (from: number, to: number): Uint8Array => {
    const n = to - from;
    if (n === 0) return EMPTY_ROOT;
    if (n === 1) return leafHash(recordHashes[from]!);
    const k = largestPowerOfTwoBelow(n);
    return nodeHash(rootOf(from, from + k), rootOf(from + k, to));
  };
  return rootOf;
}

/** The MTH of a stream of record hashes, in O(log n) memory. */
export function streamedRoot(recordHashes: Iterable<Uint8Array>): Uint8Array {
  const frontier = new MerkleFrontier();
  for (const hash of recordHashes) frontier.add(hash);
  return frontier.root();
}

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && 2 ** Math.round(Math.log2(n)) === n;
}

export function merkleRoot(recordHashes: readonly Uint8Array[]): Uint8Array {
  return subtreeRootsOf(recordHashes)(0, recordHashes.length);
}

/** RFC 9162 inclusion proof (PATH, section 2.1.3.1) of leaf `index` in the tree of `size` leaves. */
export function inclusionProof(tree: readonly Uint8Array[] | SubtreeRoots, index: number, size: number): Uint8Array[] {
  const rootOf = typeof tree === 'function' ? tree : subtreeRootsOf(tree);
  if (!(index >= 0 && index < size && (typeof tree === 'function' || size <= tree.length))) throw new RangeError(`leaf ${index} is not in a tree of size ${size}`);
  const path = (m: number, from: number, to: number): Uint8Array[] => {
    const n = to - from;
    if (n === 1) return [];
    const k = largestPowerOfTwoBelow(n);
    return m < k ? [...path(m, from, from + k), rootOf(from + k, to)] : [...path(m - k, from + k, to), rootOf(from, from + k)];
  };
  return path(index, 0, size);
}

/**
 * RFC 9162 consistency proof (PROOF, section 2.1.4.1) that the tree of `newSize` leaves extends
 * the tree of `oldSize` leaves. Every node of the proof either lies wholly inside the old tree,
 * where it is one of the old tree's right-edge subtrees (a MerkleFrontier of `oldSize`), or
 * wholly among the leaves added since; `rootOf` is asked only for those two kinds of range.
 */
export function consistencyProof(rootOf: SubtreeRoots, oldSize: number, newSize: number): Uint8Array[] {
  if (!(Number.isSafeInteger(oldSize) && Number.isSafeInteger(newSize) && oldSize >= 1 && oldSize <= newSize)) {
    throw new RangeError(`no consistency proof from size ${oldSize} to size ${newSize}`);
  }
  const sub = (m: number, from: number, to: number, complete: boolean): Uint8Array[] => {
    const n = to - from;
    if (m === n) return complete ? [] : [rootOf(from, to)];
    const k = largestPowerOfTwoBelow(n);
    return m <= k ? [...sub(m, from, from + k, complete), rootOf(from + k, to)] : [...sub(m - k, from + k, to, false), rootOf(from, from + k)];
  };
  return sub(oldSize, 0, newSize, true);
}

/** RFC 9162 section 2.1.4.2: does `proof` show the tree of `newSize` with `newRoot` extends the tree of `oldSize` with `oldRoot`? */
export function verifyConsistency(oldSize: number, newSize: number, proof: readonly Uint8Array[], oldRoot: Uint8Array, newRoot: Uint8Array): boolean {
  if (!(Number.isSafeInteger(oldSize) && Number.isSafeInteger(newSize) && oldSize >= 1 && oldSize <= newSize)) return false;
  if (oldSize === newSize) return proof.length === 0 && sameBytes(oldRoot, newRoot);
  if (proof.length === 0 || proof.length > 128) return false;
  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : [...proof];
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && sameBytes(fr, oldRoot) && sameBytes(sr, newRoot);
}

/** The leaf ranges [from, to) of a frontier's subtrees, left to right: one per set bit of `size`, largest first. */
export function frontierRanges(size: number): [number, number][] {
  const ranges: [number, number][] = [];
  let from = 0;
  for (let bit = 2 ** Math.floor(Math.log2(Math.max(size, 1))); bit >= 1; bit /= 2) {
    if (Math.floor(size / bit) % 2 === 1) {
      ranges.push([from, from + bit]);
      from += bit;
    }
  }
  return ranges;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
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
  return sn === 0 && sameBytes(r, root);
}
