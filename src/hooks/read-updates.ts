import type { RefUpdate } from './push-check.js';

const OBJECT_ID = /^([0-9a-f]{40}|[0-9a-f]{64})$/;

/** pre-receive's standard input: one `<old> SP <new> SP <ref>` line per ref. Throws on a line that is not one. */
export function readUpdates(stdin: string): RefUpdate[] {
  const updates: RefUpdate[] = [];
  for (const line of stdin.split('\n')) {
    if (line.trim() === '') continue;
    const [old, next, ref, ...rest] = line.trim().split(' ');
    if (old === undefined || next === undefined || ref === undefined || rest.length > 0 || !OBJECT_ID.test(old) || !OBJECT_ID.test(next) || old.length !== next.length) {
      throw new Error(`unexpected input line "${line.slice(0, 200)}" (expected "<old> <new> <ref>")`);
    }
    updates.push({ old, new: next, ref });
  }
  return updates;
}

/** The null object id (40 zeros, or 64 in a SHA-256 repository) marks creation (old) and deletion (new). */
export const isNullId = (id: string): boolean => /^0+$/.test(id);
