// RFC 6962 §2.1 / RFC 9162 §2.1 Merkle tree hashing over SHA-256, proofs, and their verification.
// Sizes and indices are JavaScript safe integers, so all bit arithmetic below is done with
// division (bitwise operators would truncate to 32 bits).
import { sha256 } from './sha256.js';

/** Roots of the perfect subtrees of a tree of a given size, one per set bit, left to right. */
export type Frontier = readonly Buffer[];

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);
const EMPTY_ROOT = sha256('');
const nodeInput = Buffer.alloc(65, NODE_PREFIX);

/** SHA-256(0x00 || data); a string is hashed as its UTF-8 bytes. */
export function leafHash(data: Uint8Array | string): Buffer {
  return typeof data === 'string' ? sha256('\u0000' + data) : sha256(Buffer.concat([LEAF_PREFIX, data]));
}

/** SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length !== 32 || right.length !== 32) return sha256(Buffer.concat([NODE_PREFIX, left, right]));
  nodeInput.set(left, 1);
  nodeInput.set(right, 33);
  return sha256(nodeInput);
}

/** The root of the empty tree, SHA-256 of the empty string. */
export function emptyRoot(): Buffer {
  return Buffer.from(EMPTY_ROOT);
}

/** MTH(D[n]) from the leaf hashes, literally RFC 6962 §2.1: split at the largest power of two below n. */
export function rootFromLeafHashes(hashes: readonly Buffer[]): Buffer {
  const mth = (start: number, end: number): Buffer => {
    if (end - start === 1) return at(hashes[start]);
    const k = splitPoint(end - start);
    return nodeHash(mth(start, start + k), mth(start + k, end));
  };
  return hashes.length === 0 ? emptyRoot() : mth(0, hashes.length);
}

/** The frontier of a tree of `size + 1` leaves, given the frontier at `size` and the new leaf hash. */
export function appendLeaf(frontier: Frontier, size: number, hash: Buffer): Frontier {
  assertCount(size, 'size');
  if (frontier.length !== bitCount(size)) {
    throw new RangeError(`a frontier for size ${size} has ${bitCount(size)} hashes, got ${frontier.length}`);
  }
  const next = frontier.slice();
  let carry = hash;
  for (let s = size; s % 2 === 1; s = (s - 1) / 2) carry = nodeHash(at(next.pop()), carry);
  next.push(carry);
  return next;
}

/** The root of the tree a frontier describes: its subtree roots folded from the right. */
export function frontierRoot(frontier: Frontier): Buffer {
  if (frontier.length === 0) return emptyRoot();
  let root = at(frontier[frontier.length - 1]);
  for (let i = frontier.length - 2; i >= 0; i--) root = nodeHash(at(frontier[i]), root);
  return root;
}

/** RFC 6962 §2.1.1 PATH(index, D[size]); `hashes` holds at least the first `size` leaf hashes. */
export function inclusionProof(index: number, size: number, hashes: readonly Buffer[]): Buffer[] {
  assertCount(index, 'index');
  assertTreeSize(size, hashes);
  if (index >= size) throw new RangeError(`index ${index} is not below size ${size}`);
  return pathFromLevels(buildLevels(hashes, size), index, size);
}

/**
 * RFC 6962 §2.1.2 PROOF(m, D[n]). Empty when m == n, and also when m == 0: the empty tree is a
 * prefix of every tree, which verifyConsistency accepts with an empty proof.
 */
export function consistencyProof(m: number, n: number, hashes: readonly Buffer[]): Buffer[] {
  assertCount(m, 'm');
  assertTreeSize(n, hashes);
  if (m > n) throw new RangeError(`m ${m} is larger than n ${n}`);
  if (m === 0 || m === n) return [];
  return consistencyFromLevels(buildLevels(hashes, n), m, n);
}

/** PROOF(m, D[n]) read from precomputed levels (buildLevels of at least n hashes), for many proofs over one tree. */
export function consistencyFromLevels(levels: readonly Buffer[][], m: number, n: number): Buffer[] {
  if (m === 0 || m === n) return [];
  const proof: Buffer[] = [];
  const subproof = (m: number, start: number, end: number, complete: boolean): void => {
    if (m === end - start) {
      if (!complete) proof.push(subtreeRoot(levels, start, end));
      return;
    }
    const k = splitPoint(end - start);
    if (m <= k) {
      subproof(m, start, start + k, complete);
      proof.push(subtreeRoot(levels, start + k, end));
    } else {
      subproof(m - k, start + k, end, false);
      proof.push(subtreeRoot(levels, start, start + k));
    }
  };
  subproof(m, 0, n, true);
  return proof;
}

