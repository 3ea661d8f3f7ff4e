import { randomUUID } from 'node:crypto';
import type { NewEvent } from '../../src/events.js';
import { flowEvent, startedEvent } from '../support/flow-events.js';

type Json = Record<string, unknown>;

/** A generated history and the figures it must give, counted here from the plan (not from the database). */
export interface History {
  flowEvents: Json[];
  systemEvents: NewEvent[];
  expected: {
    started: number;
    verified: number;
    reported: number;
    withoutEvidence: number;
    traced: number;
    untraced: number;
    unknownReferences: number;
    retentionRuns: number;
    sessionsPurged: number;
    erasureEvents: number;
    exports: number;
    /** Sessions started outside the period (must not be counted). */
    outside: number;
  };
}

export const PERIOD = { from: '2026-03-01', to: '2026-04-01' };
const inMarch = (day: number, minute = 0) => new Date(Date.UTC(2026, 2, day, 9, minute)).toISOString();
const sha = (n: number) => n.toString(16).padStart(40, 'a');

const system = (type: NewEvent['type'], sessionId: string | null, occurredAt: string, data: Json, extra: Partial<NewEvent> = {}): NewEvent =>
  ({ eventId: randomUUID(), type, sessionId, occurredAt, source: 'system', data, ...extra });

/**
 * `sessions` sessions in March 2026 (and two in February, outside the
 * period): every third verified with GitLab, the last two started from the
 * audit stream without any authorization; commits created and linked (one
 * both ways), `untraced` agent commits without a trailer (one flagged twice),
 * `unknown` references to unknown sessions, two retention runs, an erasure, exports.
 */
export function generateHistory(o: { sessions: number; untraced: number; unknown: number }): History {
  const flowEvents: Json[] = [];
  const systemEvents: NewEvent[] = [];
  let verified = 0;
  let reported = 0;
  let withoutEvidence = 0;
  const traced = new Set<string>();
  for (let i = 0; i < o.sessions; i++) {
    const id = `gen-${i}`;
    const at = inMarch(1 + (i % 27), i % 60);
    const fromStream = i >= o.sessions - 2;
    if (fromStream) {
      systemEvents.push({
        eventId: randomUUID(), type: 'duo_flow_started', sessionId: id, occurredAt: at, source: 'gitlab_audit_stream', sourceType: 'duo_session_started',
        projectPath: 'acme/stream', username: 'streamer', data: { user: { id: 9, username: 'streamer' }, project: { id: 99, path: 'acme/stream' }, flow_type: 'chat' },
      });
    } else {
      flowEvents.push(startedEvent(id, at));
      reported++;
    }
    const isVerified = i % 3 === 0;
    if (isVerified) {
      verified++;
      systemEvents.push(system('duo_flow_authorization_verified', id, at, { verified_at: at, method: 'gitlab_api', access_level: { user: 30, agent: 30 } }));
    }
    if (fromStream && !isVerified) withoutEvidence++;
    if (i % 2 === 0 && !fromStream) {
      flowEvents.push(flowEvent('duo_flow_resource_created', id, inMarch(1 + (i % 27), (i % 60) + 1) , { resource_type: 'Commit', resource_id: sha(i), action: 'created' }));
      traced.add(sha(i));
    }
    if (i % 4 === 0) {
      systemEvents.push(system('duo_flow_resource_linked', id, at, { resource_type: 'Commit', resource_id: sha(i), link_method: 'trailer' }));
      traced.add(sha(i));
    }
  }
  for (let k = 0; k < 2; k++) flowEvents.push(startedEvent(`feb-${k}`, new Date(Date.UTC(2026, 1, 10 + k)).toISOString()));
  const untracedShas = new Set<string>();
  for (let u = 0; u < o.untraced; u++) {
    systemEvents.push(system('duo_flow_untraced_agent_commit', null, inMarch(20, u), { sha: sha(1000 + u), reason: 'no trailer' }, { projectPath: 'acme/web' }));
    untracedShas.add(sha(1000 + u));
  }
  if (o.untraced > 0) systemEvents.push(system('duo_flow_untraced_agent_commit', null, inMarch(21), { sha: sha(1000), reason: 'no trailer' }, { projectPath: 'acme/web' }));
  for (let r = 0; r < o.unknown; r++) systemEvents.push(system('duo_flow_unknown_session_reference', null, inMarch(22, r), { reference: `nope-${r}`, reason: 'no such session' }));
  systemEvents.push(system('retention_purged', null, inMarch(5), { sessions: 3, events: 40 }), system('retention_purged', null, inMarch(12), { sessions: 2, events: 11 }));
  systemEvents.push(system('personal_data_erased', null, inMarch(7), { scope: { username: 'gone' }, events: 6, seq_ranges: [[1, 6]] }));
  systemEvents.push(system('audit_export_performed', null, inMarch(8), { format: 'csv' }), system('audit_export_performed', null, inMarch(9), { format: 'bundle' }));
  return {
    flowEvents, systemEvents,
    expected: {
      started: o.sessions, verified, reported, withoutEvidence, traced: traced.size, untraced: untracedShas.size, unknownReferences: o.unknown,
      retentionRuns: 2, sessionsPurged: 5, erasureEvents: 6, exports: 2, outside: 2,
    },
  };
}
