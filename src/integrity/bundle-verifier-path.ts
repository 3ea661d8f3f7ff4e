import { fileURLToPath } from 'node:url';

/**
 * Where verify-bundle.mjs lies beside this module: src/integrity/ in the repository, and
 * dist/src/integrity/ after `npm run build`, which copies it there unchanged.
 */
export const bundleVerifierPath = fileURLToPath(new URL('./verify-bundle.mjs', import.meta.url));
