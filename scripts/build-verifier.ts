// `npm run build:verifier`: writes src/integrity/verify-bundle.mjs from the TypeScript sources
// (scripts/verifier-source.ts says how and why).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { buildVerifierSource } from './verifier-source.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
writeFileSync(join(root, 'src', 'integrity', 'verify-bundle.mjs'), await buildVerifierSource(root), { mode: 0o755 });
console.log('wrote src/integrity/verify-bundle.mjs');
