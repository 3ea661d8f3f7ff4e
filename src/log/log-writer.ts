import { catalog, type NewEvent } from '../events.js';
import { appendLeaf, buildLeaf, commitText, COMMITMENT_KEY, encodeLeaf, newSalt } from '../integrity/index.js';
import type { AuditRow, LogState } from '../store/index.js';

/** An event's data with its free texts replaced by salted commitments, and the texts with their salt. */
export interface CommittedTexts {
  data: Record<string, unknown>;
  texts: { salt: Buffer; value: Record<string, unknown> } | null;
}

/**
 * Replaces an event's free texts by salted commitments. It needs no place in
 * the log, so appendEvents does it before it takes the log lock.
 */
export function commitTexts(e: NewEvent): CommittedTexts {
  const data: Record<string, unknown> = { ...e.data };
  let salt: Buffer | undefined;
  let value: Record<string, unknown> | undefined;
  for (const field of catalog[e.type].textFields) {
    const text = data[field];
    if (text === undefined || text === null) continue;
    salt ??= newSalt();
    value ??= {};
    value[field] = text;
    data[field] = { [COMMITMENT_KEY]: commitText(field, text, salt) };
  }
  return { data, texts: salt !== undefined && value !== undefined ? { salt, value } : null };
}

export interface LogWriter {
  readonly size: number;
  readonly frontier: Buffer[];
  /** How many rows take() would return now. */
  readonly pending: number;
  /** Appends `e` at the next sequence number; `committed` is commitTexts(e) when it was made beforehand. */
  append(e: NewEvent, committed?: CommittedTexts): AuditRow;
  /** Rows appended since the last take. */
  take(): AuditRow[];
}

/**
 * Turns events into leaves at the next sequence numbers, replacing their free
 * text with salted commitments and extending the compact range. Used only by
 * the integrator, inside the transaction that holds the log lock.
 */
export function createLogWriter(state: LogState, recordedAt: string): LogWriter {
  let size = state.size;
  let frontier = state.frontier;
  let rows: AuditRow[] = [];
  return {
    get size() {
      return size;
    },
    get frontier() {
      return frontier;
    },
    get pending() {
      return rows.length;
    },
    append(e, committed = commitTexts(e)) {
      const seq = size;
      const { data, texts } = committed;
      const { text, hash } = encodeLeaf(buildLeaf(seq, e, data, recordedAt));
      const row: AuditRow = {
        seq,
        eventId: e.eventId,
        type: e.type,
        sessionId: e.sessionId,
        occurredAt: e.occurredAt,
        recordedAt,
        source: e.source,
        projectPath: e.projectPath ?? null,
        username: e.username ?? null,
        leaf: text,
        leafHash: hash,
        texts,
      };
      rows.push(row);
      frontier = appendLeaf(frontier, size, hash) as Buffer[];
      size++;
      return row;
    },
    take() {
      const out = rows;
      rows = [];
      return out;
    },
  };
}