/** RFC 9162 §2.1.3.2: does `proof` put the leaf at `index` under `root` of a tree of `size`? */
export function verifyInclusion(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!isCount(index) || !isCount(size) || index >= size || leaf.length !== 32) return false;
  let fn = index;
  let sn = size - 1;
  let r: Uint8Array = leaf;
  for (const p of proof) {
    if (sn === 0 || p.length !== 32) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && Buffer.compare(r, root) === 0;
}

/**
 * RFC 9162 §2.1.4.2: does `proof` show the tree of size n (rootN) extends the tree of size m
 * (rootM)? As in transparency-dev/merkle proof/verify.go, m == n needs an empty proof and equal
 * roots, and m == 0 needs an empty proof (the empty tree is a prefix of everything).
 */
export function verifyConsistency(
  m: number,
  n: number,
  rootM: Uint8Array,
  rootN: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  if (!isCount(m) || !isCount(n) || m > n) return false;
  if (m === n) return proof.length === 0 && Buffer.compare(rootM, rootN) === 0;
  if (m === 0) return proof.length === 0;
  if (proof.length === 0 || proof.some((p) => p.length !== 32)) return false;
  const path = isPowerOfTwo(m) ? [rootM, ...proof] : proof;
  let fn = m - 1;
  let sn = n - 1;
  while (fn % 2 === 1) {
    fn = (fn - 1) / 2;
    sn = half(sn);
  }
  let fr = at(path[0]);
  let sr = fr;
  for (let i = 1; i < path.length; i++) {
    const c = at(path[i]);
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && Buffer.compare(fr, rootM) === 0 && Buffer.compare(sr, rootN) === 0;
}

/** Every complete node of the tree over the first `size` hashes: levels[h][i] covers [i·2^h, (i+1)·2^h). */
export function buildLevels(hashes: readonly Buffer[], size: number): Buffer[][] {
  const levels: Buffer[][] = [hashes.slice(0, size)];
  for (let level = at(levels[0]); level.length > 1; ) {
    const up: Buffer[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) up.push(nodeHash(at(level[i]), at(level[i + 1])));
    levels.push(up);
    level = up;
  }
  return levels;
}

/** PATH(index, D[0:size]) read from precomputed levels, lowest sibling first. */
export function pathFromLevels(levels: readonly Buffer[][], index: number, size: number): Buffer[] {
  const proof: Buffer[] = [];
  const path = (m: number, start: number, end: number): void => {
    if (end - start === 1) return;
    const k = splitPoint(end - start);
    if (m < k) {
      path(m, start, start + k);
      proof.push(subtreeRoot(levels, start + k, end));
    } else {
      path(m - k, start + k, end);
      proof.push(subtreeRoot(levels, start, start + k));
    }
  };
  path(index, 0, size);
  return proof;
}

function subtreeRoot(levels: readonly Buffer[][], start: number, end: number): Buffer {
  const n = end - start;
  if (isPowerOfTwo(n)) return at(at(levels[Math.log2(n)])[start / n]);
  const k = splitPoint(n);
  return nodeHash(subtreeRoot(levels, start, start + k), subtreeRoot(levels, start + k, end));
}

/** The largest power of two smaller than n (n >= 2): RFC 6962's k, not n / 2. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && 2 ** Math.round(Math.log2(n)) === n;
}

function bitCount(n: number): number {
  let count = 0;
  for (let s = n; s > 0; s = half(s)) count += s % 2;
  return count;
}

function half(n: number): number {
  return (n - (n % 2)) / 2;
}

function isCount(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

function assertCount(n: number, what: string): void {
  if (!isCount(n)) throw new RangeError(`${what} must be a non-negative safe integer, got ${n}`);
}

function assertTreeSize(size: number, hashes: readonly Buffer[]): void {
  assertCount(size, 'size');
  if (size > hashes.length) throw new RangeError(`size ${size} exceeds the ${hashes.length} leaf hashes given`);
}

function at<T>(value: T | undefined): T {
  if (value === undefined) throw new RangeError('merkle: index out of range');
  return value;
}
