import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  appendLeaf,
  consistencyProof,
  emptyRoot,
  frontierRoot,
  inclusionProof,
  leafHash,
  nodeHash,
  rootFromLeafHashes,
  splitPoint,
  verifyConsistency,
  verifyInclusion,
  type Frontier,
} from './merkle.js';

const hd = (hex: string): Buffer => Buffer.from(hex, 'hex');

// transparency-dev/merkle testonly/constants.go: LeafInputs, NodeHashes, RootHashes, CompactTrees.
const leafInputs = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(hd);
const nodeHashes = [
  [
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
    '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7',
    '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
    'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    '4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658',
    'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
    '46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1',
  ],
  [
    'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
    '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
    '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
    'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
  ],
  [
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
  ],
  ['5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328'],
].map((level) => level.map(hd));
const rootHashes = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
].map(hd);
const nh = (level: number, index: number): Buffer => nodeHashes[level]?.[index] ?? Buffer.alloc(0);
const compactTrees: Buffer[][] = [
  [],
  [nh(0, 0)],
  [nh(1, 0)],
  [nh(1, 0), nh(0, 2)],
  [nh(2, 0)],
  [nh(2, 0), nh(0, 4)],
  [nh(2, 0), nh(1, 2)],
  [nh(2, 0), nh(1, 2), nh(0, 6)],
  [nh(3, 0)],
];
const leafHashes = leafInputs.map((d) => leafHash(d));
const root = (size: number): Buffer => rootHashes[size] ?? Buffer.alloc(0);

