import { catalog, isEventName } from '../events.js';
import { commitmentOf, commitText, type Leaf } from '../integrity/index.js';
import { textsFor, type Sql, type StoredEvent, type StoredText } from '../store/index.js';

/** An event as the API, exports and pages show it: the leaf with its texts put back where they still exist. */
export interface EventView {
  seq: number;
  event_id: string;
  type: string;
  session_id: string | null;
  occurred_at: string;
  recorded_at: string;
  source: string;
  source_type: string | null;
  source_id: string | null;
  project_path: string | null;
  username: string | null;
  data: Record<string, unknown>;
  leaf_hash: string;
  purged?: true;
}

export const ERASED = { erased: true } as const;

/** Loads the texts of these events and merges them into views. */
export async function viewEvents(sql: Sql, rows: readonly StoredEvent[]): Promise<EventView[]> {
  const texts = await textsFor(sql, rows.map((r) => r.seq));
  const bySeq = new Map<number, StoredText[]>();
  for (const t of texts) bySeq.set(t.seq, [...(bySeq.get(t.seq) ?? []), t]);
  return rows.map((r) => toView(r, bySeq.get(r.seq) ?? []));
}

export function toView(r: StoredEvent, texts: readonly StoredText[]): EventView {
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
    const t = texts.find((x) => x.field === field);
    // A text whose commitment no longer matches is shown as tampered, never as if it were the original.
    data[field] = t === undefined ? ERASED : commitText(t.value, t.salt) === commitment ? t.value : { tampered: true };
  }
  const { v: _v, data: _d, ...envelope } = leaf;
  return { ...envelope, data, leaf_hash: r.leafHash.toString('hex') };
}
