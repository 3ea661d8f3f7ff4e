import crypto from 'node:crypto';

// crypto.hash (Node >= 20.12) is a one-shot digest: about a third cheaper per call than
// createHash().update().digest() for the small inputs a Merkle log hashes, and per-call
// overhead, not SHA-256 itself, dominates at ~500-byte leaves. Older Node 20 falls back.
const oneShot = typeof crypto.hash === 'function';

export function sha256(data: string | Uint8Array): Buffer {
  return oneShot ? crypto.hash('sha256', data, 'buffer') : crypto.createHash('sha256').update(data).digest();
}
