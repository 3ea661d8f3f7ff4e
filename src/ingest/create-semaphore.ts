/** Runs at most `limit` of the given works at once; the others wait their turn in order of arrival. */
export function createSemaphore(limit: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async function withSlot<T>(fn: () => Promise<T>): Promise<T> {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await fn();
    } finally {
      // The slot passes straight to the next in line (running stays the same), or is given back.
      const next = waiting.shift();
      if (next !== undefined) next();
      else running--;
    }
  };
}
