// Who started a session, on which project, through which agent and flow:
// fixed by the first source that recorded it, never by a sender's clock.
// GitLab's own events (audit stream, webhooks) outrank the flow API's; among
// equals the earliest by log sequence wins. A later statement that names
// someone else is kept in the log and flagged, but changes nothing.
import type { EventSource } from '../events.js';
import type { TimelineEntry, Violation } from './replay-session.js';

type Obj = Record<string, unknown>;
export type Fields = Record<string, string | null>;

export interface Ownership {
  user: Fields;
  agent: Fields;
  project: Fields;
  flowType: string | null;
  /** Statements that disagree with what stands: `<attribute>_conflict`, or `<attribute>_overridden` when GitLab's word replaced them. */
  conflicts: Violation[];
}

/** The sources GitLab itself speaks through; their word outranks any sender's. */
export const GITLAB_SOURCES: readonly EventSource[] = ['gitlab_audit_stream', 'gitlab_webhook', 'gitlab_archive'];
const STATEMENT_TYPES = new Set(['duo_flow_created', 'duo_flow_started']);

const rank = (source: string | undefined): number =>
  source !== undefined && (GITLAB_SOURCES as readonly string[]).includes(source) ? 0 : source === 'flow_api' ? 1 : 2;
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : null);
const obj = (v: unknown): Obj | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined);

interface Statement {
  entry: TimelineEntry;
  rank: number;
  fields: Fields;
}

/**
 * Resolves one attribute (its `keys`, e.g. id and username) from the
 * statements that name it, best source first and then by seq. Statements of
 * the winner's rank fill in keys it left out when they agree on the rest; a
 * lower rank never adds to a higher one (a flow-API sender must not attach
 * a username to the id GitLab reported). A statement that contradicts what
 * stands is a conflict; `alert` names its rule, or null to resolve silently.
 */
function resolve(statements: Statement[], keys: readonly string[], alert: string | null, conflicts: Violation[]): Fields {
  const named = statements.filter((s) => keys.some((k) => s.fields[k] !== null));
  named.sort((a, b) => a.rank - b.rank || a.entry.seq - b.entry.seq);
  const winner = named[0];
  const out: Fields = Object.fromEntries(keys.map((k) => [k, winner?.fields[k] ?? null]));
  if (winner === undefined) return out;
  for (const s of named.slice(1)) {
    const agrees = keys.every((k) => s.fields[k] === null || out[k] === null || s.fields[k]!.toLowerCase() === out[k]!.toLowerCase());
    if (!agrees) {
      if (alert !== null) {
        conflicts.push({ eventId: s.entry.eventId, type: s.entry.type, rule: s.entry.seq < winner.entry.seq ? `${alert}_overridden` : `${alert}_conflict` });
      }
      continue;
    }
    if (s.rank === winner.rank) for (const k of keys) out[k] ??= s.fields[k]!;
  }
  return out;
}

/** `entries` may be in any order; only create and start events with their leaf data are read. */
export function resolveOwnership(entries: readonly TimelineEntry[]): Ownership {
  const statements = entries.filter((e) => STATEMENT_TYPES.has(e.type) && e.data !== undefined);
  const pick = (keys: readonly string[], read: (d: Obj) => Obj | undefined) =>
    statements.map((e) => {
      const o = read(e.data!) ?? {};
      return { entry: e, rank: rank(e.source), fields: Object.fromEntries(keys.map((k) => [k, str(o[k])])) };
    });
  const conflicts: Violation[] = [];
  const user = resolve(pick(['id', 'username'], (d) => obj(d.user)), ['id', 'username'], 'initiator', conflicts);
  const project = resolve(pick(['id', 'path'], (d) => obj(d.project)), ['id', 'path'], 'project', conflicts);
  // Agent and flow type are resolved the same way, without alerts: GitLab and senders spell them differently.
  const agent = resolve(pick(['id', 'username'], (d) => obj(d.agent)), ['id', 'username'], null, conflicts);
  const flowType = resolve(pick(['flow_type'], (d) => d), ['flow_type'], null, conflicts).flow_type ?? null;
  return { user, agent, project, flowType, conflicts };
}
