import { catalog, isEventName } from '../events.js';
import { commitmentOf, commitText } from '../integrity/index.js';
import type { VerifyRow } from '../store/index.js';
import { isoMicros } from './iso-micros.js';

type Data = Record<string, unknown>;
const TEXT_FIELDS = [...new Set(Object.values(catalog).flatMap((e) => e.textFields))];

export interface RowCheck {
  /** What no longer matches, as `flowtrail verify` reports it; empty when the row is intact. */
  problems: string[];
  /** Texts checked against their commitments. */
  texts: number;
}

/**
 * Checks what a reader is shown of one stored event with content (leaf not
 * null) against its leaf: the indexed columns copied from the leaf, each stored
 * text against the commitment in the leaf, and that texts the leaf commits to
 * are missing only where a recorded erasure (`erased`) removed them. The leaf
 * itself is checked against its hash and the signed roots by verifyLog.
 */
export function checkStoredRow(r: VerifyRow & { leaf: string }, erased: readonly [number, number][]): RowCheck {
  const problems: string[] = [];
  let leaf: Data;
  try {
    leaf = JSON.parse(r.leaf) as Data;
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    return { problems: [`leaf of seq ${r.seq} is not JSON`], texts: 0 };
  }
  const differ = columnsDiffer(r, leaf);
  if (differ.length > 0) problems.push(`indexed columns of seq ${r.seq} differ from its leaf (${differ.join(', ')})`);
  const data = (typeof leaf.data === 'object' && leaf.data !== null ? leaf.data : {}) as Data;
  const fields = typeof leaf.type === 'string' && isEventName(leaf.type) ? catalog[leaf.type].textFields : TEXT_FIELDS;
  let missing = false;
  for (const field of fields) {
    if (commitmentOf(data[field]) !== null && (r.texts === null || !(field in r.texts))) missing = true;
  }
  if (missing && !inRanges(r.seq, erased)) problems.push(`texts of seq ${r.seq} are missing though its leaf commits to them`);
  if (r.texts === null) return { problems, texts: 0 };
  if (r.textSalt === null) return { problems: [...problems, `texts of seq ${r.seq} have no salt`], texts: 0 };
  let texts = 0;
  for (const field in r.texts) {
    texts++;
    if (commitmentOf(data[field]) !== commitText(field, r.texts[field], r.textSalt)) problems.push(`text "${field}" of seq ${r.seq} does not match the commitment in its leaf`);
  }
  return { problems, texts };
}

/** The names of the indexed columns whose value is not the one in the leaf (as readers parse it). */
function columnsDiffer(r: VerifyRow, leaf: Data): string[] {
  const differ: string[] = [];
  if (leaf.seq !== r.seq) differ.push('seq');
  if (leaf.event_id !== r.eventId) differ.push('event_id');
  if (leaf.type !== r.type) differ.push('type');
  if (leaf.session_id !== r.sessionId) differ.push('session_id');
  if (leaf.source !== r.source) differ.push('source');
  if (leaf.project_path !== r.projectPath) differ.push('project_path');
  if (leaf.username !== r.username) differ.push('username');
  if (isoMicros(leaf.occurred_at) !== r.occurredUs) differ.push('occurred_at');
  if (isoMicros(leaf.recorded_at) !== r.recordedUs) differ.push('recorded_at');
  return differ;
}

export function inRanges(seq: number, ranges: readonly [number, number][]): boolean {
  return ranges.some(([a, b]) => seq >= a && seq <= b);
}
