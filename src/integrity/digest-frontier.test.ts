import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDigestFrontier } from './digest-frontier.js';
import { emptyRoot, leafHash, rootFromLeafHashes } from './merkle.js';

describe('createDigestFrontier', () => {
  it('starts at the empty root', () => {
    expect(Buffer.from(createDigestFrontier().root(), 'latin1')).toEqual(emptyRoot());
  });

  it('computes the same leaf hashes and roots as merkle.ts at every size', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }), { maxLength: 70 }), (leaves) => {
        const tree = createDigestFrontier();
        const hashes: Buffer[] = [];
        for (const leaf of leaves) {
          const digest = tree.append(leaf);
          hashes.push(leafHash(leaf));
          expect(Buffer.from(digest, 'latin1')).toEqual(leafHash(leaf));
          expect(Buffer.from(tree.root(), 'latin1')).toEqual(rootFromLeafHashes(hashes));
        }
        expect(tree.size).toBe(leaves.length);
      }),
      { numRuns: 100 },
    );
  });

  it('hashes leaves longer than its initial buffer, multi-byte characters included', () => {
    const tree = createDigestFrontier();
    for (const leaf of ['x'.repeat(5000), '\u00e9\ud83d\ude02'.repeat(2000), 'short']) {
      expect(Buffer.from(tree.append(leaf), 'latin1')).toEqual(leafHash(leaf));
    }
  });
});
