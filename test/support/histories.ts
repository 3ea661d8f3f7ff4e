import { randomUUID } from 'node:crypto';
import type { NewEvent } from '../../src/events.js';
import type { Integrator } from '../../src/log/index.js';

// Generated session histories for the anomaly detectors: events built as the
// flow-event API stores them, appended through the integrator with the log's
// clock (recorded_at) set to when each batch is to have arrived.

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** The detectors' run in the tests: a Tuesday afternoon. */
export const NOW = new Date('2026-03-10T14:00:00Z');
/** `ms` before NOW. */
export const before = (ms: number): Date => new Date(NOW.getTime() - ms);
/** Minute 7 of `hourUtc`, `days` days before NOW's day. */
export const dayAt = (days: number, hourUtc: number): Date => new Date(Date.UTC(2026, 2, 10 - days, hourUtc, 7));

export interface SessionSpec {
  id?: string;
  user: string;
  project?: string;
  flowType?: string;
  /** What the sender claims (occurred_at); by default the time the log records it. */
  claimedAt?: Date;
}

export function startEvent(s: SessionSpec & { id: string }, at: Date): NewEvent {
  const project = s.project ?? `acme/${s.user}-app`;
  return {
    eventId: randomUUID(), type: 'duo_flow_started', sessionId: s.id, occurredAt: (s.claimedAt ?? at).toISOString(), source: 'flow_api',
    projectPath: project, username: s.user,
    data: {
      user: { id: `u-${s.user}`, username: s.user }, agent: { id: 'a-1', username: 'ai-developer' }, project: { id: `p-${project}`, path: project },
      flow_type: s.flowType ?? 'software_development', input_prompt: 'Fix the build',
      authorization: { verified_at: at.toISOString(), method: 'composite_identity', scopes: ['ai_workflows'] },
    },
  };
}

export function endEvent(id: string, at: Date, outcome: 'completed' | 'failed' | 'stopped' = 'completed', tokens?: number, source: NewEvent['source'] = 'flow_api'): NewEvent {
  const usage = tokens === undefined ? {} : { usage: { input_tokens: Math.round(tokens * 0.8), output_tokens: tokens - Math.round(tokens * 0.8) } };
  const data = outcome === 'failed'
    ? { error_category: 'tool_error', error_code: 'E1', error_message: 'lint failed', failed_at_step: 2, ...usage }
    : outcome === 'completed' ? { outcome_summary: 'done', ...usage } : {};
  return { eventId: randomUUID(), type: `duo_flow_${outcome}`, sessionId: id, occurredAt: at.toISOString(), source, data };
}

export function decisionEvent(id: string, at: Date): NewEvent {
  return { eventId: randomUUID(), type: 'duo_flow_decision_logged', sessionId: id, occurredAt: at.toISOString(), source: 'flow_api', data: { step: 1, decision: 'ran the tests' } };
}

/** Appends batches in time order, each with the log's clock at its time; `setClock` moves the integrator's clock. */
export function createHistory(integrator: Integrator, setClock: (at: Date | null) => void) {
  const batches = new Map<number, NewEvent[]>();
  let n = 0;
  const add = (at: Date, ...events: NewEvent[]) => {
    const list = batches.get(at.getTime()) ?? [];
    list.push(...events);
    batches.set(at.getTime(), list);
  };
  return {
    add,
    /** A session started at `at`, ended `minutes` later (unless `end` is false). */
    session(s: SessionSpec, at: Date, end: { outcome?: 'completed' | 'failed' | 'stopped'; tokens?: number; minutes?: number } | false = {}): string {
      const id = s.id ?? `s-${s.user}-${++n}`;
      add(at, startEvent({ ...s, id }, at));
      if (end !== false) {
        const endAt = new Date(at.getTime() + (end.minutes ?? 5) * 60_000);
        add(endAt, endEvent(id, endAt, end.outcome, end.tokens));
      }
      return id;
    },
    async flush(): Promise<void> {
      for (const at of [...batches.keys()].sort((a, b) => a - b)) {
        setClock(new Date(at));
        await integrator.append(batches.get(at)!);
      }
      batches.clear();
      setClock(null);
    },
  };
}