// transparency-dev/merkle proof/verify_test.go: inclusionProofs (leaf is 1-based) and consistencyProofs.
const inclusionVectors: [leaf: number, size: number, proof: string[]][] = [
  [1, 1, []],
  [1, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
  [6, 8, ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
  [3, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [2, 5, ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
];
const consistencyVectors: [size1: number, size2: number, proof: string[]][] = [
  [1, 1, []],
  [1, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
  [6, 8, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
  [2, 5, ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
  [6, 7, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
];
const someHash = hd('abacaba000000000000000000000000000000000000000000060061e00123456'); // verify_test.go sha256SomeHash
const emptyTreeHash = hd('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');

/** Port of corruptInclusionProof in proof/verify_test.go: every probe must be rejected. */
function inclusionProbes(index: number, size: number, proof: Buffer[], rootHash: Buffer, leaf: Buffer) {
  const flipped = proof.map((_, i) => proof.map((p, j) => (j === i ? Buffer.from([p[0]! ^ 8, ...p.subarray(1)]) : p)));
  return [
    { desc: 'leafIndex - 1', index: index - 1, size, leaf, proof, root: rootHash },
    { desc: 'leafIndex + 1', index: index + 1, size, leaf, proof, root: rootHash },
    { desc: 'leafIndex ^ 2', index: index ^ 2, size, leaf, proof, root: rootHash },
    { desc: 'treeSize * 2', index, size: size * 2, leaf, proof, root: rootHash },
    { desc: 'treeSize / 2', index, size: Math.floor(size / 2), leaf, proof, root: rootHash },
    { desc: 'wrong leaf', index, size, leaf: Buffer.from('WrongLeaf'), proof, root: rootHash },
    { desc: 'empty root', index, size, leaf, proof, root: emptyTreeHash },
    { desc: 'random root', index, size, leaf, proof, root: someHash },
    { desc: 'trailing garbage', index, size, leaf, proof: [...proof, Buffer.alloc(0)], root: rootHash },
    { desc: 'trailing root', index, size, leaf, proof: [...proof, rootHash], root: rootHash },
    { desc: 'preceding garbage', index, size, leaf, proof: [Buffer.alloc(0), ...proof], root: rootHash },
    { desc: 'preceding root', index, size, leaf, proof: [rootHash, ...proof], root: rootHash },
    ...flipped.map((p, i) => ({ desc: `modified proof[${i}] bit 3`, index, size, leaf, proof: p, root: rootHash })),
    ...(proof.length > 0 ? [{ desc: 'removed component', index, size, leaf, proof: proof.slice(0, -1), root: rootHash }] : []),
    ...(proof.length > 1
      ? [{ desc: 'inserted component', index, size, leaf, proof: [proof[0]!, someHash, ...proof.slice(1)], root: rootHash }]
      : []),
  ];
}

/** Port of corruptConsistencyProof in proof/verify_test.go. */
function consistencyProbes(m: number, n: number, r1: Buffer, r2: Buffer, proof: Buffer[]) {
  const wrong = Buffer.from("WrongRoot");
  const flipped = proof.map((_, i) => proof.map((p, j) => (j === i ? Buffer.from([p[0]! ^ 16, ...p.subarray(1)]) : p)));
  const probe = (desc: string, m: number, n: number, r1: Buffer, r2: Buffer, proof: Buffer[]) => ({ desc, m, n, r1, r2, proof });
  return [
    probe('size1 - 1', m - 1, n, r1, r2, proof),
    probe('size1 + 1', m + 1, n, r1, r2, proof),
    probe('size1 ^ 2', m ^ 2, n, r1, r2, proof),
    probe('size2 * 2', m, n * 2, r1, r2, proof),
    probe('size2 / 2', m, Math.floor(n / 2), r1, r2, proof),
    probe('wrong root1', m, n, wrong, r2, proof),
    probe('wrong root2', m, n, r1, wrong, proof),
    probe('swapped roots', m, n, r2, r1, proof),
    probe('empty proof', m, n, r1, r2, []),
    probe('trailing garbage', m, n, r1, r2, [...proof, Buffer.alloc(0)]),
    probe('trailing root1', m, n, r1, r2, [...proof, r1]),
    probe('trailing root2', m, n, r1, r2, [...proof, r2]),
    probe('preceding garbage', m, n, r1, r2, [Buffer.alloc(0), ...proof]),
    probe('preceding root1', m, n, r1, r2, [r1, ...proof]),
    probe('preceding root2', m, n, r1, r2, [r2, ...proof]),
    probe('preceding proof[0]', m, n, r1, r2, [proof[0]!, ...proof]),
    probe('truncated proof', m, n, r1, r2, proof.slice(0, -1)),
    ...flipped.map((p, i) => probe(`modified proof[${i}] bit 4`, m, n, r1, r2, p)),
  ];
}

describe('merkle', () => {
  it('hashes like rfc6962/rfc6962_test.go', () => {
    expect(emptyRoot().toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(leafHash(new Uint8Array()).toString('hex')).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
    expect(leafHash('L123456').toString('hex')).toBe('395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56');
    expect(nodeHash(Buffer.from('N123'), Buffer.from('N456')).toString('hex')).toBe(
      'aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb',
    );
    const [hello, world] = [leafHash('Hello'), leafHash('World')];
    expect(nodeHash(hello, world).equals(leafHash(Buffer.concat([hello, world])))).toBe(false);
    expect(nodeHash(hello, world).equals(nodeHash(world, hello))).toBe(false);
  });

  it('reproduces the node hashes, roots and compact ranges of testonly/constants.go', () => {
    expect(leafHashes).toEqual(nodeHashes[0]);
    let frontier: Frontier = [];
    for (let size = 0; size <= 8; size++) {
      expect(rootFromLeafHashes(leafHashes.slice(0, size)), `root ${size}`).toEqual(root(size));
      expect(frontier, `frontier ${size}`).toEqual(compactTrees[size]);
      expect(frontierRoot(frontier), `frontier root ${size}`).toEqual(root(size));
      if (size < 8) frontier = appendLeaf(frontier, size, leafHashes[size]!);
    }
  });

  it('splits at the largest power of two smaller than n (testonly/reference_test.go)', () => {
    for (const [n, k] of [[2, 1], [7, 4], [8, 4], [63, 32], [28937, 16384]]) expect(splitPoint(n!)).toBe(k);
  });

  it('generates the proofs of testonly/reference_test.go', () => {
    const inclusion: [number, number, string[]][] = [
      [0, 1, []],
      [0, 2, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7']],
      [1, 2, ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d']],
      [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
      [1, 5, ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
      [0, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
      [5, 8, ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
    ];
    for (const [index, size, want] of inclusion) {
      expect(inclusionProof(index, size, leafHashes).map((h) => h.toString('hex')), `${index}:${size}`).toEqual(want);
    }
    for (const [m, n, want] of consistencyVectors) {
      expect(consistencyProof(m, n, leafHashes).map((h) => h.toString('hex')), `${m}:${n}`).toEqual(want);
    }
  });

  it.each(inclusionVectors)('verifies inclusion of leaf %i of %i and rejects every corruption of it', (leaf, size, hex) => {
    const proof = hex.map(hd);
    const hash = leafHashes[leaf - 1]!;
    expect(verifyInclusion(leaf - 1, size, hash, proof, root(size))).toBe(true);
    for (const p of inclusionProbes(leaf - 1, size, proof, root(size), hash)) {
      expect(verifyInclusion(p.index, p.size, p.leaf, p.proof, p.root), p.desc).toBe(false);
    }
  });

  it.each(consistencyVectors)('verifies consistency %i -> %i and rejects every corruption of it', (m, n, hex) => {
    const proof = hex.map(hd);
    expect(verifyConsistency(m, n, root(m), root(n), proof)).toBe(true);
    if (proof.length === 0) return; // verify_test.go probes only non-trivial proofs
    for (const p of consistencyProbes(m, n, root(m), root(n), proof)) {
      expect(verifyConsistency(p.m, p.n, p.r1, p.r2, p.proof), p.desc).toBe(false);
    }
  });

  it('handles the edge cases of TestVerifyInclusionSingleEntry and TestVerifyInclusion', () => {
    const hash = leafHash('data');
    expect(verifyInclusion(0, 1, hash, [], hash)).toBe(true);
    expect(verifyInclusion(0, 1, Buffer.alloc(0), [], hash)).toBe(false);
    expect(verifyInclusion(0, 1, hash, [], Buffer.alloc(0))).toBe(false);
    expect(verifyInclusion(0, 1, Buffer.alloc(0), [], Buffer.alloc(0))).toBe(false);
    for (const [index, size] of [[0, 0], [0, 1], [1, 0], [2, 1]] as const) {
      expect(verifyInclusion(index, size, someHash, [], Buffer.alloc(0))).toBe(false);
      expect(verifyInclusion(index, size, Buffer.alloc(0), [], emptyTreeHash)).toBe(false);
      expect(verifyInclusion(index, size, someHash, [], emptyTreeHash)).toBe(false);
    }
  });

  it('handles the edge cases of TestVerifyConsistency', () => {
    const [r1, r2] = [Buffer.from("don't care 1"), Buffer.from("don't care 2")];
    const cases: [number, number, Buffer, Buffer, Buffer[], boolean][] = [
      [0, 0, r1, r2, [], false],
      [1, 1, r1, r2, [], false],
      [0, 0, r1, r1, [], true],
      [0, 1, r1, r2, [], true],
      [1, 1, r2, r2, [], true],
      [1, 0, r1, r2, [], false],
      [2, 1, r1, r2, [], false],
      [1, 2, r1, r2, [], false],
      [0, 0, emptyTreeHash, r2, [], false],
      [1, 1, emptyTreeHash, r2, [], false],
      [0, 0, emptyTreeHash, emptyTreeHash, [emptyTreeHash], false],
      [0, 1, emptyTreeHash, emptyTreeHash, [emptyTreeHash], false],
      [1, 1, emptyTreeHash, emptyTreeHash, [emptyTreeHash], false],
    ];
    for (const [m, n, a, b, proof, ok] of cases) expect(verifyConsistency(m, n, a, b, proof), `${m}:${n}`).toBe(ok);
  });

  it('accepts testdata/consistency/1/happy-path.json and rejects modified-proof@0-bit-@4.json', () => {
    const b64 = (s: string) => Buffer.from(s, 'base64');
    const root1 = b64('bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=');
    const root2 = b64('XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=');
    const tail = ['Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4=', 'a0eq8p7jwq+a+Im8H7klTavTEXfxYjLdaqsDXKOb9uQ='].map(b64);
    expect(verifyConsistency(1, 8, root1, root2, [b64('lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c='), ...tail])).toBe(true);
    expect(verifyConsistency(1, 8, root1, root2, [b64('hqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c='), ...tail])).toBe(false);
  });

  it('generates proofs that verify, for every index and every m of random trees up to 300 leaves', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer(), (n, salt) => {
        const hashes = Array.from({ length: n }, (_, i) => leafHash(`${salt}:${i}`));
        const roots = [emptyRoot()];
        let frontier: Frontier = [];
        for (let i = 0; i < n; i++) {
          frontier = appendLeaf(frontier, i, hashes[i]!);
          roots.push(frontierRoot(frontier));
        }
        expect(roots[n]).toEqual(rootFromLeafHashes(hashes));
        for (let i = 0; i < n; i++) expect(verifyInclusion(i, n, hashes[i]!, inclusionProof(i, n, hashes), roots[n]!)).toBe(true);
        for (let m = 0; m <= n; m++) {
          expect(roots[m]).toEqual(rootFromLeafHashes(hashes.slice(0, m)));
          expect(verifyConsistency(m, n, roots[m]!, roots[n]!, consistencyProof(m, n, hashes)), `${m}:${n}`).toBe(true);
        }
      }),
      { numRuns: 25 },
    );
  });

  it('rejects any single flipped byte in an inclusion or consistency proof', () => {
    const hashes = Array.from({ length: 300 }, (_, i) => leafHash(String(i)));
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 300 }), fc.nat(), fc.nat(), fc.nat({ max: 31 }), fc.integer({ min: 1, max: 255 }), (n, a, b, byte, mask) => {
        const rootN = rootFromLeafHashes(hashes.slice(0, n));
        const index = a % n;
        const inclusion = inclusionProof(index, n, hashes);
        const flip = (proof: Buffer[], at: number) => proof.map((p, i) => (i === at ? Buffer.from(p.map((x, j) => (j === byte ? x ^ mask : x))) : p));
        if (inclusion.length > 0) {
          expect(verifyInclusion(index, n, hashes[index]!, flip(inclusion, b % inclusion.length), rootN)).toBe(false);
        }
        const m = 1 + (b % (n - 1));
        const consistency = consistencyProof(m, n, hashes);
        const rootM = rootFromLeafHashes(hashes.slice(0, m));
        expect(verifyConsistency(m, n, rootM, rootN, flip(consistency, a % consistency.length))).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses to build proofs outside the tree', () => {
    expect(() => inclusionProof(3, 3, leafHashes)).toThrow(RangeError);
    expect(() => inclusionProof(0, 9, leafHashes)).toThrow(RangeError);
    expect(() => consistencyProof(4, 3, leafHashes)).toThrow(RangeError);
    expect(() => appendLeaf([], 1, leafHashes[0]!)).toThrow(RangeError);
  });
});
