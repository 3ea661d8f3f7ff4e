import type { NewEvent } from '../events.js';
import { canonicalJson } from './canonical-json.js';
import { leafHash } from './merkle.js';

export const LEAF_VERSION = 1;

/** What is hashed into the log for one event (its text fields already replaced by commitments). */
export interface Leaf {
  v: number;
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
}

export function buildLeaf(seq: number, e: NewEvent, data: Record<string, unknown>, recordedAt: string): Leaf {
  return {
    v: LEAF_VERSION,
    seq,
    event_id: e.eventId,
    type: e.type,
    session_id: e.sessionId,
    occurred_at: e.occurredAt,
    recorded_at: recordedAt,
    source: e.source,
    source_type: e.sourceType ?? null,
    source_id: e.sourceId ?? null,
    project_path: e.projectPath ?? null,
    username: e.username ?? null,
    data,
  };
}

export function encodeLeaf(leaf: Leaf): { text: string; hash: Buffer } {
  const text = canonicalJson(leaf);
  return { text, hash: leafHash(text) };
}
