import crypto from 'node:crypto';

// crypto.hash (Node >= 20.12) is a one-shot digest. Asking it for a 'binary' (latin1) string, one
// char per byte, and copying that into a pooled Buffer is about 1.4x faster than its 'buffer'
// output, which allocates an off-heap ArrayBuffer per call: for the ~600-byte leaves and 65-byte
// nodes of a Merkle log, allocation and call overhead cost more than SHA-256 itself.
// Node 20 before 20.12 falls back to createHash.
const oneShot = typeof crypto.hash === 'function';

export function sha256(data: string | Uint8Array): Buffer {
  return Buffer.from(sha256Binary(data), 'latin1');
}

/** SHA-256 as a 32-char binary string (latin1: char code = byte), for hot loops that keep digests as strings. */
export function sha256Binary(data: string | Uint8Array): string {
  // 'binary' is Node's name for latin1 among digest encodings.
  return oneShot ? crypto.hash('sha256', data, 'binary') : crypto.createHash('sha256').update(data).digest('binary');
}
