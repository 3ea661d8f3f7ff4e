import { withoutCredentials, type Witness } from './checkpoint-witness.js';

/**
 * An HTTP witness: each checkpoint note POSTed as text/plain with its tree size in
 * `x-flowtrail-tree-size`; any 2xx answer means the witness holds it.
 */
export function createHttpWitness(url: string, fetchFn: typeof fetch = fetch): Witness {
  const name = withoutCredentials(url);
  return {
    name,
    async deliver(checkpoints) {
      for (const cp of checkpoints) {
        const res = await fetchFn(url, {
          method: 'POST',
          headers: { 'content-type': 'text/plain; charset=utf-8', 'x-flowtrail-tree-size': String(cp.treeSize) },
          body: cp.note,
          signal: AbortSignal.timeout(10_000),
        });
        await res.body?.cancel();
        if (!res.ok) throw new Error(`${name} answered ${res.status} to the checkpoint of tree size ${cp.treeSize}`);
      }
    },
  };
}
