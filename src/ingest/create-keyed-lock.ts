/**
 * Runs work one at a time per key within this process: two requests carrying
 * spans of the same trace do not read and write the waiting spans at once
 * (each would miss the other's). Keys are taken in sorted order, so two
 * requests never wait on each other in a circle.
 */
export function createKeyedLock() {
  const tails = new Map<string, Promise<void>>();
  return async function withKeys<T>(keys: readonly string[], fn: () => Promise<T>): Promise<T> {
    const sorted = [...new Set(keys)].sort();
    let release!: () => void;
    const done = new Promise<void>((resolve) => { release = resolve; });
    const before = sorted.map((k) => tails.get(k) ?? Promise.resolve());
    for (const k of sorted) tails.set(k, done);
    try {
      await Promise.all(before);
      return await fn();
    } finally {
      release();
      for (const k of sorted) if (tails.get(k) === done) tails.delete(k);
    }
  };
}
