import { catalog, isEventName } from '../events.js';
import { commitmentOf, commitText, type Leaf } from '../integrity/index.js';
import type { StoredEvent } from '../store/index.js';

/** An event as the API, exports and pages show it: the leaf with its texts put back where they still exist. */
export type EventView = Omit<Leaf, 'v'> & { leaf_hash: string; purged?: true };

export const ERASED = { erased: true } as const;

export function viewEvents(rows: readonly StoredEvent[]): EventView[] {
  return rows.map(toView);
}

/** The leaf with its texts put back where they still exist and still match their commitments. */
export function toView(r: StoredEvent): EventView {
  if (r.leaf === null) {
    return {
      seq: r.seq, event_id: '', type: 'purged', session_id: null, occurred_at: '', recorded_at: '', source: '',
      source_type: null, source_id: null, project_path: null, username: null, data: {}, leaf_hash: r.leafHash.toString('hex'), purged: true,
    };
  }
  const leaf = JSON.parse(r.leaf) as Leaf;
  const data: Record<string, unknown> = { ...leaf.data };
  const fields = isEventName(leaf.type) ? catalog[leaf.type].textFields : [];
  for (const field of fields) {
    const commitment = commitmentOf(data[field]);
    if (commitment === null) continue;
    const value = r.texts?.[field];
    // A text whose commitment no longer matches is shown as tampered, never as if it were the original.
    data[field] = r.textSalt === null || value === undefined ? ERASED : commitText(field, value, r.textSalt) === commitment ? value : { tampered: true };
  }
  const { v: _v, data: _d, ...envelope } = leaf;
  return { ...envelope, data, leaf_hash: r.leafHash.toString('hex') };
}
