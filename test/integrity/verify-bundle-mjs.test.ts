import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bundleVerifierPath } from '../../src/integrity/index.js';
import { buildVerifierSource } from '../../scripts/verifier-source.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('src/integrity/verify-bundle.mjs', () => {
  it('is what the TypeScript modules build (run `npm run build:verifier` after changing src/integrity)', async () => {
    expect(readFileSync(bundleVerifierPath, 'utf8')).toBe(await buildVerifierSource(root));
  }, 30_000);

  it('imports nothing but Node built-ins and is executable', () => {
    const text = readFileSync(bundleVerifierPath, 'utf8');
    const specifiers = [...text.matchAll(/^import\b[^'"]*["']([^'"]+)["']/gm)].map((m) => m[1]);
    expect(specifiers.length).toBeGreaterThan(0);
    expect(specifiers.filter((s) => !s!.startsWith('node:'))).toEqual([]);
    expect(text).not.toMatch(/\brequire\(|\bimport\(/);
    expect(statSync(bundleVerifierPath).mode & 0o111).not.toBe(0);
  });
});
